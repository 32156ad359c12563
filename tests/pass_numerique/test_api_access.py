"""Access matrix of every Pass numérique API endpoint over every kind of ``tests/user_kinds.PASS_KINDS``.

A refused write leaves the database as it was (orders, books, passes, events, distributions, redemptions); an
allowed one does what it says.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Allocation, Book, Distribution, Order, Pass, PassEvent, Redemption
from cordee.pass_numerique.services import create_order
from tests.activities.factories import ActivityFactory
from tests.pass_numerique.factories import build_world, spent_order
from tests.user_kinds import PASS_KINDS, expect_pass, make_pass_user

pytestmark = pytest.mark.django_db

#                            anon funder holding other  place  other-place coord-in coord-out admin
GET_EXPECTATIONS = {
    "api:pass-order": expect_pass(401, 200, 200, 404, 404, 404, 200, 404, 200),
    "api:pass-order-ledger": expect_pass(401, 200, 403, 404, 404, 404, 200, 404, 200),
    # Codes of a book: the funder's gestionnaires, the holder and the national admin, never a coordinator.
    "api:pass-book": expect_pass(401, 200, 200, 404, 404, 404, 404, 404, 200),
}
POST_EXPECTATIONS = {
    "api:pass-orders": expect_pass(401, 201, 403, 403, 403, 403, 201, 403, 201),
    "api:pass-order-confirm": expect_pass(401, 200, 404, 404, 404, 404, 200, 404, 200),
    "api:pass-order-close": expect_pass(401, 200, 404, 404, 404, 404, 200, 404, 200),
    "api:pass-order-allocations": expect_pass(401, 201, 403, 404, 404, 404, 403, 404, 201),
    "api:pass-distributions": expect_pass(401, 403, 201, 403, 403, 403, 403, 403, 403),
    "api:pass-redemptions": expect_pass(401, 403, 403, 403, 201, 403, 403, 403, 403),
}
# A redemption naming the activity it paid for (an activity of the place's structure).
REDEMPTION_WITH_ACTIVITY = expect_pass(401, 403, 403, 403, 201, 403, 403, 403, 403)


@pytest.fixture
def world():
    return build_world(books=2, passes_per_book=3, allocate=1, distribute=1)


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Order, Book, Pass, PassEvent, Allocation, Distribution, Redemption)
    } | {
        "states": sorted(Pass.objects.values_list("state", flat=True)),
        "orders": sorted(Order.objects.values_list("state", flat=True)),
    }


def read_url(name, world):
    if name == "api:pass-book":
        return reverse(name, kwargs={"pk": world.books[0].pk})
    return reverse(name, kwargs={"pk": world.order.pk})


@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
@pytest.mark.parametrize("kind", PASS_KINDS)
def test_get_access(world, name, kind):
    user = make_pass_user(kind, world)
    response = client_for(user).get(read_url(name, world))
    assert response.status_code == GET_EXPECTATIONS[name][kind], response.content
    if response.status_code >= 400:
        assert set(response.json()) >= {"detail", "reason"}


def write_request(name, world):
    """(url, body) of an allowed-looking write of each endpoint."""
    if name == "api:pass-orders":
        body = {
            "funder_structure_id": world.funder.pk,
            "books": 1,
            "passes_per_book": 2,
            "value_cents": 1000,
            "valid_from": str(timezone.localdate()),
            "valid_until": str(timezone.localdate() + dt.timedelta(days=30)),
            "tolerance_days": 10,
            "territories": ["departement:23"],
        }
        return reverse(name), body
    if name == "api:pass-order-confirm":
        draft = create_order(
            world.funder_manager,
            {
                "funder_structure_id": world.funder.pk,
                "books": 1,
                "passes_per_book": 2,
                "valid_from": timezone.localdate(),
                "valid_until": timezone.localdate() + dt.timedelta(days=30),
                "territories": ["departement:23"],
            },
        )
        return reverse(name, kwargs={"pk": draft.pk}), {}
    if name == "api:pass-order-close":
        return reverse(name, kwargs={"pk": spent_order(world).pk}), {}
    if name == "api:pass-order-allocations":
        return reverse(name, kwargs={"pk": world.order.pk}), {"structure_id": world.other_holder.pk, "books": 1}
    if name == "api:pass-distributions":
        return reverse(name), {"code": world.code("allocated"), "reference": "R-1"}
    return reverse(name), {"code": world.code(), "place_id": world.place.pk, "idempotency_key": "cle-1"}


@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
@pytest.mark.parametrize("kind", PASS_KINDS)
def test_post_access(world, name, kind):
    user = make_pass_user(kind, world)
    url, body = write_request(name, world)
    before = snapshot()
    response = client_for(user).post(url, body, format="json")
    expected = POST_EXPECTATIONS[name][kind]
    assert response.status_code == expected, response.content
    after = snapshot()
    if expected >= 400:
        assert after == before
        assert set(response.json()) >= {"detail", "reason"}
    elif name == "api:pass-orders":
        assert after["Order"] == before["Order"] + 1
    elif name == "api:pass-order-confirm":
        assert after["Pass"] == before["Pass"] + 2
    elif name == "api:pass-order-close":
        assert response.json()["state"] == "closed"
        assert Order.objects.get(pk=response.json()["id"]).state == "closed"
    elif name == "api:pass-order-allocations":
        assert after["Allocation"] == before["Allocation"] + 1
    elif name == "api:pass-distributions":
        assert after["Distribution"] == before["Distribution"] + 1
    else:
        assert after["Redemption"] == before["Redemption"] + 1
        assert Pass.objects.filter(state=PassState.REDEEMED).count() == 1


@pytest.mark.parametrize("kind", PASS_KINDS)
def test_redemption_naming_its_activity_access(world, kind):
    user = make_pass_user(kind, world)
    activity = ActivityFactory(structure=world.place_structure, place=world.place, mediator=world.mediateur)
    url, body = write_request("api:pass-redemptions", world)
    before = snapshot()
    response = client_for(user).post(url, {**body, "activity_id": activity.pk}, format="json")
    assert response.status_code == REDEMPTION_WITH_ACTIVITY[kind], response.content
    if response.status_code == 201:
        assert Redemption.objects.get().activity_id == activity.pk
        assert response.json()["activity_id"] == activity.pk
    else:
        assert snapshot() == before
