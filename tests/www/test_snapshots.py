"""Snapshots of the main pages (their ``<main>``) and of the SQL of the list pages: any change shows as a diff.

Update with ``pytest --snapshot-update tests/www/test_snapshots.py``, and again with DATABASE_URL set to a
PostgreSQL database for the SQL (one file per database). Read the diff: a new query per row is an N+1.
"""

import pytest
from django.urls import reverse

from tests.places.factories import PlaceFactory
from tests.snapshots import MONDAY_10AM, main_html, snapshot_places, snapshot_structure, sql_queries
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_10am(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_10AM)


@pytest.fixture
def structure():
    return snapshot_structure()


@pytest.fixture
def places(structure):
    return snapshot_places(structure)


def test_home(client, snapshot):
    assert main_html(client.get(reverse("www:home"))) == snapshot


def test_search_results(client, places, snapshot, sql_snapshot):
    with sql_queries() as queries:
        response = client.get(reverse("www:places:search"), {"ou": "Guéret", "rayon": "5"})
    assert response.status_code == 200
    assert main_html(response) == snapshot
    assert queries == sql_snapshot


def test_place_detail(client, places, snapshot):
    response = client.get(reverse("www:places:detail", kwargs={"pk": places[0].pk}))
    assert main_html(response) == snapshot


def test_dashboard_of_a_gestionnaire(client, structure, places, snapshot, sql_snapshot):
    membership = MembershipFactory(
        structure=structure, gestionnaire=True, user__email="gestion@gueret.fr", user__first_name="Camille"
    )
    client.force_login(membership.user)
    with sql_queries() as queries:
        response = client.get(reverse("www:dashboard:index"))
    assert main_html(response) == snapshot
    assert queries == sql_snapshot


def test_dashboard_of_a_coordinator(client, structure, places, snapshot, sql_snapshot):
    client.force_login(
        CoordinatorScopeFactory(user__email="coordination@creuse.fr", user__first_name="Dominique").user
    )
    with sql_queries() as queries:
        response = client.get(reverse("www:dashboard:index"))
    assert main_html(response) == snapshot
    assert queries == sql_snapshot


@pytest.mark.parametrize("page", ["structure_places", "territory"])
def test_sql_of_the_places_management_lists(client, structure, places, page, sql_snapshot):
    """The lists of places to manage: the same queries for 3 places as for 30 (no query per row)."""
    MembershipFactory(structure=structure, gestionnaire=True)
    client.force_login(CoordinatorScopeFactory().user)
    kwargs = {"structure_pk": structure.pk} if page == "structure_places" else {}
    url = reverse(f"www:places_manage:{page}", kwargs=kwargs)
    with sql_queries() as queries:
        assert client.get(url).status_code == 200
    for index in range(27):
        PlaceFactory(structure=structure, commune_ref=structure.commune, with_hours=True, name=f"Lieu {index:02}")
    with sql_queries() as more:
        assert client.get(url).status_code == 200
    assert more == queries
    assert queries == sql_snapshot
