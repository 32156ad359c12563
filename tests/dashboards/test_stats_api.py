"""The statistics API: territories, groups, filters, errors, and who may see which territory."""

import datetime

import pytest
from django.urls import reverse

from cordee.territories.enums import TerritoryKind
from cordee.users.tokens import create_api_token
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import CoordinatorScopeFactory, StructureFactory
from tests.territories.factories import CommuneFactory, RegionFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:stats-activities")


def api_client(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user)[1]}"
    return client


@pytest.fixture
def admin_client(client):
    return api_client(client, UserFactory(national_admin=True))


def test_totals_and_groups_by_month(admin_client):
    today = datetime.date.today()
    ActivityFactory(date=today, duration_minutes=45)
    ActivityFactory(date=today, workshop=True, duration_minutes=120)
    ActivityFactory(date=today - datetime.timedelta(days=800))  # outside the default 12 months

    response = admin_client.get(URL, {"territory": "departement:23"})

    assert response.status_code == 200
    body = response.json()
    assert body["territory"] == "departement:23"
    assert body["territory_label"] == "Creuse (23)"
    assert body["group_by"] == "month"
    assert body["to"] == today.isoformat()
    assert body["totals"] == {"activities": 2, "participants": 9, "minutes": 165}
    assert body["groups"] == [
        {
            "key": today.strftime("%Y-%m"),
            "label": today.strftime("%Y-%m"),
            "activities": 2,
            "participants": 9,
            "minutes": 165,
        }
    ]


def test_group_by_theme_and_kind_with_filters(admin_client):
    ActivityFactory(themes=["email", "health"])
    ActivityFactory(themes=["health"], workshop=True)
    ActivityFactory(themes=["health"], imported=True)

    themes = admin_client.get(URL, {"territory": "france", "group_by": "theme", "source": "entered"}).json()
    by_theme = {group["key"]: group["activities"] for group in themes["groups"]}
    assert by_theme["health"] == 2
    assert by_theme["email"] == 1
    assert themes["totals"]["activities"] == 2
    kinds = admin_client.get(URL, {"territory": "france", "group_by": "kind", "kind": "workshop"}).json()
    assert kinds["groups"] == [
        {"key": "workshop", "label": "Atelier collectif", "activities": 1, "participants": 8, "minutes": 30}
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"territory": "canton:12"}, "territory"),
        ({}, "territory"),
        ({"territory": "france", "group_by": "week"}, "group_by"),
        ({"territory": "france", "from": "2025-13-01"}, "from"),
        ({"territory": "france", "theme": "cuisine"}, "theme"),
    ],
)
def test_bad_parameters_are_400_in_french(admin_client, params, field):
    response = admin_client.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_unknown_territory_is_404(admin_client):
    assert admin_client.get(URL, {"territory": "departement:00"}).status_code == 404


def test_coordinator_sees_the_territories_inside_their_scope_only(client):
    gueret = CommuneFactory()
    CommuneFactory(code_insee="23001", name="Ajain")
    RegionFactory()
    coordinator = CoordinatorScopeFactory().user  # Creuse
    api_client(client, coordinator)

    for territory in ("departement:23", f"epci:{gueret.epci_id}", "commune:23096", "commune:23001"):
        assert client.get(URL, {"territory": territory}).status_code == 200, territory
    for territory in ("region:75", "france"):
        assert client.get(URL, {"territory": territory}).status_code == 403, territory
    StructureFactory(in_marseille=True)
    assert client.get(URL, {"territory": "commune:13055"}).status_code == 403


def test_coordinator_of_a_commune_sees_it_not_its_epci(client):
    CommuneFactory()
    CommuneFactory(code_insee="23001", name="Ajain")
    coordinator = CoordinatorScopeFactory(territory_kind=TerritoryKind.COMMUNE, territory_code="23096").user
    api_client(client, coordinator)

    assert client.get(URL, {"territory": "commune:23096"}).status_code == 200
    assert client.get(URL, {"territory": "epci:200067213"}).status_code == 403
    assert client.get(URL, {"territory": "departement:23"}).status_code == 403


def test_coordinator_of_a_region_sees_its_departements(client):
    CommuneFactory()
    coordinator = CoordinatorScopeFactory(territory_kind=TerritoryKind.REGION, territory_code="75").user
    RegionFactory()
    api_client(client, coordinator)

    assert client.get(URL, {"territory": "region:75"}).status_code == 200
    assert client.get(URL, {"territory": "departement:23"}).status_code == 200
    assert client.get(URL, {"territory": "france"}).status_code == 403
