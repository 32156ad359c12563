"""Every API write of the Pass numérique (and of referrals) honours ``Idempotency-Key``: a retry with the same
key replays the first answer instead of doing the write twice."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.pass_numerique.models import Allocation, Distribution, Order, Pass
from cordee.places.enums import Service
from cordee.referrals.models import Referral
from tests.pass_numerique.factories import build_world
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_twice(client, url, body, key="cle-retry-1"):
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    return first


def test_an_allocation_retried_with_the_same_key_allocates_once():
    world = build_world(books=3, allocate=0, distribute=0)
    url = reverse("api:pass-order-allocations", kwargs={"pk": world.order.pk})
    response = post_twice(client_for(world.funder_manager), url, {"structure_id": world.holder.pk, "books": 1})
    assert response.status_code == 201
    assert Allocation.objects.count() == 1


def test_an_order_and_its_confirmation_retried_happen_once():
    world = build_world(books=1, allocate=0, distribute=0)
    client = client_for(world.funder_manager)
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
    before = Order.objects.count()
    created = post_twice(client, reverse("api:pass-orders"), body)
    assert Order.objects.count() == before + 1
    passes = Pass.objects.count()
    confirm = reverse("api:pass-order-confirm", kwargs={"pk": created.json()["id"]})
    assert post_twice(client, confirm, {}, key="cle-confirm").status_code == 200
    assert Pass.objects.count() == passes + 2


def test_a_distribution_retried_is_recorded_once():
    world = build_world(books=1, allocate=1, distribute=0)
    url = reverse("api:pass-distributions")
    response = post_twice(client_for(world.aiguilleur), url, {"code": world.code("allocated"), "reference": "R-1"})
    assert response.status_code == 201 and Distribution.objects.count() == 1


def test_a_referral_retried_is_sent_once():
    aiguilleur = MembershipFactory(aiguilleur=True)
    place = PlaceFactory(structure=StructureFactory())
    body = {"place_id": place.pk, "services": [Service.AIDE_DEMARCHES.value]}
    response = post_twice(client_for(aiguilleur.user), reverse("api:referrals"), body)
    assert response.status_code == 201 and Referral.objects.count() == 1
