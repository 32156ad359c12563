"""Every management and account page says where it is: a breadcrumb from the dashboard (or the account)."""

import re

import pytest
from django.urls import reverse

from cordee.aggregation.importing import uploads
from tests.places.factories import PlaceFactory
from tests.places.test_place_imports import places_csv, stored_import
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def trail(client, url):
    """The breadcrumb's labels, from the home page to the current page."""
    response = client.get(url)
    assert response.status_code == 200
    nav = re.search(r'<nav class="fr-breadcrumb".*?</nav>', response.content.decode(), re.S)
    assert nav, f"pas de fil d'Ariane sur {url}"
    return [label.strip() for label in re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]*)<', nav.group(0))]


def test_qualification_pages(client):
    place = PlaceFactory(structure=StructureFactory(), name="Médiathèque de Guéret")
    client.force_login(UserFactory(national_admin=True))
    assert trail(client, reverse("www:places_manage:qualification_queue")) == [
        "Accueil",
        "Mon tableau de bord",
        "Demandes de qualification",
    ]
    assert trail(client, reverse("www:places_manage:qualification_decide", kwargs={"pk": place.pk})) == [
        "Accueil",
        "Mon tableau de bord",
        "Demandes de qualification",
        "Médiathèque de Guéret",
        "Décider de la qualification",
    ]


def test_import_pages(client):
    CommuneFactory()
    user = CoordinatorScopeFactory().user
    place_import = stored_import(places_csv(valid=1, invalid=0), user=user)
    uploads.run(place_import)
    client.force_login(user)
    assert trail(client, reverse("www:places_manage:import_list")) == [
        "Accueil",
        "Mon tableau de bord",
        "Imports de lieux",
    ]
    assert trail(client, reverse("www:places_manage:import_create"))[1:] == [
        "Mon tableau de bord",
        "Imports de lieux",
        "Importer un fichier",
    ]
    assert trail(client, reverse("www:places_manage:import_detail", kwargs={"pk": place_import.pk}))[1:3] == [
        "Mon tableau de bord",
        "Imports de lieux",
    ]


def test_account_pages(client):
    client.force_login(MembershipFactory(gestionnaire=True).user)
    assert trail(client, reverse("www:accounts:password_change")) == [
        "Accueil",
        "Mon compte",
        "Changer mon mot de passe",
    ]
    assert trail(client, reverse("www:accounts:api_token")) == ["Accueil", "Mon compte", "Accès à l'API"]
