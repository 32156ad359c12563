import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from freezegun import freeze_time

from cordee.core.errors import Conflict, Invalid, NotAllowed, Refused
from cordee.journal.models import Entry
from cordee.pass_numerique import codes, ledger, services
from cordee.pass_numerique.enums import CreditKind, OrderState, PassEventKind, PassState, StatementState
from cordee.pass_numerique.models import Book, Credit, Order, Pass, PassEvent, PassEventIsImmutable, Redemption
from tests.activities.factories import ActivityFactory
from tests.pass_numerique.factories import build_world
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def order_data(funder, **overrides):
    return {
        "funder_structure_id": funder.pk,
        "books": 2,
        "passes_per_book": 3,
        "value_cents": 1000,
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "tolerance_days": 30,
        "territories": ["departement:23"],
        **overrides,
    }


def assert_reconciled(order):
    result = ledger.compute(order)
    assert result.problems == []
    return result


# --- Orders -----------------------------------------------------------------------------------------------


def test_a_funder_manager_orders_confirms_and_the_passes_are_issued():
    funder = StructureFactory()
    manager = MembershipFactory(structure=funder, gestionnaire=True).user
    order = services.create_order(manager, order_data(funder))
    assert order.state == OrderState.DRAFT and order.time_zone == "Europe/Paris"
    assert not Pass.objects.filter(order=order).exists()
    services.confirm_order(manager, order)
    assert order.state == OrderState.CONFIRMED and order.confirmed_at
    passes = Pass.objects.filter(order=order).order_by("pk")
    assert passes.count() == 6 and Book.objects.filter(order=order).count() == 2
    assert all(codes.is_valid(item.code) and item.state == PassState.IN_STOCK for item in passes)
    assert PassEvent.objects.filter(order=order, kind=PassEventKind.ISSUED).count() == 6
    assert Entry.objects.filter(action="pass_numerique.order.issue").exists()
    result = assert_reconciled(order)
    assert (result.issued, result.in_stock, result.issued_cents, result.outstanding_cents) == (6, 6, 6000, 6000)


def test_confirming_twice_is_a_conflict():
    world = build_world(allocate=0, distribute=0)
    with pytest.raises(Conflict):
        services.confirm_order(world.funder_manager, world.order)
    assert Pass.objects.filter(order=world.order).count() == 10


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_until": "2025-12-31"}, "valid_until"),
        ({"value_cents": 0}, "value_cents"),
        ({"value_cents": -100}, "value_cents"),
        ({"books": 0}, "books"),
        ({"passes_per_book": 0}, "passes_per_book"),
        ({"territories": []}, "territories"),
        ({"territories": ["departement:99"]}, "territories"),
        ({"territories": ["planete:terre"]}, "territories"),
        ({"valid_from": "hier"}, "valid_from"),
    ],
)
def test_bad_orders_get_a_clear_french_error_and_nothing_is_written(overrides, field):
    funder = StructureFactory()
    manager = MembershipFactory(structure=funder, gestionnaire=True).user
    with pytest.raises(Invalid) as error:
        services.create_order(manager, order_data(funder, **overrides))
    assert field in error.value.errors
    assert not Order.objects.exists()


def test_a_place_outside_the_perimeter_is_refused():
    funder = StructureFactory()
    manager = MembershipFactory(structure=funder, gestionnaire=True).user
    marseille = PlaceFactory(in_marseille=True)
    with pytest.raises(Invalid) as error:
        services.create_order(manager, order_data(funder, accepted_place_ids=[marseille.pk]))
    assert "hors du périmètre" in error.value.errors["accepted_place_ids"]
    assert not Order.objects.exists()


def test_who_may_order():
    funder = StructureFactory()
    data = order_data(funder)
    MembershipFactory(structure=funder, gestionnaire=True)
    mediateur = MembershipFactory(structure=funder).user
    with pytest.raises(NotAllowed):
        services.create_order(mediateur, data)
    out_of_scope = CoordinatorScopeFactory(nord=True).user
    with pytest.raises(NotAllowed):
        services.create_order(out_of_scope, data)
    # A coordinator of the commune does not cover the whole département.
    CommuneFactory(code_insee="23030", name="Bourganeuf", postal_codes="23400")
    commune_coordinator = CoordinatorScopeFactory(commune=True).user
    with pytest.raises(NotAllowed):
        services.create_order(commune_coordinator, data)
    assert services.create_order(commune_coordinator, order_data(funder, territories=["commune:23096"]))
    assert services.create_order(CoordinatorScopeFactory().user, data)
    assert services.create_order(CoordinatorScopeFactory(region=True).user, data)
    assert Order.objects.count() == 3


def test_a_draft_is_editable_and_deletable_a_confirmed_order_keeps_its_money():
    funder = StructureFactory()
    manager = MembershipFactory(structure=funder, gestionnaire=True).user
    order = services.create_order(manager, order_data(funder))
    services.update_order(manager, order, {"value_cents": 500, "eligibility": "Tous"})
    order.refresh_from_db()
    assert order.value_cents == 500
    services.confirm_order(manager, order)
    with pytest.raises(Conflict):
        services.update_order(manager, order, {"value_cents": 2000})
    with pytest.raises(Conflict):
        services.delete_order(manager, order)
    services.update_order(manager, order, {"eligibility": "Bénéficiaires du RSA"})
    order.refresh_from_db()
    assert order.value_cents == 500 and order.eligibility == "Bénéficiaires du RSA"
    draft = services.create_order(manager, order_data(funder))
    services.delete_order(manager, draft)
    assert not Order.objects.filter(pk=draft.pk).exists()


# --- Allocation, distribution, loss, cancellation ------------------------------------------------------------


def test_allocation_and_move_are_journaled_and_reconcile():
    world = build_world(allocate=1, distribute=2)
    book = world.books[0]
    assert Pass.objects.filter(book=book, state=PassState.ALLOCATED).count() == 3
    services.move_book(world.funder_manager, book, world.other_holder.pk)
    book.refresh_from_db()
    assert book.holder == world.other_holder
    assert book.allocations.count() == 2
    assert Entry.objects.filter(action="pass_numerique.book.move").exists()
    with pytest.raises(Refused):
        services.allocate_books(world.funder_manager, world.order, world.holder.pk, 5)
    assert_reconciled(world.order)


def test_only_the_holding_structure_distributes_and_nothing_personal_is_kept():
    world = build_world(distribute=0)
    code = world.code("allocated")
    with pytest.raises(NotAllowed):
        services.distribute(world.other_aiguilleur, code=code)
    with pytest.raises(Invalid):
        services.distribute(world.aiguilleur, code=code, reference="marie@example.org")
    distribution = services.distribute(world.aiguilleur, code=code, reference="AB-12")
    assert distribution.structure == world.holder and distribution.reference == "AB-12"
    with pytest.raises(Conflict):
        services.distribute(world.aiguilleur, code=code)


def test_a_book_of_the_stock_cannot_be_distributed_by_anyone():
    world = build_world(distribute=0)
    with pytest.raises(NotAllowed):
        services.distribute(world.aiguilleur, code=world.passes("in_stock")[0].code)


def test_a_lost_book_cancels_its_passes_not_handed_out():
    world = build_world(distribute=2)
    cancelled = services.report_book_lost(world.aiguilleur, world.books[0])
    assert cancelled == 3
    assert Pass.objects.filter(order=world.order, state=PassState.CANCELLED).count() == 3
    assert Pass.objects.filter(order=world.order, state=PassState.DISTRIBUTED).count() == 2
    assert Credit.objects.filter(order=world.order, kind=CreditKind.CANCELLED).count() == 3
    result = assert_reconciled(world.order)
    assert result.credited_cents == 3000
    with pytest.raises(Conflict):
        services.report_book_lost(world.aiguilleur, world.books[0])


def test_the_funder_cancels_passes_not_yet_redeemed():
    world = build_world(distribute=2)
    redeemed = world.code("distributed", 0)
    services.redeem(world.mediateur, code=redeemed, place_id=world.place.pk)
    with pytest.raises(NotAllowed):
        services.cancel_passes(world.aiguilleur, world.order, codes_list=[world.code("distributed", 0)])
    count = services.cancel_passes(
        world.funder_manager, world.order, codes_list=[redeemed, world.code("distributed", 0)]
    )
    assert count == 1
    assert Pass.objects.get(code=redeemed).state == PassState.REDEEMED
    with pytest.raises(Conflict):
        services.cancel_passes(world.funder_manager, world.order, codes_list=[redeemed])
    assert_reconciled(world.order)


# --- Redemption ------------------------------------------------------------------------------------------------


def test_redemption_happens_once_and_is_journaled():
    world = build_world()
    code = world.code()
    activity = ActivityFactory(structure=world.place_structure, place=world.place, mediator=world.mediateur)
    redemption = services.redeem(
        world.mediateur, code=codes.display(code).lower(), place_id=world.place.pk, activity_id=activity.pk
    )
    assert redemption.value_cents == 1000 and redemption.structure == world.place_structure
    assert redemption.activity == activity
    assert Pass.objects.get(code=code).state == PassState.REDEEMED
    assert Entry.objects.filter(action="pass_numerique.pass.redeem").count() == 1
    with pytest.raises(Conflict) as error:
        services.redeem(world.mediateur, code=code, place_id=world.place.pk)
    assert error.value.reason == "already_redeemed"
    assert error.value.extra["place"] == {"id": world.place.pk, "name": "Médiathèque"}
    assert error.value.extra["redeemed_at"]
    assert Redemption.objects.count() == 1
    assert_reconciled(world.order)


def test_redemption_refusals():
    world = build_world(distribute=1)
    with pytest.raises(Invalid) as error:
        services.redeem(world.mediateur, code="ABCD", place_id=world.place.pk)
    assert error.value.reason == "malformed_code"
    code = world.code()
    wrong = code[:-1] + next(s for s in codes.ALPHABET if s != code[-1])
    with pytest.raises(Invalid) as error:
        services.redeem(world.mediateur, code=wrong, place_id=world.place.pk)
    assert error.value.reason == "wrong_check_character"
    with pytest.raises(Refused) as error:
        services.redeem(world.mediateur, code=codes.generate(), place_id=world.place.pk)
    assert error.value.reason == "unknown_code"
    with pytest.raises(Refused) as error:
        services.redeem(world.mediateur, code=world.code("allocated"), place_id=world.place.pk)
    assert error.value.reason == "not_distributed"
    with pytest.raises(NotAllowed):
        services.redeem(world.other_mediateur, code=code, place_id=world.place.pk)
    with pytest.raises(NotAllowed):
        services.redeem(world.aiguilleur, code=code, place_id=world.place.pk)
    with pytest.raises(Refused) as error:
        services.redeem(world.other_mediateur, code=code, place_id=world.other_place.pk)
    assert error.value.reason == "place_not_allowed"
    services.cancel_passes(world.funder_manager, world.order, codes_list=[code])
    with pytest.raises(Refused) as error:
        services.redeem(world.mediateur, code=code, place_id=world.place.pk)
    assert error.value.reason == "cancelled"
    assert not Redemption.objects.exists()


def test_a_place_outside_the_perimeter_or_not_accepting_is_not_allowed():
    world = build_world()
    structure = world.place_structure
    unqualified = PlaceFactory(structure=structure, pass_numerique=True)
    not_accepting = PlaceFactory(structure=structure, qualified=True)
    elsewhere = PlaceFactory(structure=structure, pass_numerique=True, qualified=True, in_marseille=True)
    for place in (unqualified, not_accepting, elsewhere):
        with pytest.raises(Refused) as error:
            services.redeem(world.mediateur, code=world.code(), place_id=place.pk)
        assert error.value.reason == "place_not_allowed"


def test_accepted_places_of_the_order_replace_the_perimeter_rule():
    other = PlaceFactory(name="Atelier")  # in Guéret, neither qualified nor accepting
    world = build_world(accepted_place_ids=[other.pk])
    MembershipFactory(structure=world.place_structure)
    other.structure = world.place_structure
    other.save()
    with pytest.raises(Refused):
        services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    assert services.redeem(world.mediateur, code=world.code(), place_id=other.pk)


def test_expiry_is_judged_in_the_funders_local_time():
    world = build_world(distribute=2)
    order = world.order
    order.valid_until = dt.date(2026, 6, 30)
    order.valid_from = dt.date(2026, 1, 1)
    order.tolerance_days = 0
    order.save()
    # 30 June 23:30 in Paris is 21:30 UTC: still valid. 1 July 00:30 in Paris (22:30 UTC on 30 June): expired.
    still = dt.datetime(2026, 6, 30, 21, 30, tzinfo=dt.UTC)
    late = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)
    with pytest.raises(Refused) as error:
        services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, now=late)
    assert error.value.reason == "expired"
    assert services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, now=still)


def test_reunion_funder_expires_at_local_midnight():
    reunion = CommuneFactory(
        code_insee="97411",
        name="Saint-Denis",
        departement__code="974",
        departement__name="La Réunion",
        departement__region__code="04",
        departement__region__name="La Réunion",
        epci=None,
    )
    world = build_world(distribute=1)
    world.funder.commune = reunion
    world.funder.save()
    funder = world.funder
    manager = world.funder_manager
    order = services.create_order(
        manager, order_data(funder, valid_from="2026-01-01", valid_until="2026-06-30", tolerance_days=0)
    )
    assert order.time_zone == "Indian/Reunion"
    assert order.expires_at == dt.datetime(2026, 6, 30, 20, 0, tzinfo=dt.UTC)


def test_expiry_credits_the_funder():
    world = build_world(distribute=2)
    services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    after = world.order.expires_at + dt.timedelta(seconds=1)
    assert services.expire_passes(now=world.order.expires_at - dt.timedelta(seconds=1)) == 0
    assert services.expire_passes(now=after) == 9
    result = assert_reconciled(world.order)
    assert (result.redeemed, result.expired, result.expired_cents, result.outstanding_cents) == (1, 9, 9000, 0)
    assert services.expire_passes(now=after) == 0
    services.close_order(world.funder_manager, world.order)
    assert world.order.state == OrderState.CLOSED


# --- Statements -----------------------------------------------------------------------------------------------


def test_monthly_statement_claim_workflow():
    world = build_world(distribute=3)
    with freeze_time("2026-03-10 10:00"):
        order = world.order
        order.valid_from, order.valid_until = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
        order.save()
        for _index in range(2):
            services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    assert services.generate_statements(now=timezone.make_aware(dt.datetime(2026, 3, 31, 12))) == []
    # 1 April 00:30 in Paris: March is over there.
    statements = services.generate_statements(now=dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC))
    assert len(statements) == 1
    statement = statements[0]
    assert (statement.month, statement.passes_count, statement.total_cents) == (dt.date(2026, 3, 1), 2, 2000)
    assert statement.state == StatementState.SUBMITTED
    assert ledger.compute(world.order).claimed_cents == 2000
    with pytest.raises(NotAllowed):
        services.approve_statement(world.mediateur, statement)
    services.approve_statement(world.funder_manager, statement)
    with pytest.raises(Invalid):
        services.pay_statement(world.funder_manager, statement, "")
    services.pay_statement(world.funder_manager, statement, "VIR-2026-0042")
    assert statement.state == StatementState.PAID and statement.payment_reference == "VIR-2026-0042"
    result = assert_reconciled(world.order)
    assert result.paid_cents == 2000
    assert services.generate_statements(now=dt.datetime(2026, 4, 30, 22, 30, tzinfo=dt.UTC)) == []


def test_a_rejected_claim_needs_a_reason():
    world = build_world(distribute=1)
    with freeze_time("2026-03-10 10:00"):
        order = world.order
        order.valid_from, order.valid_until = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
        order.save()
        services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    (statement,) = services.generate_statements(now=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    with pytest.raises(Invalid):
        services.reject_statement(world.funder_manager, statement, " ")
    services.reject_statement(world.funder_manager, statement, "Lieu non conventionné")
    assert statement.state == StatementState.REJECTED
    assert ledger.compute(world.order).owed_cents == 1000


# --- Ledger ------------------------------------------------------------------------------------------------------


def test_events_are_immutable():
    world = build_world(distribute=0)
    event = PassEvent.objects.filter(order=world.order).order_by("pk").first()
    with pytest.raises(PassEventIsImmutable):
        event.save()
    with pytest.raises(PassEventIsImmutable):
        event.delete()
    with pytest.raises(PassEventIsImmutable):
        PassEvent.objects.filter(pk=event.pk).update(amount_cents=0)


def test_check_pass_ledger_names_the_order_and_the_broken_equation(capsys):
    world = build_world(distribute=1)
    call_command("check_pass_ledger")
    Pass.objects.filter(pk=world.passes("distributed")[0].pk).update(state=PassState.REDEEMED)
    with pytest.raises(CommandError) as error:
        call_command("check_pass_ledger")
    message = str(error.value)
    assert world.order.number in message
    assert "montants" in message and "utilisations" in message


def _redeem_at(world, moment, index=0):
    order = world.order
    order.valid_from, order.valid_until = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    order.save()
    return services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, now=moment)


def test_a_missed_run_claims_each_month_under_its_own_label():
    world = build_world(distribute=3)
    _redeem_at(world, dt.datetime(2026, 9, 15, 10, tzinfo=dt.UTC))
    _redeem_at(world, dt.datetime(2026, 10, 20, 10, tzinfo=dt.UTC))
    _redeem_at(world, dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC))
    # The runs of October, November and December were missed; the first one comes on 2 December.
    statements = services.generate_statements(now=dt.datetime(2026, 12, 2, 4, tzinfo=dt.UTC))
    assert sorted((item.month, item.passes_count) for item in statements) == [
        (dt.date(2026, 9, 1), 1),
        (dt.date(2026, 10, 1), 1),
        (dt.date(2026, 11, 1), 1),
    ]
    assert services.generate_statements(now=dt.datetime(2026, 12, 3, 4, tzinfo=dt.UTC)) == []


def test_the_month_is_the_funder_s_month_in_tahiti():
    world = build_world(distribute=2)
    Order.objects.filter(pk=world.order.pk).update(time_zone="Pacific/Tahiti")
    world.order.refresh_from_db()
    # 1 December 05:00 UTC is still 30 November 19:00 in Tahiti: a November redemption there.
    _redeem_at(world, dt.datetime(2026, 12, 1, 5, tzinfo=dt.UTC))
    # The daily run at 04:00 UTC on 1 December (30 November in Tahiti): November is not over.
    assert services.generate_statements(now=dt.datetime(2026, 12, 1, 4, tzinfo=dt.UTC)) == []
    # 1 December 10:00 UTC is 1 December 00:00 in Tahiti: November is over, labelled November.
    assert services.generate_statements(now=dt.datetime(2026, 12, 1, 9, 59, tzinfo=dt.UTC)) == []
    (statement,) = services.generate_statements(now=dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC))
    assert statement.month == dt.date(2026, 11, 1)


def test_the_month_is_the_funder_s_month_in_paris():
    world = build_world(distribute=2)
    assert world.order.time_zone == "Europe/Paris"
    # 30 November 23:30 UTC is 1 December 00:30 in Paris: a December redemption.
    _redeem_at(world, dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC))
    _redeem_at(world, dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC))  # 23:30 in Paris: November
    (statement,) = services.generate_statements(now=dt.datetime(2026, 12, 1, 4, tzinfo=dt.UTC))
    assert (statement.month, statement.passes_count) == (dt.date(2026, 11, 1), 1)
    assert services.generate_statements(now=dt.datetime(2026, 12, 31, 22, 59, tzinfo=dt.UTC)) == []
    (december,) = services.generate_statements(now=dt.datetime(2026, 12, 31, 23, tzinfo=dt.UTC))
    assert (december.month, december.passes_count) == (dt.date(2026, 12, 1), 1)


def test_the_statement_job_runs_every_day():
    from cordee.pass_numerique.jobs import tasks

    # Huey schedules in UTC; on 1 December at 04:00 UTC it is still November in Tahiti, so the job runs daily.
    assert tasks.monthly_statements.task_class().validate_datetime(dt.datetime(2026, 12, 2, 4, 0))
    assert tasks.monthly_statements.task_class().validate_datetime(dt.datetime(2026, 12, 1, 4, 0))


def test_books_go_only_to_a_structure_of_the_perimeter():
    world = build_world(books=3, allocate=1, distribute=0)
    outside = StructureFactory(in_lille=True, name="Association lilloise")
    with pytest.raises(Invalid) as error:
        services.allocate_books(world.funder_manager, world.order, outside.pk, 1)
    assert error.value.reason == "structure_outside_perimeter" and "structure_id" in error.value.errors
    with pytest.raises(Invalid) as error:
        services.move_book(world.funder_manager, world.books[0], outside.pk)
    assert "périmètre" in error.value.errors["structure_id"]
    assert not Book.objects.filter(holder=outside).exists()


def test_a_stock_book_with_every_pass_cancelled_is_not_allocated():
    world = build_world(books=3, allocate=0, distribute=0)
    first = Book.objects.get(order=world.order, number=1)
    services.cancel_passes(world.funder_manager, world.order, book_ids=[first.pk])
    (book,) = services.allocate_books(world.funder_manager, world.order, world.holder.pk, 1)
    assert book.number == 2
    with pytest.raises(Refused):
        services.allocate_books(world.funder_manager, world.order, world.holder.pk, 2)
    assert_reconciled(world.order)


def test_the_one_to_one_redemption_is_the_last_defence_and_nothing_is_half_written():
    """A pass still marked handed out although a redemption exists (a state the locks never let happen): the
    conditional update passes, the unique redemption refuses the second one, and the whole redemption is undone."""
    world = build_world()
    target = world.passes("distributed")[0]
    other = world.passes("distributed")[1]
    first = services.redeem(world.mediateur, code=other.code, place_id=world.place.pk)
    Redemption.objects.filter(pk=first.pk).update(pass_obj=target)
    events, entries = PassEvent.objects.count(), Entry.objects.count()
    with pytest.raises(Conflict) as refused:
        services.redeem(world.mediateur, code=target.code, place_id=world.place.pk)
    assert refused.value.reason == "already_redeemed"
    target.refresh_from_db()
    assert target.state == PassState.DISTRIBUTED
    assert Redemption.objects.filter(pass_obj=target).count() == 1
    assert (PassEvent.objects.count(), Entry.objects.count()) == (events, entries)
