"""What keeps the money records whole: redemptions linked to a real activity of the place's structure, pass events
and credits that the database itself refuses to change or delete, and a journal entry for every action that
moves money."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from cordee.activities import services as activity_services
from cordee.core.errors import Refused
from cordee.journal.models import Entry
from cordee.pass_numerique import ledger, services
from cordee.pass_numerique.models import Credit, PassEvent, Redemption
from tests.activities.factories import ActivityFactory
from tests.pass_numerique.factories import build_world

pytestmark = pytest.mark.django_db

link_migration = importlib.import_module("cordee.pass_numerique.migrations.0002_redemption_activity_link")


# --- The activity a pass paid for ------------------------------------------------------------------------------


def test_a_redemption_names_an_activity_of_the_place_structure_only():
    world = build_world()
    own = ActivityFactory(structure=world.place_structure, place=world.place, mediator=world.mediateur)
    foreign = ActivityFactory(structure=world.other_place_structure, place=world.other_place)
    for activity_id in (foreign.pk, own.pk + foreign.pk + 1000):
        with pytest.raises(Refused) as error:
            services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, activity_id=activity_id)
        assert error.value.reason == "unknown_activity"
        assert error.value.errors == {"activity_id": "Accompagnement inconnu de la structure qui gère ce lieu."}
    assert not Redemption.objects.exists()
    redemption = services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, activity_id=own.pk)
    assert redemption.activity == own
    assert list(own.pass_redemptions.all()) == [redemption]


def test_the_api_answers_422_on_activity_id():
    world = build_world()
    foreign = ActivityFactory(structure=world.other_place_structure, place=world.other_place)
    client = APIClient()
    client.force_authenticate(world.mediateur)
    response = client.post(
        reverse("api:pass-redemptions"),
        {"code": world.code(), "place_id": world.place.pk, "idempotency_key": "a-1", "activity_id": foreign.pk},
        format="json",
    )
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["reason"] == "unknown_activity"
    assert body["errors"] == {"activity_id": "Accompagnement inconnu de la structure qui gère ce lieu."}


def test_an_activity_paid_by_a_pass_cannot_be_deleted():
    world = build_world()
    activity = ActivityFactory(structure=world.place_structure, place=world.place, mediator=world.mediateur)
    services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, activity_id=activity.pk)
    with pytest.raises(Refused) as error:
        activity_services.delete_activity(world.mediateur, activity)
    assert error.value.reason == "activity_paid_by_pass"
    assert Redemption.objects.get().activity_id == activity.pk


def test_the_migration_forgets_identifiers_of_missing_activities():
    world = build_world()
    activity = ActivityFactory(structure=world.place_structure, place=world.place, mediator=world.mediateur)
    kept = services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, activity_id=activity.pk)
    dangling = services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    with connection.constraint_checks_disabled():
        Redemption.objects.filter(pk=dangling.pk).update(activity_id=activity.pk + 999)
        link_migration.forget_missing_activities(apps, None)
    assert Redemption.objects.get(pk=kept.pk).activity_id == activity.pk
    assert Redemption.objects.get(pk=dangling.pk).activity_id is None


# --- Append-only events and credits, down to the database ------------------------------------------------------


@pytest.mark.parametrize("table", ["pass_numerique_passevent", "pass_numerique_credit"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET amount_cents = 0", "DELETE FROM {table}"])
def test_the_database_refuses_to_change_events_and_credits(table, statement):
    world = build_world(distribute=0)
    services.cancel_passes(world.funder_manager, world.order, codes_list=[world.code("allocated")])
    assert PassEvent.objects.exists() and Credit.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))
    assert Credit.objects.get().amount_cents == 1000
    assert ledger.compute(world.order).reconciled


def test_the_orm_cannot_update_a_credit_either():
    world = build_world(distribute=0)
    services.cancel_passes(world.funder_manager, world.order, codes_list=[world.code("allocated")])
    with pytest.raises(DatabaseError), transaction.atomic():
        Credit.objects.update(amount_cents=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Credit.objects.get().delete()


# --- Every action that moves money is journaled ----------------------------------------------------------------

MONEY_ACTIONS = {
    "confirm": ["pass_numerique.order.confirm", "pass_numerique.order.issue"],
    "allocate": ["pass_numerique.books.allocate"],
    "move": ["pass_numerique.book.move"],
    "distribute": ["pass_numerique.pass.distribute"],
    "redeem": ["pass_numerique.pass.redeem"],
    "cancel": ["pass_numerique.passes.cancel"],
    "lose": ["pass_numerique.book.lost"],
    "expire": ["pass_numerique.passes.expire"],
    "statement generate": ["pass_numerique.statement.create"],
    "statement approve": ["pass_numerique.statement.approve"],
    "statement pay": ["pass_numerique.statement.pay"],
    "statement reject": ["pass_numerique.statement.reject"],
    "statement resubmit": ["pass_numerique.statement.resubmit"],
}


def test_every_money_moving_action_writes_a_journal_entry():
    done = {}

    def step(name, action):
        before = set(Entry.objects.values_list("pk", flat=True))
        action()
        done[name] = sorted(Entry.objects.exclude(pk__in=before).values_list("action", flat=True))

    world = build_world(
        books=4,
        passes_per_book=3,
        allocate=0,
        distribute=0,
        valid_from=timezone.localdate() - dt.timedelta(days=90),
    )
    step("confirm", lambda: None)  # build_world confirmed the order: look at its entries below
    done["confirm"] = sorted(
        Entry.objects.filter(action__in=MONEY_ACTIONS["confirm"]).values_list("action", flat=True)
    )
    step("allocate", lambda: services.allocate_books(world.funder_manager, world.order, world.holder.pk, 3))
    books = sorted(world.order.books.filter(holder=world.holder), key=lambda book: book.number)
    step("move", lambda: services.move_book(world.funder_manager, books[2], world.other_holder.pk))
    step("distribute", lambda: services.distribute(world.aiguilleur, code=world.code("allocated", 0)))
    last_month = timezone.now() - dt.timedelta(days=40)
    code = world.code("distributed", 0)
    step("redeem", lambda: services.redeem(world.mediateur, code=code, place_id=world.place.pk, now=last_month))
    step(
        "cancel",
        lambda: services.cancel_passes(world.funder_manager, world.order, codes_list=[world.code("allocated", 0)]),
    )
    step("lose", lambda: services.report_book_lost(world.aiguilleur, books[1]))
    step("statement generate", services.generate_statements)
    statement = world.order.redemptions.get().statement
    step("statement reject", lambda: services.reject_statement(world.funder_manager, statement, "RIB manquant"))
    gestionnaire = _place_gestionnaire(world)
    step("statement resubmit", lambda: services.resubmit_statement(gestionnaire, statement, "RIB envoyé"))
    step("statement approve", lambda: services.approve_statement(world.funder_manager, statement))
    step("statement pay", lambda: services.pay_statement(world.funder_manager, statement, "VIR-2026-11"))
    with freeze_time(world.order.expires_at + dt.timedelta(hours=1)):
        step("expire", services.expire_passes)

    missing = {name: wanted for name, wanted in MONEY_ACTIONS.items() if not set(wanted) <= set(done.get(name, []))}
    assert not missing, (missing, done)
    assert ledger.compute(world.order).reconciled


def _place_gestionnaire(world):
    from tests.structures.factories import MembershipFactory

    return MembershipFactory(structure=world.place_structure, gestionnaire=True).user
