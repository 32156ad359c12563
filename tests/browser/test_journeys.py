import re

import pytest
from playwright.sync_api import expect

from cordee.www.home.entries import main_menu
from tests.browser.conftest import MOBILE
from tests.structures.factories import MembershipFactory
from tests.users.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def _find_a_place_url():
    return next(entry.url for entry in main_menu() if entry.title == "Trouver un lieu")


def test_anonymous_finds_a_place_from_the_home_page(page, assert_accessible):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("numérique")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Trouver un lieu").click()
    expect(page).to_have_url(re.compile(re.escape(_find_a_place_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("lieu")
    expect(page.get_by_role("link", name="Trouver un lieu").first).to_have_attribute("aria-current", "page")
    assert_accessible(page)


def test_anonymous_reads_the_personal_data_page_from_the_footer(page, assert_accessible):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles").click()
    expect(page).to_have_url(re.compile(r"/donnees-personnelles/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Données personnelles")
    expect(page.get_by_role("heading", name="Vos droits")).to_be_visible()
    assert_accessible(page)


def test_mediateur_logs_in_with_the_form_and_sees_their_dashboard(page, assert_accessible):
    membership = MembershipFactory(structure__name="Médiathèque de Guéret")
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    assert_accessible(page)

    form = page.locator("main form")
    form.locator("input[name=username]").fill(membership.user.email)
    form.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    expect(page.get_by_role("heading", name="Mes accompagnements")).to_be_visible()
    expect(page.get_by_text("Médiathèque de Guéret")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()


def test_signed_in_gestionnaire_dashboard_is_accessible(page, login_as, assert_accessible):
    login_as(MembershipFactory(gestionnaire=True).user)
    page.goto("/tableau-de-bord/")
    expect(page.get_by_role("heading", name="Les structures que je gère")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_mobile_shows_the_menu_behind_a_burger_without_horizontal_scroll(page, viewport, assert_accessible):
    page.goto("/")
    nav_link = page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Trouver un lieu")
    expect(nav_link).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)

    page.get_by_role("button", name="Menu").click()
    expect(nav_link).to_be_visible()
    expect(page.locator("#menu-principal").get_by_role("link", name="Se connecter")).to_be_visible()
    assert_accessible(page)
    nav_link.click()
    expect(page).to_have_url(re.compile(re.escape(_find_a_place_url()) + "$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_signed_in_person_logs_out_from_the_mobile_menu(page, viewport, login_as, assert_accessible):
    login_as(MembershipFactory(aiguilleur=True).user)
    page.goto("/tableau-de-bord/")
    expect(page.get_by_role("heading", name="Orienter une personne")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)

    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#menu-principal")
    expect(menu.get_by_role("link", name="Mon tableau de bord")).to_be_visible()
    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Se connecter").first).to_be_attached()
