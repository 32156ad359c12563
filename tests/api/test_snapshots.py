"""Snapshots of the API payloads: a change of a field, a format or a status shows as a diff to read (and to write
in docs/api-changelog.md when a client would notice it).

Update with ``pytest --snapshot-update tests/api/test_snapshots.py``.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.snapshots import MONDAY_10AM, snapshot_places, snapshot_structure, sql_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_10am(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_10AM)


@pytest.fixture
def places():
    return snapshot_places(snapshot_structure())


def payload(response):
    return {"status": response.status_code, "body": response.json()}


def test_places_search(places, snapshot, sql_snapshot):
    with sql_queries() as queries:
        response = APIClient().get(reverse("api:places"), {"code_insee": "23096", "open_now": "true"})
    assert payload(response) == snapshot
    assert queries == sql_snapshot


def test_place_detail(places, snapshot):
    assert payload(APIClient().get(reverse("api:place", kwargs={"pk": places[0].pk}))) == snapshot


def test_unknown_place(db, snapshot):
    assert payload(APIClient().get(reverse("api:place", kwargs={"pk": 999999}))) == snapshot


def test_invalid_search_parameters(db, snapshot):
    response = APIClient().get(reverse("api:places"), {"lat": "nord", "rayon_km": "-3", "page": "0"})
    assert payload(response) == snapshot


def test_communes(places, snapshot):
    assert payload(APIClient().get(reverse("api:territories-communes"), {"q": "Guéret"})) == snapshot
