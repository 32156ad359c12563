"""The statistics pages, for each view: a mediator's own, a structure's, a coordinator's territory and team, France
for the national admin, and the public share link. A coordinator builds their team (invites a mediator, who
accepts) before opening its page. axe runs on every page and fails on any violation."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import MOBILE
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    """A structure of Guéret with a gestionnaire and a médiatrice who reported a few activities of each kind."""
    structure = StructureFactory(name="Espace numérique de Guéret")
    gestionnaire = MembershipFactory(structure=structure, gestionnaire=True).user
    mediator = MembershipFactory(structure=structure, user__first_name="Camille", user__last_name="Martin").user
    today = timezone.localdate()
    for days in (2, 9, 40):
        ActivityFactory(structure=structure, mediator=mediator, date=today - dt.timedelta(days=days))
    ActivityFactory(structure=structure, mediator=mediator, workshop=True, date=today - dt.timedelta(days=5))
    ActivityFactory(structure=structure, mediator=mediator, kind="quick", date=today)
    return structure, gestionnaire, mediator


def open_dashboard(page, url, title, check):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Statistiques : {title}")
    expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    check(page)


def test_a_mediator_finds_her_statistics_from_her_dashboard(page, world, login_as, assert_accessible):
    _structure, _gestionnaire, mediator = world
    login_as(mediator)

    page.goto("/tableau-de-bord/")
    assert_accessible(page)
    page.get_by_role("link", name="Voir les statistiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques d'activité")
    assert_accessible(page)
    page.get_by_role("link", name="Mes activités").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques : Mes activités")
    assert_accessible(page)
    # Filters travel in the query string: narrow to workshops.
    page.get_by_label("Type d'activité").select_option("workshop")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"kind=workshop"))
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [MOBILE])
def test_a_gestionnaire_reads_the_structures_statistics_on_a_phone(page, viewport, world, login_as, assert_accessible):
    structure, gestionnaire, _mediator = world
    login_as(gestionnaire)
    open_dashboard(page, f"/statistiques/structure/{structure.pk}/", structure.name, assert_accessible)


def test_a_coordinator_reads_the_territory_and_shares_it(
    page, browser, live_server, world, login_as, assert_accessible
):
    coordinator = CoordinatorScopeFactory().user
    login_as(coordinator)
    open_dashboard(page, "/statistiques/territoire/departement:23/", "Creuse (23)", assert_accessible)

    share_url = page.get_by_label("Lien public de ces statistiques").input_value()
    anonymous = browser.new_context(base_url=live_server.url, locale="fr-FR")
    public = anonymous.new_page()
    try:
        public.goto(share_url)
        expect(public.get_by_role("heading", level=1)).to_contain_text("Creuse")
        assert_accessible(public)
    finally:
        anonymous.close()


def test_the_national_admin_reads_france(page, world, login_as, assert_accessible):
    login_as(UserFactory(national_admin=True))
    open_dashboard(page, "/statistiques/territoire/france/", "France", assert_accessible)


def test_a_coordinator_builds_a_team_and_reads_its_statistics(
    page, world, login_as, assert_accessible, console_errors
):
    _structure, _gestionnaire, mediator = world
    coordinator = CoordinatorScopeFactory(user__first_name="Dominique", user__last_name="Robert").user

    login_as(coordinator)
    page.goto("/tableau-de-bord/")
    page.get_by_role("link", name="Mon équipe de médiateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon équipe")
    assert_accessible(page)
    page.get_by_label("Adresse électronique du médiateur").fill("personne@exemple.fr")
    page.get_by_role("button", name="Inviter").click()
    expect(page.locator("#id_email-errors")).to_contain_text("Aucun compte Cordée n'a cette adresse")
    assert_accessible(page)
    # The refused form answers 400, which the browser reports; expected here.
    console_errors.remove("Failed to load resource: the server responded with a status of 400 (Bad Request)")
    page.get_by_label("Adresse électronique du médiateur").fill(mediator.email)
    page.get_by_role("button", name="Inviter").click()
    expect(page.get_by_text("Camille Martin est invité.")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    login_as(mediator)
    page.goto("/tableau-de-bord/")
    page.get_by_role("link", name="Mes équipes (1 invitation en attente)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes équipes")
    assert_accessible(page)
    page.get_by_role("button", name="Accepter l'invitation de Dominique Robert").click()
    expect(page.get_by_text("Vous faites partie de l'équipe de Dominique Robert.")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    login_as(coordinator)
    page.goto("/statistiques/")
    page.get_by_role("link", name="Équipe de Dominique Robert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques : Équipe de Dominique Robert")
    expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    assert_accessible(page)

    page.goto("/equipe/")
    page.get_by_role("link", name="Retirer Camille Martin").click()
    assert_accessible(page)
    page.get_by_role("button", name="Retirer de l'équipe").click()
    expect(page.get_by_role("heading", name="Anciens membres")).to_be_visible()
    assert_accessible(page)
