"""The beneficiary file: a médiateur finds a person, merges two records of them, anonymises another; on a phone,
with axe on every page, and the same without JavaScript."""

import pytest
from playwright.sync_api import expect

from cordee.beneficiaries.models import ANONYMISED_ALIAS, Beneficiary
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import MOBILE, TIMEOUT_MS
from tests.diagnostics.factories import ensure_referentiel
from tests.structures.factories import MembershipFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def follower(transactional_db):
    ensure_referentiel()
    membership = MembershipFactory(structure__name="Espace numérique de Guéret")
    gueret = CommuneFactory()
    first = BeneficiaryFactory(structure=membership.structure, alias="Mme Régine B.", birth_year=1950, commune=gueret)
    BeneficiaryFactory(structure=membership.structure, alias="mme regine b", birth_year=1950, commune=gueret)
    BeneficiaryFactory(structure=membership.structure, alias="M. Paul T.")
    ActivityFactory(structure=membership.structure, beneficiary=first, mediator=membership.user)
    return membership


def journey(page, follower, check):
    page.goto("/personnes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes suivies")
    check(page)

    page.get_by_label("Rechercher un pseudonyme").fill("paul")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("link", name="M. Paul T.")).to_be_visible()
    expect(page.get_by_role("link", name="Mme Régine B.")).to_have_count(0)

    page.get_by_role("link", name="Doublons possibles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Doublons possibles")
    check(page)
    page.get_by_role("button", name="Fusionner ces 2 fiches").click()
    expect(page.get_by_text("Fiches fusionnées")).to_be_visible()
    expect(page.get_by_text("Aucun doublon possible.")).to_be_visible()

    page.get_by_role("link", name="Retour aux personnes suivies").click()
    page.locator("label[for^=personne-]").filter(has_text="Choisir M. Paul T.").click()
    page.get_by_role("button", name="Anonymiser les personnes cochées…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymiser 1 personne ?")
    check(page)
    page.get_by_role("button", name="Anonymiser", exact=True).click()
    expect(page.get_by_text("1 personne(s) anonymisée(s).")).to_be_visible()
    check(page)

    aliases = sorted(Beneficiary.objects.filter(structure=follower.structure).values_list("alias", flat=True))
    assert aliases == sorted(["Mme Régine B.", ANONYMISED_ALIAS])


@pytest.mark.parametrize("viewport", [MOBILE])
def test_a_mediator_keeps_the_file_tidy_on_a_phone(page, viewport, follower, login_as, assert_accessible):
    login_as(follower.user)
    journey(page, follower, check=assert_accessible)


def test_the_file_works_without_javascript(browser, live_server, follower):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, viewport=MOBILE, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    client = Client()
    client.force_login(follower.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        journey(page, follower, check=lambda page: None)
    finally:
        context.close()


def test_a_mediator_sets_a_persons_gender_and_status_after_creation(page, follower, login_as, assert_accessible):
    person = Beneficiary.objects.get(alias="M. Paul T.")
    login_as(follower.user)

    page.goto(f"/diagnostics/personnes/{person.pk}/")
    page.get_by_role("link", name="Modifier le genre et la situation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier M. Paul T.")
    assert_accessible(page)
    page.get_by_label("Genre").select_option("male")
    page.get_by_label("Situation").select_option("retired")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Les informations de la personne sont enregistrées.")).to_be_visible()
    expect(page.get_by_text("Genre : masculin. Situation : retraité.")).to_be_visible()
    assert_accessible(page)
    person.refresh_from_db()
    assert (person.gender, person.status) == ("male", "retired")
