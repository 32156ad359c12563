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
