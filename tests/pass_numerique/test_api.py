import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.pass_numerique import codes, services
from cordee.pass_numerique.models import Order, Pass, Redemption
from cordee.users.tokens import create_api_token
from tests.pass_numerique.factories import build_world

pytestmark = pytest.mark.django_db

REDEEM_URL = reverse("api:pass-redemptions")
DISTRIBUTE_URL = reverse("api:pass-distributions")


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world():
    return build_world(books=2, passes_per_book=5, allocate=1, distribute=3)


def redeem(client, code, place, key="k-1", **extra):
    return client.post(
        REDEEM_URL, {"code": code, "place_id": place.pk, "idempotency_key": key, **extra}, format="json"
    )


def test_the_whole_journey_with_a_token():
    world = build_world(allocate=0, distribute=0)
    token, key = create_api_token(world.funder_manager, "Logiciel du département")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        reverse("api:pass-orders"),
        {
            "funder_structure_id": world.funder.pk,
            "books": 2,
            "passes_per_book": 4,
            "value_cents": 1000,
            "valid_from": str(timezone.localdate()),
            "valid_until": str(timezone.localdate() + dt.timedelta(days=90)),
            "tolerance_days": 30,
            "territories": ["departement:23"],
            "accepted_place_ids": [world.place.pk],
            "eligibility": "Habitants de la Creuse",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["state"] == "draft" and order["accepted_place_ids"] == [world.place.pk]
    response = client.post(reverse("api:pass-order-confirm", kwargs={"pk": order["id"]}), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "confirmed"
    assert [book["codes_count"] for book in body["books"]] == [4, 4]
    response = client.post(
        reverse("api:pass-order-allocations", kwargs={"pk": order["id"]}),
        {"structure_id": world.holder.pk, "books": 1},
        format="json",
    )
    assert response.status_code == 201
    (book_id,) = response.json()["books"]
    book = client_for(world.aiguilleur).get(reverse("api:pass-book", kwargs={"pk": book_id})).json()
    assert [line["state"] for line in book["passes"]] == ["allocated"] * 4
    code = book["passes"][0]["code"]
    assert len(code) == 17 and code[4] == "-"
    response = client_for(world.aiguilleur).post(
        DISTRIBUTE_URL, {"code": code, "reference": "ATELIER-3"}, format="json"
    )
    assert response.status_code == 201, response.json()
    response = redeem(client_for(world.mediateur), code, world.place)
    assert response.status_code == 201, response.json()
    assert response.json()["place"] == {"id": world.place.pk, "name": "Médiathèque"}
    ledger = client.get(reverse("api:pass-order-ledger", kwargs={"pk": order["id"]})).json()
    assert ledger["issued"] == 8 and ledger["in_stock"] == 4 and ledger["allocated"] == 3 and ledger["redeemed"] == 1
    assert ledger["issued_cents"] == 8000 and ledger["redeemed_cents"] == 1000 and ledger["outstanding_cents"] == 7000
    assert ledger["credited_cents"] == 0 and ledger["reconciled"] is True


def test_the_same_request_with_the_same_key_gets_the_same_answer(world):
    client = client_for(world.mediateur)
    code = world.code()
    first = redeem(client, code, world.place, key="k-42")
    again = redeem(client, code, world.place, key="k-42")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Redemption.objects.count() == 1


def test_already_redeemed_is_a_409_with_date_and_place(world):
    client = client_for(world.mediateur)
    code = world.code()
    redeem(client, code, world.place, key="k-1")
    response = redeem(client, codes.display(code).lower(), world.place, key="k-2")
    assert response.status_code == 409
    body = response.json()
    assert body["reason"] == "already_redeemed"
    assert body["place"] == {"id": world.place.pk, "name": "Médiathèque"}
    assert body["redeemed_at"].endswith("Z") and body["detail"].startswith("Ce pass a déjà été utilisé")


def test_a_redemption_without_an_idempotency_key_is_refused(world):
    response = client_for(world.mediateur).post(
        REDEEM_URL, {"code": world.code(), "place_id": world.place.pk}, format="json"
    )
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["errors"]
    assert not Redemption.objects.exists()


def test_the_key_may_come_in_the_header(world):
    response = client_for(world.mediateur).post(
        REDEEM_URL, {"code": world.code(), "place_id": world.place.pk}, format="json", HTTP_IDEMPOTENCY_KEY="h-1"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("malformed", 400, "malformed_code"),
        ("wrong_check", 400, "wrong_check_character"),
        ("unknown", 422, "unknown_code"),
        ("not_distributed", 422, "not_distributed"),
        ("cancelled", 422, "cancelled"),
        ("expired", 422, "expired"),
        ("place_not_allowed", 422, "place_not_allowed"),
        ("not_member", 403, "not_place_member"),
    ],
)
def test_redemption_refusals_over_the_api(world, case, status, reason):
    code = world.code()
    user, place = world.mediateur, world.place
    if case == "malformed":
        code = "K7M3-XQ9P"
    elif case == "wrong_check":
        code = code[:-1] + next(symbol for symbol in codes.ALPHABET if symbol != code[-1])
    elif case == "unknown":
        code = codes.generate()
    elif case == "not_distributed":
        code = world.code("allocated")
    elif case == "cancelled":
        services.cancel_passes(world.funder_manager, world.order, codes_list=[code])
    elif case == "expired":
        Order.objects.filter(pk=world.order.pk).update(
            valid_from=timezone.localdate() - dt.timedelta(days=100),
            valid_until=timezone.localdate() - dt.timedelta(days=40),
        )
    elif case == "place_not_allowed":
        user, place = world.other_mediateur, world.other_place
    elif case == "not_member":
        user = world.other_mediateur
    response = redeem(client_for(user), code, place)
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["reason"] == reason and body["detail"]
    assert not Redemption.objects.exists()


def test_bad_orders_over_the_api(world):
    client = client_for(world.funder_manager)
    base = {
        "funder_structure_id": world.funder.pk,
        "valid_from": "2026-06-01",
        "valid_until": "2026-05-01",
        "territories": ["departement:23"],
        "value_cents": 0,
    }
    response = client.post(reverse("api:pass-orders"), base, format="json")
    assert response.status_code == 400
    assert "value_cents" in response.json()["errors"]
    response = client.post(reverse("api:pass-orders"), {**base, "value_cents": 1000}, format="json")
    assert response.status_code == 400
    assert "valid_until" in response.json()["errors"]
    assert Order.objects.count() == 1


def test_confirming_twice_is_409(world):
    response = client_for(world.funder_manager).post(reverse("api:pass-order-confirm", kwargs={"pk": world.order.pk}))
    assert response.status_code == 409
    assert Pass.objects.count() == 10


def test_the_schema_documents_the_endpoints_and_their_statuses(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    redemption = schema["paths"]["/api/v1/pass-numerique/redemptions/"]["post"]
    assert {"201", "400", "401", "403", "409", "422"} <= set(redemption["responses"])
    assert "/api/v1/pass-numerique/orders/{id}/ledger/" in schema["paths"]
