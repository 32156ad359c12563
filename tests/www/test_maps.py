"""What the maps draw besides the places: the départements' outlines (served by the site) and commune names."""

import gzip
import json

import pytest
from django.urls import reverse

from cordee.www.maps import commune_labels
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_outlines_are_public_geojson_of_every_departement(client):
    response = client.get(reverse("www:departement_outlines"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    codes = {feature["properties"]["code"] for feature in data["features"]}
    assert len(codes) == 101
    assert {"23", "2A", "2B", "974"} <= codes
    assert all(feature["geometry"]["type"] == "MultiPolygon" for feature in data["features"])


def test_outlines_are_small_and_compressed_when_the_browser_accepts_it(client):
    response = client.get(reverse("www:departement_outlines"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 80_000
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"
    again = client.get(reverse("www:departement_outlines"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_commune_labels_are_the_most_populated_around_and_not_arrondissements():
    CommuneFactory()  # Guéret, 12 804
    CommuneFactory(code_insee="23177", name="Saint-Fiel", latitude=46.21, longitude=1.89, population=1000)
    CommuneFactory(code_insee="23079", name="Glénic", latitude=46.22, longitude=1.93, population=600)
    CommuneFactory(code_insee="75056", name="Paris", latitude=48.85, longitude=2.35, population=2_100_000)
    assert [c["name"] for c in commune_labels([(46.17, 1.87)], limit=2)] == ["Guéret", "Saint-Fiel"]
    assert commune_labels([]) == []
    assert commune_labels([(None, None)]) == []
