"""Separation of duties on reimbursement claims: a funder gestionnaire who is also a member of the claiming
structure never approves, pays or rejects that claim; passes handed out and redeemed by the same hands are
flagged to the funder (not refused)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.core.errors import NotAllowed
from cordee.journal.models import Entry
from cordee.pass_numerique import perms, services, statements
from cordee.pass_numerique.enums import StatementState
from tests.pass_numerique.factories import build_world
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _claim(world, count=2):
    last_month = timezone.now() - dt.timedelta(days=40)
    for _ in range(count):
        services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, now=last_month)
    (statement,) = services.generate_statements()
    return statement


@pytest.fixture
def world():
    return build_world(valid_from=timezone.localdate() - dt.timedelta(days=90))


def test_a_funder_gestionnaire_member_of_the_claiming_structure_cannot_decide(world):
    statement = _claim(world)
    MembershipFactory(structure=world.place_structure, user=world.funder_manager)
    assert not perms.can_decide_statement(world.funder_manager, statement)
    with pytest.raises(NotAllowed) as error:
        services.approve_statement(world.funder_manager, statement)
    assert error.value.reason == "own_claim" and "membre de la structure" in error.value.message
    with pytest.raises(NotAllowed):
        services.reject_statement(world.funder_manager, statement, "Motif")
    refusals = Entry.objects.filter(action__endswith=".refused", object_id=str(statement.pk))
    assert sorted(refusals.values_list("action", flat=True)) == [
        "pass_numerique.statement.approve.refused",
        "pass_numerique.statement.reject.refused",
    ]
    statement.refresh_from_db()
    assert statement.state == StatementState.SUBMITTED
    # Another gestionnaire of the funder decides; the payment reference goes to the journal.
    services.approve_statement(world.admin, statement)
    with pytest.raises(NotAllowed):
        services.pay_statement(world.funder_manager, statement, "VIR-1")
    services.pay_statement(world.admin, statement, "VIR-1")
    assert Entry.objects.get(action="pass_numerique.statement.pay").details["payment_reference"] == "VIR-1"


def test_the_web_page_refuses_the_own_claim(client, world):
    statement = _claim(world)
    MembershipFactory(structure=world.place_structure, user=world.funder_manager)
    client.force_login(world.funder_manager)
    url = reverse("www:pass_numerique:statement", kwargs={"pk": statement.pk})
    page = client.get(url).content.decode()
    assert "Approuver le relevé" not in page and "un autre gestionnaire du financeur" in page
    client.post(reverse("www:pass_numerique:statement_decide", kwargs={"pk": statement.pk}), {"action": "approve"})
    statement.refresh_from_db()
    assert statement.state == StatementState.SUBMITTED


def test_same_hands_are_counted_for_the_funder(client, world):
    # The place's structure also holds a book: its médiateur hands a pass out and redeems it himself.
    (book,) = services.allocate_books(world.funder_manager, world.order, world.place_structure.pk, 1)
    own = book.passes.order_by("position")[0]
    services.distribute(world.mediateur, code=own.code, reference="X-1")
    colleague = MembershipFactory(structure=world.place_structure).user
    other = book.passes.order_by("position")[1]
    services.distribute(colleague, code=other.code, reference="X-2")
    last_month = timezone.now() - dt.timedelta(days=40)
    for code in (own.code, other.code, world.code()):
        services.redeem(world.mediateur, code=code, place_id=world.place.pk, now=last_month)
    (statement,) = services.generate_statements()
    assert statements.same_hands(statement) == statements.SameHands(person=1, structure=2)
    rows = list(csv.DictReader(io.StringIO("".join(statements_csv(client, world, statement)))))
    flags = sorted(row["remis_et_encaisse_par"] for row in rows)
    assert flags == ["", statements.SAME_PERSON, statements.SAME_STRUCTURE]
    page = client.get(reverse("www:pass_numerique:statement", kwargs={"pk": statement.pk})).content.decode()
    assert "Remis et encaissés par la même personne" in page and "À regarder avant d'approuver" in page


def statements_csv(client, world, statement):
    client.force_login(world.funder_manager)
    response = client.get(reverse("www:pass_numerique:statement_csv", kwargs={"pk": statement.pk}))
    return [chunk.decode() for chunk in response.streaming_content]
