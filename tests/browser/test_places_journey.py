import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.browser

GUERET = (46.17199, 1.87148)


@pytest.fixture
def places_around_gueret():
    gueret = CommuneFactory()
    far = PlaceFactory(
        name="Espace France Services", latitude=GUERET[0] + 0.05, longitude=GUERET[1], pass_numerique=True
    )
    near = PlaceFactory(
        name="Médiathèque du Grand Guéret",
        latitude=GUERET[0] + 0.01,
        longitude=GUERET[1],
        with_hours=True,
        with_contacts=True,
        qualified=True,
        accessibility_url="https://acceslibre.beta.gouv.fr/app/erp/mediatheque/",
    )
    middle = PlaceFactory(name="Centre social", latitude=GUERET[0] + 0.02, longitude=GUERET[1])
    return gueret, [near, middle, far]


def result_titles(page):
    return page.locator("ol.cordee-results h3").all_inner_texts()


def no_horizontal_scroll(page, viewport):
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def search_from_home(page, assert_accessible, text, viewport):
    page.goto("/")
    assert_accessible(page)
    if viewport == MOBILE:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Trouver un lieu").click()
    expect(page).to_have_url(re.compile(r"/lieux/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver un lieu")
    assert_accessible(page)

    page.get_by_label("Où ?").fill(text)
    page.get_by_role("button", name="Chercher", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="lieux")).to_contain_text("à moins de 20 km de Guéret")


@pytest.mark.parametrize(
    ("viewport", "typed"), [({"width": 1280, "height": 800}, "Guéret"), (MOBILE, "23000")], ids=["bureau", "375px"]
)
def test_person_finds_a_place_from_the_home_page(page, viewport, typed, places_around_gueret, assert_accessible):
    _, (near, middle, far) = places_around_gueret
    search_from_home(page, assert_accessible, typed, viewport)

    expect(page.get_by_text("3 lieux à moins de 20 km de Guéret")).to_be_visible()
    assert result_titles(page) == [near.name, middle.name, far.name]
    expect(page.locator("ol.cordee-results li").first).to_contain_text("à 1,1 km")
    # The map is drawn by the vendored Leaflet, on a plain background when no tile server is configured.
    expect(page.locator("[data-cordee-map] .leaflet-marker-icon").first).to_be_visible()
    expect(page.get_by_text("fond uni")).to_be_visible()
    assert no_horizontal_scroll(page, viewport)
    assert_accessible(page)

    page.get_by_role("link", name=near.name).click()
    expect(page).to_have_url(re.compile(rf"/lieux/{near.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(near.name)
    expect(page.get_by_role("link", name="05 55 52 00 00")).to_have_attribute("href", "tel:+33555520000")
    expect(page.get_by_text("Lieu qualifié")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer cette fiche")).to_be_visible()
    assert no_horizontal_scroll(page, viewport)
    assert_accessible(page)


def test_filters_without_javascript_need_and_more_criteria(page, places_around_gueret, assert_accessible):
    _, (_near, _middle, far) = places_around_gueret
    page.goto("/lieux/?ou=Gu%C3%A9ret")
    page.get_by_text("Plus de critères").click()
    page.locator("label[for=id_pass_numerique]").click()
    expect(page.get_by_label("Accepte le Pass numérique")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Chercher avec ces critères").click()
    expect(page.get_by_text("1 lieu à moins de 20 km de Guéret")).to_be_visible()
    assert result_titles(page) == [far.name]
    expect(page.get_by_label("Accepte le Pass numérique")).to_be_checked()
    assert_accessible(page)


def test_errors_are_shown_next_to_the_field(page, places_around_gueret, assert_accessible):
    page.goto("/lieux/")
    page.get_by_label("Où ?").fill("Zzzyville")
    page.get_by_role("button", name="Chercher", exact=True).click()
    expect(page.get_by_text("Nous n'avons trouvé aucune commune nommée « Zzzyville »").first).to_be_visible()
    expect(page.get_by_label("Où ?")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_around_me_refused_says_what_to_do(page, places_around_gueret):
    page.goto("/lieux/")
    page.get_by_role("button", name="Autour de moi").click()
    expect(page.get_by_text("Nous n'avons pas pu connaître votre position")).to_be_visible()


def test_around_me_searches_around_the_position(page, places_around_gueret):
    _, (near, middle, far) = places_around_gueret
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": GUERET[0], "longitude": GUERET[1]})
    page.goto("/lieux/")
    page.get_by_role("button", name="Autour de moi").click()
    expect(page.get_by_text("3 lieux à moins de 20 km de votre position")).to_be_visible()
    assert result_titles(page) == [near.name, middle.name, far.name]


def test_next_page_of_results_keeps_the_filters(page, places_around_gueret, assert_accessible):
    for index in range(25):
        PlaceFactory(name=f"Lieu {index:02d}", latitude=GUERET[0] - 0.001 * (index + 1), longitude=GUERET[1])
    page.goto("/lieux/?ou=Gu%C3%A9ret&radius_km=10")
    expect(page.get_by_text("28 lieux à moins de 10 km de Guéret")).to_be_visible()
    page.get_by_role("link", name="Page suivante").click()
    expect(page.get_by_text("page 2 sur 2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"radius_km=10.*page=2|page=2.*radius_km=10"))
    assert len(result_titles(page)) == 8
    markers = page.locator("[data-cordee-map] .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    assert_accessible(page)


def test_commune_suggestions_come_from_the_territories_api(page, places_around_gueret, assert_accessible):
    CommuneFactory(code_insee="23079", name="Guéret-Ouest", population=10, postal_codes="23001")
    page.goto("/lieux/")
    field = page.get_by_label("Où ?")
    field.press_sequentially("guer", delay=30)
    options = page.locator("datalist#id_ou-suggestions option")
    expect(options).to_have_count(2)
    assert options.first.get_attribute("value") == "Guéret 23000"
    assert_accessible(page)
    field.fill(options.nth(1).get_attribute("value"))
    page.get_by_role("button", name="Chercher", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="km")).to_contain_text("de Guéret-Ouest")


def in_viewport(page, locator):
    """The element starts within the window as it is now (no scrolling)."""
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_on_a_phone_the_results_come_first_with_removable_criteria(
    page, viewport, places_around_gueret, assert_accessible, browser, live_server
):
    _, (near, middle, far) = places_around_gueret
    saturday = PlaceFactory(
        name="Atelier du samedi",
        latitude=GUERET[0] + 0.03,
        longitude=GUERET[1],
        opening_hours="Sa 09:00-12:00",
        pass_numerique=True,
    )
    page.goto("/lieux/")
    page.get_by_label("Où ?").fill("Guéret")
    page.get_by_text("Plus de critères").click()
    page.locator("label[for=id_pass_numerique]").click()
    page.locator("label[for=id_when_2]").click()  # a day of the week and a part of the day
    page.locator("#id_open_day").select_option("samedi")
    page.locator("#id_open_period").select_option("matin")
    assert_accessible(page)
    page.get_by_role("button", name="Chercher avec ces critères").click()

    expect(page.get_by_text("1 lieu à moins de 20 km de Guéret")).to_be_visible()
    assert result_titles(page) == [saturday.name]
    # The criteria are closed and summed up; the first result is in the window without scrolling.
    expect(page.locator("details.cordee-filters")).not_to_have_attribute("open", "")
    criteria = page.locator("#criteres-actifs")
    expect(criteria.get_by_role("link", name=re.compile("^Ouvert samedi matin"))).to_be_visible()
    expect(criteria.get_by_role("link", name=re.compile("^Accepte le Pass numérique"))).to_be_visible()
    assert in_viewport(page, page.locator("ol.cordee-results li").first)
    expect(page.locator("ol.cordee-results li").first).to_contain_text("Ouvert samedi")
    assert no_horizontal_scroll(page, viewport)
    assert_accessible(page)

    # « Modifier les critères » opens the panel where they are.
    criteria.get_by_role("link", name="Modifier les critères").click()
    expect(page.locator("details.cordee-filters")).to_have_attribute("open", "")
    expect(page.get_by_label("Accepte le Pass numérique")).to_be_checked()

    # Removing one criterion keeps the others.
    criteria.get_by_role("link", name=re.compile("^Ouvert samedi matin")).click()
    expect(page.get_by_text("2 lieux à moins de 20 km de Guéret")).to_be_visible()
    assert result_titles(page) == [saturday.name, far.name]
    expect(page.locator("#criteres-actifs a.fr-tag")).to_have_count(1)
    assert in_viewport(page, page.locator("ol.cordee-results li").first)
    assert_accessible(page)

    # Without JavaScript the links work the same.
    context = browser.new_context(base_url=live_server.url, viewport=viewport, java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(page.url)
        plain.locator("#criteres-actifs").get_by_role("link", name=re.compile("^Accepte le Pass numérique")).click()
        expect(plain.get_by_text("4 lieux à moins de 20 km de Guéret")).to_be_visible()
        expect(plain.locator("#criteres-actifs")).to_have_count(0)
        assert in_viewport(plain, plain.locator("ol.cordee-results li").first)
    finally:
        context.close()
