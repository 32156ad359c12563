"""The public check page lists the accepting places, nearest first when the person says where they are, and draws
them on the places map (vendored Leaflet, the site's tiles); never anything about the person; still rate-limited."""

import pytest
from django.test import override_settings
from django.urls import reverse

from cordee.pass_numerique import codes
from cordee.pass_numerique.models import Distribution
from tests.pass_numerique.factories import build_world
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    bourganeuf = CommuneFactory(
        code_insee="23030",
        name="Bourganeuf",
        population=2600,
        latitude=45.9536,
        longitude=1.7561,
        postal_codes="23400",
    )
    world.far = PlaceFactory(
        structure=world.place_structure, commune_ref=bourganeuf, pass_numerique=True, qualified=True, name="Annexe"
    )
    world.url = reverse("www:pass_numerique:check", kwargs={"code": world.code()})
    return world


def names(response):
    return [place.name for place in response.context["places"]]


def test_the_places_are_listed_and_drawn_on_the_map(client, world):
    response = client.get(world.url)
    assert response.status_code == 200
    assert names(response) == ["Annexe", "Médiathèque"]  # by name when nobody said where
    page = response.content.decode()
    data = response.context["map_data"]
    assert [marker["name"] for marker in data["places"]] == ["Annexe", "Médiathèque"]
    assert data["places"][1]["url"] == reverse("www:places:detail", args=[world.place.pk])
    assert 'data-cordee-map="pass-places"' in page and 'id="pass-places"' in page
    assert "vendor/leaflet/leaflet.js" in page and "www/js/map.js" in page
    assert "La liste qui suit la carte donne les mêmes lieux" in page
    assert "unpkg" not in page and "cdn" not in page.lower()


def test_nearest_first_when_the_person_says_where(client, world):
    response = client.get(world.url, {"ou": "23400"})
    assert names(response) == ["Annexe", "Médiathèque"]
    assert response.context["map_data"]["center"] == [45.9536, 1.7561]
    assert "les plus proches de Bourganeuf" in response.content.decode()
    response = client.get(world.url, {"ou": "23000"})
    assert names(response) == ["Médiathèque", "Annexe"]
    assert [place.distance_km for place in response.context["places"]][0] < 1
    response = client.get(world.url, {"ou": "99999"})
    assert response.status_code == 200 and names(response) == ["Annexe", "Médiathèque"]
    assert "code postal 99999" in response.context["near"].error
    assert 'id="pres-de-erreur"' in response.content.decode()


def test_nothing_about_the_person(client, world):
    distribution = Distribution.objects.get(pass_obj__code=world.code())
    page = client.get(world.url, {"ou": "23000"}).content.decode()
    page = page.replace(codes.display(world.code()), "")  # the code itself may hold « P-5 »…
    assert distribution.reference and distribution.reference not in page
    assert "CCAS de Guéret" not in page  # nor who handed it out


def test_no_map_for_a_pass_that_cannot_be_used(client, world):
    response = client.get(reverse("www:pass_numerique:check", kwargs={"code": world.code("allocated")}))
    assert response.context["places"] == [] and response.context["map_data"]["places"] == []
    assert "leaflet.js" not in response.content.decode()


@override_settings(PASS_CHECK_RATE=(2, 600))
def test_looking_near_counts_as_a_look_up(client, world):
    assert client.get(world.url).status_code == 200
    assert client.get(world.url, {"ou": "23000"}).status_code == 200
    assert client.get(world.url, {"ou": "23400"}).status_code == 429
