"""What the maps draw besides the places: the départements' outlines (served by the site) and commune names."""

import gzip
import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from cordee.www.maps import commune_labels
from tests.places.factories import PlaceFactory
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


@pytest.fixture
def base_map(tmp_path, settings):
    """A stand-in PMTiles file: the site serves bytes, it does not read the tiles."""
    path = tmp_path / "france.pmtiles"
    path.write_bytes(bytes(range(256)) * 4)
    settings.MAP_PMTILES_FILE = str(path)
    settings.MAP_TILE_URL = settings.MAP_PMTILES_URL
    return path


def test_the_base_map_file_is_served_by_byte_ranges_as_its_reader_asks(client, base_map):
    url = reverse("www:base_map_tiles")
    assert url == "/carte/fond.pmtiles"
    header = client.get(url, HTTP_RANGE="bytes=0-15")
    assert header.status_code == 206
    assert header.content == bytes(range(16))
    assert header["Content-Range"] == "bytes 0-15/1024"
    assert header["Accept-Ranges"] == "bytes"
    tail = client.get(url, HTTP_RANGE="bytes=-4")
    assert (tail.status_code, tail.content, tail["Content-Range"]) == (
        206,
        bytes([252, 253, 254, 255]),
        "bytes 1020-1023/1024",
    )
    open_ended = client.get(url, HTTP_RANGE="bytes=1000-")
    assert open_ended.content == (bytes(range(256)) * 4)[1000:]
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole.content == base_map.read_bytes()
    again = client.get(url, HTTP_RANGE="bytes=0-15", HTTP_IF_NONE_MATCH=header["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("wanted", ["bytes=2000-2100", "bytes=10-5", "items=0-1", "bytes=-", "bytes=0-1,4-5"])
def test_a_range_the_file_cannot_give_answers_416_with_its_size(client, base_map, wanted):
    response = client.get(reverse("www:base_map_tiles"), HTTP_RANGE=wanted)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"


def test_without_a_base_map_file_the_address_is_a_plain_404(client, settings):
    settings.MAP_PMTILES_FILE = ""
    assert client.get(reverse("www:base_map_tiles")).status_code == 404
    settings.MAP_PMTILES_FILE = "/nowhere/france.pmtiles"
    assert client.get(reverse("www:base_map_tiles")).status_code == 404


def test_pages_with_a_map_load_the_pmtiles_reader_only_when_the_base_map_is_one(client, settings, base_map):
    place = PlaceFactory()
    html = client.get(reverse("www:places:detail", args=[place.pk])).content.decode()
    assert "vendor/pmtiles/pmtiles.js" in html
    assert 'data-tile-url="/carte/fond.pmtiles"' in html
    settings.MAP_TILE_URL = "/tuiles/france/{z}/{x}/{y}.png"
    html = client.get(reverse("www:places:detail", args=[place.pk])).content.decode()
    assert "vendor/pmtiles/pmtiles.js" not in html


def test_a_base_map_file_sets_the_tile_url_and_lets_its_tiles_through_the_content_security_policy(tmp_path):
    """The settings are read once at start-up: ask a fresh interpreter what they become."""
    show = (
        "from config.settings import test as settings; "
        "print(settings.MAP_TILE_URL); print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MAP_PMTILES_FILE": str(tmp_path / "f.pmtiles"),
    }
    environment.pop("MAP_TILE_URL", None)
    output = subprocess.run(
        [sys.executable, "-c", show],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert output[0] == "/carte/fond.pmtiles"
    assert "blob:" in output[1]
