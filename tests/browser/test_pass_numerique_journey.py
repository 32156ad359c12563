"""Journeys of the Pass numérique: a person checks their pass on the public page (the QR code's target); a
médiateur types its code to use it at their place; the check then says it was used, with the date only."""

import re

import pytest
from playwright.sync_api import expect

from cordee.pass_numerique import codes
from cordee.pass_numerique.models import Redemption
from tests.browser.conftest import MOBILE
from tests.pass_numerique.factories import build_world

pytestmark = pytest.mark.browser


def expected_http_errors(console_errors, count):
    """Pages answered with an error status on purpose (unknown code, 409): the browser logs them."""
    expected = [text for text in console_errors if "Failed to load resource" in text]
    assert len(expected) == count, console_errors
    for text in expected:
        console_errors.remove(text)


@pytest.mark.parametrize("viewport", [MOBILE])
def test_check_a_pass_then_a_mediateur_uses_it_by_typing(page, login_as, assert_accessible, console_errors):
    world = build_world()
    code = world.code("distributed")
    shown = codes.display(code)

    page.goto("/pass/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifier un Pass numérique")
    assert_accessible(page)
    page.get_by_label("Code du pass").fill(shown.lower().replace("-", " "))
    page.get_by_role("button", name="Vérifier").click()
    expect(page).to_have_url(re.compile(rf"/pass/{code}/$"))
    expect(page.get_by_role("heading", level=2).first).to_have_text("Ce pass est valable")
    expect(page.get_by_role("link", name=world.place.name)).to_be_visible()
    assert_accessible(page)

    page.goto("/pass/ABCDEFGHJKMNP" + codes.check_symbol("ABCDEFGHJKMNP") + "/")
    expect(page.get_by_text("Aucun pass ne porte ce code")).to_be_visible()
    assert_accessible(page)
    expected_http_errors(console_errors, 1)

    login_as(world.mediateur)
    page.goto("/pass-numerique/utiliser/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utiliser un Pass numérique")
    assert_accessible(page)
    page.get_by_label("Code du pass").fill(shown)
    page.get_by_role("button", name="Utiliser le pass").click()
    expect(page.get_by_text(f"Pass {shown} utilisé")).to_be_visible()
    assert_accessible(page)
    assert Redemption.objects.get().pass_obj.code == code

    page.get_by_label("Code du pass").fill(shown)
    page.get_by_role("button", name="Utiliser le pass").click()
    expect(page.get_by_text("déjà été utilisé").first).to_be_visible()
    assert_accessible(page)
    expected_http_errors(console_errors, 1)
    assert Redemption.objects.count() == 1

    page.goto(f"/pass/{shown}/")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Ce pass a déjà été utilisé")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [MOBILE])
def test_the_public_check_shows_the_accepting_places_near_the_person_on_a_map(page, assert_accessible):
    world = build_world()
    code = world.code("distributed")

    page.goto(f"/pass/{code}/")
    expect(page.locator("[data-cordee-map] .leaflet-marker-icon").first).to_be_visible()
    expect(page.get_by_role("region", name="Carte des lieux qui acceptent ce pass")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Près de chez vous").fill("23000")
    page.get_by_role("button", name="Voir les lieux les plus proches").click()
    expect(page.get_by_text("les plus proches de Guéret")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=world.place.name)).to_contain_text("km")
    expect(page.locator("[data-cordee-map] .leaflet-marker-icon").first).to_be_visible()
    assert_accessible(page)


def test_a_mediateur_reports_an_activity_paid_by_a_pass(page, login_as, assert_accessible, console_errors):
    world = build_world()
    code = world.code("distributed")
    shown = codes.display(code)
    login_as(world.mediateur)

    page.goto("/activites/nouvelle/")
    page.get_by_text("30 min", exact=True).click()
    page.get_by_text("E-mail", exact=True).click()
    page.locator("summary", has_text="son Pass numérique").click()
    page.get_by_label("Pass numérique utilisé").fill(shown)
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(f"Pass {shown} utilisé")).to_be_visible()
    assert_accessible(page)
    redemption = Redemption.objects.get()
    assert redemption.pass_obj.code == code and redemption.activity is not None

    # The same pass again: the form comes back with the reason on the field, nothing is saved.
    page.goto("/activites/nouvelle/")
    page.get_by_text("30 min", exact=True).click()
    page.get_by_text("E-mail", exact=True).click()
    page.locator("summary", has_text="son Pass numérique").click()
    page.get_by_label("Pass numérique utilisé").fill(shown)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#id_pass_code-errors")).to_contain_text("déjà été utilisé")
    assert_accessible(page)
    expected_http_errors(console_errors, 1)
    assert Redemption.objects.count() == 1
