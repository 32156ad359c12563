import datetime as dt
import json
import re
from html import unescape

import pytest
from django.urls import reverse

from cordee.places import enums
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(monkeypatch):
    """Set "now" (no freezegun: the opening_hours extension keeps the first datetime class it meets)."""

    def set_now(*args):
        moment = dt.datetime(*args, tzinfo=dt.UTC)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return moment

    return set_now


def text_of(response):
    html = unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def url(place):
    return reverse("www:places:detail", args=[place.pk])


@pytest.mark.parametrize("user", ["anonyme", "connecte", "gestionnaire"])
def test_place_page_is_public(client, user):
    place = PlaceFactory(name="Médiathèque de Guéret")
    if user == "connecte":
        client.force_login(UserFactory())
    elif user == "gestionnaire":
        client.force_login(MembershipFactory(gestionnaire=True).user)
    response = client.get(url(place))
    assert response.status_code == 200
    assert "<h1>Médiathèque de Guéret</h1>" in unescape(response.content.decode())


def test_unknown_place_is_404(client):
    assert client.get("/lieux/999999/").status_code == 404


def test_everything_known_in_plain_french(client, now):
    now(2025, 6, 2, 8, 0)  # Monday 10:00 in Paris
    place = PlaceFactory(
        with_hours=True,
        with_contacts=True,
        pass_numerique=True,
        qualified=True,
        name="France Services de Guéret",
        summary="Aide pour les démarches en ligne.",
        description="Venez avec vos identifiants.",
        address="1 avenue de la République",
        publics=[enums.Public.SENIORS.value],
        specific_support=[enums.SpecificSupport.SURDITE.value],
        access_modes=[enums.AccessMode.TELEPHONER.value],
        national_programmes=[enums.NationalProgramme.FRANCE_SERVICES.value],
        training_labels=[enums.TrainingLabel.MON_ESPACE_SANTE.value],
        accessibility_url="https://acceslibre.beta.gouv.fr/app/23-gueret/a/mairie/erp/france-services/",
        booking_url="https://rdv.example.org/gueret",
        original_source="Conseil départemental de la Creuse",
        phones=["+33555520000", "+33555520001"],
    )
    response = client.get(url(place))
    text = text_of(response)
    html = unescape(response.content.decode())

    assert "Ouvert · ferme à 12 h" in text
    assert "aujourd'hui, lundi 2 juin : 9 h – 12 h, 14 h – 17 h" in text
    assert "samedi 7 juin : fermé" in text
    assert "Ouvert maintenant" in text
    assert "Lieu qualifié" in text
    assert "Accepte le Pass numérique" in text
    assert "1 avenue de la République, 23000 Guéret" in text
    assert '<a href="tel:+33555520000" class="fr-link fr-link--lg">05 55 52 00 00</a>' in html
    assert '<a href="tel:+33555520001" class="fr-link fr-link--lg">05 55 52 00 01</a>' in html
    assert 'href="mailto:contact@example.org"' in html
    assert 'href="https://example.org/"' in html
    assert 'href="https://rdv.example.org/gueret"' in html and "Prendre rendez-vous en ligne" in text
    assert place.accessibility_url in html and "fiche Acceslibre" in text
    for value in [
        "Aide aux démarches administratives",
        "Seniors",
        "Surdité",
        "Gratuit",
        "Accompagnement individuel",
        "Téléphoner",
        "France Services",
        "Formé à « Mon Espace Santé »",
        "Venez avec vos identifiants.",
        "Aide pour les démarches en ligne.",
    ]:
        assert value in text, value
    place.refresh_from_db()
    assert f"Fiche complète à {place.completeness} %" in text
    assert "Mise à jour le 1 mars 2024" in text
    assert "Source : Conseil départemental de la Creuse" in text
    assert "Imprimer cette fiche" in text
    match = re.search(r'<script id="place-marker" type="application/json">(.*?)</script>', html, re.S)
    assert json.loads(match.group(1))["places"][0]["name"] == "France Services de Guéret"


@pytest.mark.parametrize(
    ("utc", "sentence"),
    [
        ((2025, 6, 2, 8, 0), "Ouvert · ferme à 12 h"),
        ((2025, 6, 2, 10, 30), "Fermé · ouvre à 14 h"),
        ((2025, 6, 13, 16, 0), "Fermé · ouvre lundi à 9 h"),  # Friday evening
        ((2025, 6, 7, 9, 0), "Fermé · ouvre mardi à 9 h"),  # Saturday, then Whit Monday off
    ],
)
def test_hours_sentence_at_fixed_times(client, now, utc, sentence):
    now(*utc)
    place = PlaceFactory(opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; PH off")
    text = text_of(client.get(url(place)))
    assert sentence in text
    assert "Fermé les jours fériés." in text


def test_saturday_hours_and_holidays(client, now):
    now(2025, 6, 7, 9, 0)  # Saturday 11:00 in Paris
    place = PlaceFactory(with_holiday_hours=True)
    text = text_of(client.get(url(place)))
    assert "Ouvert · ferme à 12 h" in text
    assert "lundi 9 juin : fermé" in text  # lundi de Pentecôte
    assert "Fermé les jours fériés." in text


def test_invalid_hours_shown_raw_with_a_warning(client):
    place = PlaceFactory(with_invalid_hours=True)
    text = text_of(client.get(url(place)))
    assert "Horaires à vérifier" in text
    assert "Horaires indiqués : lundi 9h-12h" in text
    assert "Ouvert maintenant" not in text and "Fermé maintenant" not in text


def test_unknown_hours_and_minimal_place(client):
    place = PlaceFactory(
        services=[], fees=[], support_modes=[], address="", latitude=None, longitude=None, source_updated_on=None
    )
    response = client.get(url(place))
    text = text_of(response)
    assert response.status_code == 200
    assert "Les horaires de ce lieu ne sont pas connus" in text
    assert "Ce que propose ce lieu" not in text
    assert "data-cordee-map" not in response.content.decode()
    assert "Source : cordee" in text


def test_approximate_position_is_said(client):
    place = PlaceFactory(at_commune_point=True)
    assert "Position approximative" in text_of(client.get(url(place)))


def test_report_link_has_its_spot(client):
    place = PlaceFactory()
    html = client.get(url(place)).content.decode()
    assert "cordee-no-print" in html
    assert re.search(r"Signaler|signalement", html)


def test_print_stylesheet_hides_header_map_and_buttons(client):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("www/css/places.css")).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    for selector in (".fr-header", ".cordee-map-section", ".fr-btn", ".cordee-no-print"):
        assert selector in print_rules


# Readable map, labels and numbers -------------------------------------------------------------------------


def map_data_of(response, element_id):
    html = response.content.decode()
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_place_map_names_the_communes_around_and_points_to_the_outlines(client, settings):
    settings.MAP_TILE_URL = ""
    from tests.territories.factories import CommuneFactory

    gueret = CommuneFactory()
    CommuneFactory(code_insee="23177", name="Saint-Fiel", latitude=46.21, longitude=1.89, population=1000)
    CommuneFactory(code_insee="23076", name="Limoges lointaine", latitude=45.83, longitude=1.26, population=130000)
    place = PlaceFactory(commune_ref=gueret)
    response = client.get(url(place))
    data = map_data_of(response, "place-marker")
    assert [commune["name"] for commune in data["communes"]] == ["Guéret", "Saint-Fiel"]
    html = response.content.decode()
    assert f'data-outlines-url="{reverse("www:departement_outlines")}"' in html
    assert "limites des départements" in text_of(response)


def test_search_summary_elides_and_a_single_result_is_said_in_the_singular(client, settings):
    from tests.territories.factories import CommuneFactory

    ajaccio = CommuneFactory(
        code_insee="2A004", name="Ajaccio", latitude=41.9267, longitude=8.7369, postal_codes="20000"
    )
    PlaceFactory(commune_ref=ajaccio, name="Médiathèque des Jardins de l'Empereur")
    response = client.get(reverse("www:places:search"), {"ou": "Ajaccio"})
    text = text_of(response)
    assert "1 lieu à moins de 20 km d'Ajaccio" in text
    assert "de Ajaccio" not in text
    assert "Télécharger ce lieu" in text
    assert "ces 1 lieux" not in text
    data = map_data_of(response, "places-markers")
    assert [commune["name"] for commune in data["communes"]] == ["Ajaccio"]


def test_names_escaped_by_their_source_are_shown_once_escaped(client):
    place = PlaceFactory(name="Clic' & Ressources")
    html = client.get(url(place)).content.decode()
    assert "Clic&#x27; &amp; Ressources" in html
    assert "&amp;amp;" not in html


def test_phones_are_written_for_reading_on_the_management_page(client):
    place = PlaceFactory(phones=["+33555641234"])
    membership = MembershipFactory(gestionnaire=True, structure=place.structure) if place.structure else None
    client.force_login(membership.user if membership else UserFactory(national_admin=True))
    response = client.get(reverse("www:places_manage:detail", args=[place.pk]))
    assert response.status_code == 200
    assert "05 55 64 12 34" in response.content.decode()
    assert "+33555641234" not in response.content.decode()


def test_edit_form_shows_the_standard_labels_and_rounded_coordinates(client):
    place = PlaceFactory(latitude=45.955470000000005, longitude=1.8715000000000002)
    client.force_login(UserFactory(national_admin=True))
    html = unescape(client.get(reverse("www:places_manage:edit", args=[place.pk])).content.decode())
    for label in (
        "Aide aux démarches administratives",
        "ORDI 3.0",
        "Surdité",
        "Bibliothèques numérique de référence",
    ):
        assert label in html
    for code in ("Aide Demarches", "Ordi 3 0", ">Surdite<", "Bibliotheques Numerique Reference"):
        assert code not in html
    assert 'value="45.95547"' in html
    assert "45.955470000000005" not in html
    assert 'value="1.8715"' in html
