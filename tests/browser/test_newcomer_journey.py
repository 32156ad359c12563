"""What a newcomer meets first: error pages, legal pages, « Mon compte » and a readable map, for several roles."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.browser

ENGLISH = re.compile(r"Not Found|Forbidden|Server Error|Bad Request|CSRF verification", re.IGNORECASE)


def make_user(kind):
    if kind == "anonyme":
        return None
    if kind == "mediateur":
        return MembershipFactory(user__first_name="Awa", user__last_name="Diallo").user
    if kind == "gestionnaire":
        return MembershipFactory(gestionnaire=True, user__first_name="Awa", user__last_name="Diallo").user
    if kind == "coordinateur":
        DepartementFactory()
        return CoordinatorScopeFactory(
            territory_kind="departement", territory_code="23", user__first_name="Awa", user__last_name="Diallo"
        ).user
    if kind == "admin":
        return UserFactory(national_admin=True, first_name="Awa", last_name="Diallo")
    raise ValueError(kind)


def expected_http_errors(console_errors):
    """The browser logs every 4xx/5xx answer; those of the error pages visited on purpose are expected."""
    unexpected = [text for text in console_errors if "Failed to load resource" not in text]
    console_errors.clear()
    console_errors.extend(unexpected)


@pytest.mark.parametrize("kind", ["anonyme", "mediateur", "coordinateur", "admin"])
def test_newcomer_meets_french_error_pages_and_real_legal_pages(
    page, login_as, assert_accessible, console_errors, kind
):
    user = make_user(kind)
    if user:
        login_as(user)

    page.goto("/cette-page-n-existe-pas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert not ENGLISH.search(page.content())
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Retour à l'accueil").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto("/gestion/lieux/criteres-qualite/")
    if kind == "anonyme":
        expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    elif kind != "admin":
        expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
        assert not ENGLISH.search(page.content())
        assert_accessible(page)
    expected_http_errors(console_errors)

    for link, heading in [
        ("Mentions légales", "Mentions légales"),
        ("Données personnelles", "Données personnelles"),
        ("Accessibilité : non conforme", "Déclaration d'accessibilité"),
    ]:
        page.goto("/")
        page.get_by_role("contentinfo").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("navigation", name="vous êtes ici :")).to_be_attached()
        assert_accessible(page)


@pytest.mark.parametrize("kind", ["mediateur", "gestionnaire", "coordinateur", "admin"])
def test_signed_in_person_reads_and_changes_their_account(page, login_as, assert_accessible, kind):
    user = make_user(kind)
    login_as(user)
    page.goto("/")
    page.get_by_role("link", name="Mon compte").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text(user.email)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Prénom").fill("")
    page.get_by_role("button", name="Enregistrer mon nom").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    assert_accessible(page)

    page.get_by_label("Prénom").fill("Aminata")
    page.get_by_role("button", name="Enregistrer mon nom").click()
    expect(page.get_by_role("status")).to_contain_text("Votre nom est enregistré.")
    expect(page.get_by_role("main")).to_contain_text("Aminata Diallo")
    assert_accessible(page)


@pytest.fixture
def place_in_gueret():
    gueret = CommuneFactory()
    CommuneFactory(code_insee="23177", name="Saint-Fiel", latitude=46.21, longitude=1.89, population=1000)
    return PlaceFactory(
        commune_ref=gueret,
        name="Clic' & Ressources",
        phones=["+33555641234"],
        latitude=46.1800,
        longitude=1.8800,
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, MOBILE], ids=["bureau", "375px"])
def test_place_page_map_is_readable_without_a_tile_server(
    page, settings, assert_accessible, place_in_gueret, viewport
):
    settings.MAP_TILE_URL = ""
    page.goto(f"/lieux/{place_in_gueret.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clic' & Ressources")
    expect(page.get_by_role("main")).to_contain_text("05 55 64 12 34")
    map_region = page.get_by_role("region", name="Carte : emplacement du lieu")
    expect(map_region).to_be_visible()
    # The départements' outlines and the names of the communes are drawn under the marker.
    expect(map_region.locator("path.leaflet-interactive, svg path").first).to_be_attached()
    expect(map_region.locator(".cordee-map-label__text", has_text="Guéret")).to_be_visible()
    expect(map_region.locator('.leaflet-marker-icon[title="Clic\' & Ressources"]')).to_be_visible()
    assert_accessible(page)


def test_single_result_is_on_the_map(page, settings, assert_accessible, place_in_gueret):
    settings.MAP_TILE_URL = ""
    far = PlaceFactory(commune_ref=place_in_gueret.commune_ref, name="Seul lieu", latitude=46.30, longitude=1.87)
    place_in_gueret.delete()
    page.goto("/lieux/?ou=Gu%C3%A9ret")
    expect(page.get_by_role("status").filter(has_text="lieu")).to_contain_text("1 lieu à moins de 20 km de Guéret")
    expect(page.get_by_text("Télécharger ce lieu")).to_be_visible()
    marker = page.locator(f'.leaflet-marker-icon[title="{far.name}"]')
    expect(marker).to_be_visible()
    box = marker.bounding_box()
    map_box = page.locator("[data-cordee-map]").bounding_box()
    assert map_box["x"] <= box["x"] <= map_box["x"] + map_box["width"]
    assert map_box["y"] <= box["y"] <= map_box["y"] + map_box["height"]
    assert_accessible(page)
