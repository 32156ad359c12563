"""Property-based test of the ledger: random sequences of operations (concurrent batches too, on PostgreSQL); after
each step every pass is in exactly one state, its last event says that state, and counts and money reconcile."""

import contextlib
import datetime as dt

import pytest
from django.db.models import F, OuterRef, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cordee.core.errors import DomainError
from cordee.pass_numerique import ledger, services
from cordee.pass_numerique.models import Book, Pass, PassEvent, Statement
from tests.concurrency import run_concurrently
from tests.pass_numerique.factories import build_world

OPERATIONS = [
    "allocate",
    "move",
    "distribute",
    "redeem",
    "redeem_elsewhere",
    "cancel",
    "lose",
    "expire",
    "statements",
    "approve",
    "pay",
    "reject",
]
STEP = st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=0, max_value=20))


def operation(world, name, index):
    """A callable doing one random operation (a refusal by the domain is a normal outcome)."""
    passes = world.passes()
    item = passes[index % len(passes)]
    books = list(Book.objects.filter(order=world.order).order_by("number"))
    book = books[index % len(books)]
    statement = Statement.objects.order_by("pk").last()
    holder = [world.holder, world.other_holder][index % 2]
    aiguilleur = world.aiguilleur if book.holder_id == world.holder.pk else world.other_aiguilleur
    actions = {
        "allocate": lambda: services.allocate_books(world.funder_manager, world.order, holder.pk, 1),
        "move": lambda: services.move_book(world.funder_manager, book, holder.pk),
        "distribute": lambda: services.distribute(aiguilleur, code=item.code, reference=f"R{index}"),
        "redeem": lambda: services.redeem(world.mediateur, code=item.code, place_id=world.place.pk),
        "redeem_elsewhere": lambda: services.redeem(
            world.other_mediateur, code=item.code, place_id=world.other_place.pk
        ),
        "cancel": lambda: services.cancel_passes(world.funder_manager, world.order, codes_list=[item.code]),
        "lose": lambda: services.report_book_lost(world.funder_manager, book),
        "expire": lambda: services.expire_passes(
            now=world.order.expires_at + dt.timedelta(seconds=1), orders=[world.order]
        ),
        "statements": lambda: services.generate_statements(now=dt.datetime(2099, 1, 1, tzinfo=dt.UTC)),
        "approve": lambda: statement and services.approve_statement(world.funder_manager, statement),
        "pay": lambda: statement and services.pay_statement(world.funder_manager, statement, f"VIR-{index}"),
        "reject": lambda: statement and services.reject_statement(world.funder_manager, statement, "Pièce manquante"),
    }
    return actions[name]


def run(action):
    with contextlib.suppress(DomainError):
        action()


def check_invariants(world):
    result = ledger.compute(world.order)
    assert result.problems == [], result.problems
    assert sum(getattr(result, state) for state in ("in_stock", "allocated", "distributed")) * 1000 == (
        result.outstanding_cents
    )
    last_event = PassEvent.objects.filter(pass_obj=OuterRef("pk")).order_by("-at", "-pk").values("to_state")[:1]
    mismatched = (
        Pass.objects.filter(order=world.order)
        .annotate(last=Subquery(last_event))
        .exclude(last=F("state"))
        .values_list("code", "state", "last")
        .order_by("pk")
    )
    assert list(mismatched) == []


SETTINGS = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


@pytest.mark.django_db
@SETTINGS
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_random_sequences_keep_the_ledger_reconciled(steps):
    world = build_world(books=3, passes_per_book=3, allocate=1, distribute=2)
    check_invariants(world)
    for name, index in steps:
        run(operation(world, name, index))
        check_invariants(world)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(batches=st.lists(st.lists(STEP, min_size=2, max_size=5), min_size=1, max_size=6))
def test_random_concurrent_batches_keep_the_ledger_reconciled(batches):
    from django.db import DatabaseError

    world = build_world(books=3, passes_per_book=3, allocate=2, distribute=3)
    for batch in batches:
        actions = [operation(world, name, index) for name, index in batch]
        outcomes = run_concurrently(*[lambda action=action: run(action) for action in actions])
        database_errors = [outcome.error for outcome in outcomes if isinstance(outcome.error, DatabaseError)]
        assert database_errors == []
        check_invariants(world)
