"""What two reviews of the Pass numérique found, each a test: who may order for which funder, dates and keys
that used to answer 500, the messages of the order form, the check page in the tolerance after the end date, the
date the distribution form proposes."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from cordee.pass_numerique import services
from cordee.pass_numerique.models import Distribution, Order
from cordee.structures.enums import StructureKind
from tests.pass_numerique.factories import build_world
from tests.structures.factories import CoordinatorScopeFactory, StructureFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("api:pass-orders")
REDEEM = reverse("api:pass-redemptions")


def api_for(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def order_body(funder, **changes):
    today = timezone.localdate()
    return {
        "funder_structure_id": funder.pk,
        "books": 2,
        "passes_per_book": 10,
        "value_cents": 1000,
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=180)).isoformat(),
        "territories": ["departement:23"],
        **changes,
    }


def order_form(funder, **changes):
    today = timezone.localdate()
    return {
        "funder": funder.pk,
        "books": "1",
        "passes_per_book": "1",
        "value_euros": "10",
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=180)).isoformat(),
        "tolerance_days": "30",
        "territories": "departement:23",
        "eligibility": "",
        "accepted_places": "",
        **changes,
    }


def test_a_coordinator_orders_only_for_a_funder_of_their_territory_over_the_api_too():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    coordinator = CoordinatorScopeFactory().user  # the Creuse
    far_funder = StructureFactory(
        kind=StructureKind.COLLECTIVITE, name="Département des Bouches-du-Rhône", in_marseille=True
    )
    client = api_for(coordinator)

    response = client.post(ORDERS, order_body(far_funder), format="json")
    assert response.status_code == 403, response.json()
    assert not Order.objects.filter(funder=far_funder).exists()
    # The Creuse's own funder, on a perimeter of the Creuse: allowed, as on the web form.
    assert client.post(ORDERS, order_body(world.funder), format="json").status_code == 201


@pytest.mark.parametrize(("field", "value"), [("valid_until", "9999-12-31"), ("valid_from", "0001-01-01")])
def test_a_year_far_away_is_refused_with_nothing_written(field, value):
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    before = Order.objects.count()
    response = api_for(world.funder_manager).post(ORDERS, order_body(world.funder, **{field: value}), format="json")
    assert response.status_code == 400
    assert "2100" in response.json()["errors"][field]
    assert Order.objects.count() == before


def test_a_place_number_beyond_any_key_is_a_400():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    response = api_for(world.funder_manager).post(
        ORDERS, order_body(world.funder, accepted_place_ids=[2**63]), format="json"
    )
    assert response.status_code == 400
    assert "accepted_place_ids" in response.json()["errors"]


def test_a_lone_surrogate_in_a_redemption_is_a_400():
    world = build_world(books=1, passes_per_book=2, allocate=1, distribute=1)
    body = b'{"code": "\\ud800", "place_id": %d, "idempotency_key": "k"}' % world.place.pk
    response = api_for(world.mediateur).post(REDEEM, body, content_type="application/json")
    assert response.status_code == 400
    assert "demi-caractère" in response.json()["errors"]["code"]


def test_a_superscript_digit_among_the_accepted_places_is_a_form_error():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    client = Client(raise_request_exception=False)
    client.force_login(world.funder_manager)
    response = client.post(reverse("www:pass_numerique:order_create"), order_form(world.funder, accepted_places="²"))
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["page=²", "page_size=①"])
def test_a_superscript_page_number_is_a_400(query):
    response = APIClient(raise_request_exception=False).get(f"{reverse('api:places')}?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize(("euros", "message"), [("0", "au moins 0,01 €"), ("1500", "au plus 1000 €")])
def test_the_order_form_states_the_value_limits_in_euros(client, euros, message):
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    client.force_login(world.funder_manager)
    before = Order.objects.count()
    response = client.post(reverse("www:pass_numerique:order_create"), order_form(world.funder, value_euros=euros))
    assert response.status_code == 400 and Order.objects.count() == before
    assert message in " ".join(response.context["form"].errors["value_euros"])


def test_the_check_page_in_the_tolerance_says_until_when_the_pass_is_still_accepted(client):
    world = build_world(books=1, passes_per_book=2, allocate=1, distribute=1)
    today = timezone.localdate()
    Order.objects.filter(pk=world.order.pk).update(
        valid_from=today - dt.timedelta(days=60), valid_until=today - dt.timedelta(days=5)
    )
    world.order.refresh_from_db()
    page = client.get(reverse("www:pass_numerique:check", kwargs={"code": world.code()})).content.decode()
    assert "Ce pass est valable" in page
    assert f"jusqu'au {dateformat.format(world.order.last_valid_day, 'j F Y')}" in page
    assert "date de fin imprimée sur le pass" in page
    assert services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)


def test_the_distribution_form_proposes_the_holder_s_today_and_the_service_takes_it(client):
    with freeze_time("2026-06-15 23:30:00"):  # 16 June in Paris, 15 June at 19:30 in Guadeloupe
        world = build_world(books=1, passes_per_book=2, allocate=1, distribute=0)
        Order.objects.filter(pk=world.order.pk).update(time_zone="America/Guadeloupe")
        client.force_login(world.aiguilleur)
        default = client.get(reverse("www:pass_numerique:distribute")).context["form"].initial["distributed_on"]
        assert default == dt.date(2026, 6, 16)  # the CCAS is in Guéret
        response = client.post(
            reverse("www:pass_numerique:distribute"),
            {"code": world.code("allocated"), "distributed_on": default.isoformat(), "reference": "DOSSIER-1"},
        )
        assert response.status_code == 302
        assert Distribution.objects.get().distributed_on == dt.date(2026, 6, 16)
        # A day later than both the CCAS's and the funder's today is still refused.
        response = client.post(
            reverse("www:pass_numerique:distribute"),
            {"code": world.code("allocated"), "distributed_on": "2026-06-17", "reference": "DOSSIER-2"},
        )
        assert response.status_code == 400
