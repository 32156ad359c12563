"""Closing an order (draft → confirmed → closed): only once nothing of it can be used any more, from the order's
page or the API; the claims of its redeemed passes stay due."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.journal.models import Entry
from cordee.pass_numerique import services
from cordee.pass_numerique.enums import OrderState
from cordee.pass_numerique.models import Order
from tests.pass_numerique.factories import build_world, spent_order

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_order_with_passes_still_usable_cannot_be_closed():
    world = build_world()
    response = api(world.funder_manager).post(reverse("api:pass-order-close", kwargs={"pk": world.order.pk}))
    assert response.status_code == 409
    assert response.json()["reason"] == "passes_outstanding"
    assert "expiration" in response.json()["detail"]
    assert Order.objects.get(pk=world.order.pk).state == OrderState.CONFIRMED


def test_a_spent_order_is_closed_once_journaled_and_its_statements_stay_due():
    world = build_world(books=1, passes_per_book=2, allocate=1, distribute=1)
    services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    services.cancel_passes(world.funder_manager, world.order, book_ids=[world.books[0].pk])
    client = api(world.funder_manager)
    url = reverse("api:pass-order-close", kwargs={"pk": world.order.pk})

    response = client.post(url)

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed" and response.json()["closed_at"]
    assert Entry.objects.filter(action="pass_numerique.order.close", object_id=str(world.order.pk)).count() == 1
    again = client.post(url)
    assert (again.status_code, again.json()["reason"]) == (409, "transition_not_allowed")  # already closed
    # The pass used before the closing is still claimed on the month's statement.
    statements = services.generate_statements(now=timezone.now() + dt.timedelta(days=40))
    assert [statement.total_cents for statement in statements] == [1000]


def test_a_draft_cannot_be_closed(client):
    world = build_world()
    draft = services.create_order(
        world.funder_manager,
        {
            "funder_structure_id": world.funder.pk,
            "books": 1,
            "passes_per_book": 1,
            "valid_from": world.order.valid_from,
            "valid_until": world.order.valid_until,
            "territories": ["departement:23"],
        },
    )
    assert api(world.funder_manager).post(reverse("api:pass-order-close", kwargs={"pk": draft.pk})).status_code == 409


def test_the_order_page_offers_to_close_only_what_can_be_closed(client):
    world = build_world()
    spent = spent_order(world)
    client.force_login(world.funder_manager)

    page = client.get(reverse("www:pass_numerique:order", kwargs={"pk": world.order.pk})).content.decode()
    assert "pourra être close" in page
    assert reverse("www:pass_numerique:order_close", kwargs={"pk": world.order.pk}) not in page

    page = client.get(reverse("www:pass_numerique:order", kwargs={"pk": spent.pk})).content.decode()
    close_url = reverse("www:pass_numerique:order_close", kwargs={"pk": spent.pk})
    assert close_url in page
    response = client.post(close_url, follow=True)
    assert "Commande close." in response.content.decode()
    assert Order.objects.get(pk=spent.pk).state == OrderState.CLOSED
    assert close_url not in client.get(reverse("www:pass_numerique:order", kwargs={"pk": spent.pk})).content.decode()


def test_refused_from_the_page_with_a_plain_message(client):
    world = build_world()
    client.force_login(world.funder_manager)
    response = client.post(reverse("www:pass_numerique:order_close", kwargs={"pk": world.order.pk}), follow=True)
    assert "peuvent encore être utilisés" in response.content.decode()
    assert Order.objects.get(pk=world.order.pk).state == OrderState.CONFIRMED
