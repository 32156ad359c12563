"""Redemption exactly once under concurrency (PostgreSQL): many clients at the same moment, one redemption."""

import pytest
from rest_framework.test import APIClient

from cordee.pass_numerique import ledger, services
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Pass, Redemption
from tests.concurrency import run_concurrently
from tests.pass_numerique.factories import build_world
from tests.structures.factories import MembershipFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

CLIENTS = 64


def _post(user, body, key):
    client = APIClient()
    client.force_authenticate(user)
    response = client.post("/api/v1/pass-numerique/redemptions/", {**body, "idempotency_key": key}, format="json")
    return response.status_code, response.json()


def test_64_clients_redeem_the_same_code_one_succeeds_63_get_409():
    world = build_world(distribute=1)
    code = world.code()
    # Several members of the place's structure, as at a busy desk.
    users = [world.mediateur] + [MembershipFactory(structure=world.place_structure).user for _ in range(7)]
    body = {"code": code, "place_id": world.place.pk}
    outcomes = run_concurrently(
        *[lambda i=i: _post(users[i % len(users)], body, f"client-{i}") for i in range(CLIENTS)], timeout=120
    )
    errors = [outcome.error for outcome in outcomes if not outcome.ok]
    assert errors == []
    statuses = sorted(outcome.result[0] for outcome in outcomes)
    assert statuses == [201] + [409] * (CLIENTS - 1)
    conflicts = [outcome.result[1] for outcome in outcomes if outcome.result[0] == 409]
    assert {body["reason"] for body in conflicts} == {"already_redeemed"}
    assert Redemption.objects.count() == 1
    assert ledger.compute(world.order).problems == []


def test_the_same_key_sent_concurrently_is_answered_as_the_first():
    world = build_world(distribute=1)
    body = {"code": world.code(), "place_id": world.place.pk}
    outcomes = run_concurrently(*[lambda: _post(world.mediateur, body, "same-key") for _ in range(8)])
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    assert {outcome.result[0] for outcome in outcomes} == {201}
    assert len({outcome.result[1]["id"] for outcome in outcomes}) == 1
    assert Redemption.objects.count() == 1


def test_redemption_cancellation_loss_and_expiry_racing_on_the_same_passes_reconcile():
    world = build_world(books=2, passes_per_book=5, allocate=1, distribute=3)
    distributed = [item.code for item in world.passes(PassState.DISTRIBUTED)]
    after_end = world.order.expires_at
    calls = [
        lambda: services.redeem(world.mediateur, code=distributed[0], place_id=world.place.pk),
        lambda: services.cancel_passes(world.funder_manager, world.order, codes_list=distributed[:2]),
        lambda: services.report_book_lost(world.aiguilleur, world.books[0]),
        lambda: services.redeem(world.mediateur, code=distributed[1], place_id=world.place.pk),
        lambda: services.distribute(world.aiguilleur, code=world.code("allocated")),
        lambda: services.expire_passes(now=after_end),
        lambda: services.redeem(world.mediateur, code=distributed[2], place_id=world.place.pk),
    ]
    outcomes = run_concurrently(*calls)
    from django.db import DatabaseError

    assert not [o.error for o in outcomes if isinstance(o.error, DatabaseError)]
    result = ledger.compute(world.order)
    assert result.problems == []
    assert Redemption.objects.count() == Pass.objects.filter(state=PassState.REDEEMED).count()
