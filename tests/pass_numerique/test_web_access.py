"""Access matrix of every Pass numérique web page, GET and POST, for every kind of person around an order.

The kinds are ``PASS_KINDS`` of tests/user_kinds.py, around ``build_world``: the funder's gestionnaire, the
aiguilleur of the structure holding a book, an aiguilleur of another structure, the médiateur of the accepting
place's structure, a médiateur of another place, a coordinator of the Creuse (in scope) and of the Nord (out of
scope), the national admin, and nobody signed in. Someone who may not see an object gets a 404; someone who
sees it but may not act, a 403. A refused POST changes nothing (journal, pass events, distributions,
redemptions, orders, prints, statements); an allowed one does its action.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cordee.journal.models import Entry
from cordee.pass_numerique import services
from cordee.pass_numerique.enums import StatementState
from cordee.pass_numerique.jobs.models import BookPrint
from cordee.pass_numerique.models import Distribution, Order, PassEvent, Redemption, Statement
from tests.pass_numerique.factories import OrderFactory, build_world, spent_order
from tests.user_kinds import PASS_KINDS, expect_pass, make_pass_user

pytestmark = pytest.mark.django_db

KINDS = PASS_KINDS
OK = "ok"  # the action is done (302 after the POST) and the database changed
expect = expect_pass

#                                    anon funder holder other  place  other_pl coord_in coord_out admin
GET_EXPECTATIONS = {
    "www:pass_numerique:check_form": expect(200, 200, 200, 200, 200, 200, 200, 200, 200),
    "www:pass_numerique:check": expect(200, 200, 200, 200, 200, 200, 200, 200, 200),
    "www:pass_numerique:index": expect(200, 200, 200, 200, 200, 200, 200, 200, 200),
    "www:pass_numerique:orders": expect(302, 200, 200, 200, 200, 200, 200, 200, 200),
    "www:pass_numerique:order_create": expect(302, 200, 403, 403, 403, 403, 200, 200, 200),
    "www:pass_numerique:order": expect(302, 200, 200, 404, 404, 404, 200, 404, 200),
    "www:pass_numerique:order_edit": expect(302, 200, 404, 404, 404, 404, 200, 404, 200),  # a draft
    # Codes, printing and money: the funder's gestionnaires, the holder (its book) and the national admin; a
    # coordinator of the perimeter sees the order's counts only.
    "www:pass_numerique:print": expect(302, 200, 403, 404, 404, 404, 403, 404, 200),
    "www:pass_numerique:print_file": expect(302, 200, 403, 404, 404, 404, 403, 404, 200),
    "www:pass_numerique:book": expect(302, 200, 200, 404, 404, 404, 404, 404, 200),
    "www:pass_numerique:book_pdf": expect(302, 200, 200, 404, 404, 404, 404, 404, 200),
    "www:pass_numerique:stock": expect(302, 200, 200, 200, 200, 200, 200, 200, 200),
    "www:pass_numerique:distribute": expect(302, 403, 200, 403, 403, 403, 403, 403, 403),
    # The funder's gestionnaire may redeem for its structure (which runs no place: an empty choice).
    "www:pass_numerique:redeem": expect(302, 200, 403, 403, 200, 200, 403, 403, 403),
    "www:pass_numerique:statements": expect(302, 200, 200, 200, 200, 200, 200, 200, 200),
    "www:pass_numerique:statement": expect(302, 200, 404, 404, 200, 404, 404, 404, 200),
    "www:pass_numerique:statement_pdf": expect(302, 200, 404, 404, 200, 404, 404, 404, 200),
    "www:pass_numerique:statement_csv": expect(302, 200, 404, 404, 200, 404, 404, 404, 200),
    "www:pass_numerique:statistics": expect(302, 200, 403, 403, 403, 403, 200, 200, 200),
    "www:pass_numerique:statistics_csv": expect(302, 200, 403, 403, 403, 403, 200, 200, 200),
}

POST_EXPECTATIONS = {
    # The coordinator out of scope cannot pick a funder of the Creuse: the form refuses it.
    "www:pass_numerique:order_create": expect(302, OK, 403, 403, 403, 403, OK, 400, OK),
    "www:pass_numerique:order_edit": expect(302, OK, 404, 404, 404, 404, OK, 404, OK),
    "www:pass_numerique:order_confirm": expect(302, OK, 404, 404, 404, 404, OK, 404, OK),
    # An order whose passes were all cancelled: nothing outstanding, it can be closed.
    "www:pass_numerique:order_close": expect(302, OK, 404, 404, 404, 404, OK, 404, OK),
    "www:pass_numerique:order_delete": expect(302, OK, 404, 404, 404, 404, OK, 404, OK),
    "www:pass_numerique:order_allocate": expect(302, OK, 403, 404, 404, 404, 403, 404, OK),
    "www:pass_numerique:order_cancel": expect(302, OK, 403, 404, 404, 404, 403, 404, OK),
    "www:pass_numerique:print_request": expect(302, OK, 403, 404, 404, 404, 403, 404, OK),
    "www:pass_numerique:book_move": expect(302, OK, 403, 404, 404, 404, 404, 404, OK),
    "www:pass_numerique:book_lost": expect(302, OK, OK, 404, 404, 404, 404, 404, OK),
    "www:pass_numerique:distribute": expect(302, 403, OK, 403, 403, 403, 403, 403, 403),
    # Only a member of the place's structure can choose the place: others get the form back (400).
    "www:pass_numerique:redeem": expect(302, 400, 403, 403, OK, 400, 403, 403, 403),
    "www:pass_numerique:statement_decide": expect(302, OK, 404, 404, 403, 404, 404, 404, OK),
    # A rejected statement is sent back by the gestionnaires of the claiming structure only (test_claims.py).
    "www:pass_numerique:statement_resubmit": expect(302, 403, 404, 404, 403, 404, 404, 404, 403),
}


@pytest.fixture
def world():
    world = build_world(
        books=3, passes_per_book=4, allocate=1, distribute=3, valid_from=timezone.localdate() - dt.timedelta(days=90)
    )
    world.users = {}
    # A redemption of last month, claimed on a statement.
    last_month = timezone.now() - dt.timedelta(days=40)
    services.redeem(world.mediateur, code=world.code("distributed", 0), place_id=world.place.pk, now=last_month)
    world.statement = services.generate_statements()[0]
    # Another claim of the same month, rejected.
    services.redeem(world.mediateur, code=world.code("distributed", 0), place_id=world.place.pk, now=last_month)
    world.rejected = services.generate_statements()[0]
    services.reject_statement(world.funder_manager, world.rejected, "Attestation manquante")
    world.draft = OrderFactory(funder=world.funder)
    world.spent = spent_order(world)
    job = BookPrint.objects.create(order=world.order, requested_by=world.funder_manager)
    job.result_file.save("carnets.zip", ContentFile(b"PK"), save=False)
    job.finish(books_count=1)
    world.job = job
    return world


def user_of(world, kind):
    if kind not in world.users:
        world.users[kind] = make_pass_user(kind, world)
    return world.users[kind]


def url_of(name, world):
    order, book, draft = world.order, world.books[0], world.draft
    kwargs = {
        "www:pass_numerique:check": {"code": world.code("distributed", 0)},
        "www:pass_numerique:order": {"pk": order.pk},
        "www:pass_numerique:order_edit": {"pk": draft.pk},
        "www:pass_numerique:order_confirm": {"pk": draft.pk},
        "www:pass_numerique:order_close": {"pk": world.spent.pk},
        "www:pass_numerique:order_delete": {"pk": draft.pk},
        "www:pass_numerique:order_allocate": {"pk": order.pk},
        "www:pass_numerique:order_cancel": {"pk": order.pk},
        "www:pass_numerique:print_request": {"pk": order.pk},
        "www:pass_numerique:print": {"pk": order.pk, "job": world.job.pk},
        "www:pass_numerique:print_file": {"pk": order.pk, "job": world.job.pk},
        "www:pass_numerique:book": {"pk": book.pk},
        "www:pass_numerique:book_pdf": {"pk": book.pk},
        "www:pass_numerique:book_move": {"pk": book.pk},
        "www:pass_numerique:book_lost": {"pk": book.pk},
        "www:pass_numerique:statement": {"pk": world.statement.pk},
        "www:pass_numerique:statement_pdf": {"pk": world.statement.pk},
        "www:pass_numerique:statement_csv": {"pk": world.statement.pk},
        "www:pass_numerique:statement_decide": {"pk": world.statement.pk},
        "www:pass_numerique:statement_resubmit": {"pk": world.rejected.pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def post_data(name, world):
    today = timezone.localdate()
    order_fields = {
        "funder": world.funder.pk,
        "books": 2,
        "passes_per_book": 5,
        "value_euros": "10",
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=90)).isoformat(),
        "tolerance_days": 30,
        "territories": "departement:23",
        "eligibility": "Personnes de plus de 60 ans",
        "accepted_places": "",
    }
    return {
        "www:pass_numerique:order_create": order_fields,
        "www:pass_numerique:order_edit": {**order_fields, "books": 3},
        "www:pass_numerique:order_allocate": {"structure": world.other_holder.pk, "count": 1},
        "www:pass_numerique:order_cancel": {"codes": world.code("allocated", 0)},
        "www:pass_numerique:book_move": {"structure": world.other_holder.pk},
        "www:pass_numerique:distribute": {
            "code": world.code("allocated", 0),
            "distributed_on": today.isoformat(),
            "reference": "DOSSIER-42",
        },
        "www:pass_numerique:redeem": {"code": world.code("distributed", 0), "place": world.place.pk},
        "www:pass_numerique:statement_decide": {"action": "approve"},
        "www:pass_numerique:statement_resubmit": {"answer": "Attestation jointe au dossier"},
    }.get(name, {})


def snapshot():
    return (
        Entry.objects.count(),
        PassEvent.objects.count(),
        Distribution.objects.count(),
        Redemption.objects.count(),
        Order.objects.count(),
        BookPrint.objects.count(),
        Statement.objects.filter(state=StatementState.SUBMITTED).count(),
    )


def sign_in(client, world, kind):
    user = user_of(world, kind)
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("kind", KINDS)
def test_get_matrix(client, world, kind):
    sign_in(client, world, kind)
    failures = []
    for name, row in GET_EXPECTATIONS.items():
        status = client.get(url_of(name, world)).status_code
        if status != row[kind]:
            failures.append(f"{name}: {status} (attendu {row[kind]})")
    assert not failures, failures


class Rollback(Exception):
    """Undo one person's POST so that the next kind starts from the same world."""


@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_post_matrix(client, world, name):
    failures = []
    for kind in KINDS:
        expected = POST_EXPECTATIONS[name][kind]
        try:
            with transaction.atomic():
                client.logout()
                sign_in(client, world, kind)
                before = snapshot()
                response = client.post(url_of(name, world), post_data(name, world))
                changed = snapshot() != before
                if expected == OK and (response.status_code != 302 or not changed):
                    failures.append(f"{kind}: {response.status_code}, changé : {changed} (attendu : fait)")
                elif expected != OK and (response.status_code != expected or changed):
                    failures.append(f"{kind}: {response.status_code}, changé : {changed} (attendu {expected})")
                raise Rollback
        except Rollback:
            pass
    assert not failures, failures


# The activity report form with « Pass numérique utilisé » (www:activities:create): an activity at the accepting
# place, paid by a pass. Only the place's team records it; the others are not recorders (404), cannot choose that
# place (400), or record no activity there.
ACTIVITY_WITH_PASS = expect(302, 400, 404, 404, OK, 400, 400, 400, 404)


@pytest.mark.parametrize("kind", KINDS)
def test_the_activity_form_redeems_for_the_place_team_only(client, world, kind):
    sign_in(client, world, kind)
    code = world.code("distributed", 0)
    data = {
        "kind": "individual",
        "date": timezone.localdate().isoformat(),
        "location_kind": "place",
        "place": world.place.pk,
        "duration": "60",
        "themes": ["email"],
        "pass_code": code,
    }
    before = snapshot()
    response = client.post(reverse("www:activities:create"), data)
    expected = ACTIVITY_WITH_PASS[kind]
    if expected == OK:
        assert response.status_code == 302
        assert Redemption.objects.get(pass_obj__code=code).activity.place == world.place
    else:
        assert response.status_code == expected
        assert snapshot() == before
