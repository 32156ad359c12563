"""A médiateur changes their password from « Mon compte »: a mistake first, then the new one; axe on each page."""

import pytest
from playwright.sync_api import expect

from tests.structures.factories import MembershipFactory
from tests.users.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
NEW = "une-cordee-solide-2026"


@pytest.mark.parametrize("viewport", [PHONE])
def test_change_my_password_from_my_account(page, login_as, assert_accessible):
    user = MembershipFactory().user
    login_as(user)
    page.goto("/compte/")
    page.get_by_role("link", name="Changer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer mon mot de passe")
    assert_accessible(page)

    page.get_by_label("Mot de passe actuel").fill("pas-le-bon")
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW)
    page.get_by_label("Nouveau mot de passe, une deuxième fois").fill(NEW)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce n'est pas votre mot de passe actuel")
    expect(page.locator("#resume-erreurs")).to_be_focused()  # the error summary is read first
    expect(page).to_have_title("Erreur — Changer mon mot de passe — Cordée")
    assert_accessible(page)

    page.get_by_label("Mot de passe actuel").fill(DEFAULT_PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW)
    page.get_by_label("Nouveau mot de passe, une deuxième fois").fill(NEW)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("Votre mot de passe est changé")).to_be_visible()
    assert_accessible(page)
    user.refresh_from_db()
    assert user.check_password(NEW)
