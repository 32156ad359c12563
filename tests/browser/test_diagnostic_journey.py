"""The diagnostic journeys: a person alone without JavaScript on a phone, and an aiguilleur with a person."""

import re

import pytest
from playwright.sync_api import expect

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.conftest import MOBILE, TIMEOUT_MS
from tests.diagnostics.factories import DiagnosticFactory, answers, ensure_referentiel
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.browser

GUERET = (46.17199, 1.87148)


@pytest.fixture
def referentiel(transactional_db):
    """The migration's data do not survive the flush of earlier transactional tests: install them again."""
    return ensure_referentiel()


@pytest.fixture
def no_js_page(browser, live_server, console_errors):
    context = browser.new_context(base_url=live_server.url, viewport=MOBILE, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]


def self_diagnostic_to_place_search(page, referentiel, check):
    CommuneFactory()
    PlaceFactory(
        name="Atelier numérique de Guéret",
        latitude=GUERET[0] + 0.01,
        longitude=GUERET[1],
        services=["Utilisation sécurisée du numérique", "Maîtrise des outils numériques du quotidien"],
    )
    chosen = answers(areas={"securite": "ne_sait_pas"})
    count = referentiel.questions.count()

    page.goto("/diagnostic/")
    check(page)
    page.get_by_role("button", name="Commencer").click()
    for number, question in enumerate(referentiel.questions.order_by("position"), start=1):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Question {number} sur {count}")
        if number == 1:
            check(page)
            assert no_horizontal_scroll(page)
            # Go on, come back, and find the answer still chosen.
            page.locator("label[for=answer-avec_aide]").click()
            page.get_by_role("button", name="Question suivante").click()
            page.get_by_role("button", name="Question précédente").click()
            expect(page.get_by_label("Je sais faire avec de l'aide")).to_be_checked()
        if question.code in chosen:
            page.locator(f"label[for=answer-{chosen[question.code]}]").click()
            page.get_by_role("button", name=re.compile("Question suivante|Voir le résultat")).click()
        else:
            page.get_by_role("button", name="Je préfère ne pas répondre").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre résultat")
    expect(page.get_by_role("heading", name="Se protéger")).to_be_visible()
    check(page)
    assert no_horizontal_scroll(page)

    page.get_by_label("Où habitez-vous ?").fill("Guéret")
    page.get_by_role("button", name="Trouver un lieu près de chez moi").click()
    expect(page).to_have_url(re.compile(r"/lieux/\?.*services=Utilisation"))
    expect(page.get_by_label("Utilisation sécurisée du numérique")).to_be_checked()
    expect(page.get_by_text("Atelier numérique de Guéret")).to_be_visible()


def test_self_diagnostic_without_javascript_lands_on_a_prefilled_place_search(no_js_page, referentiel):
    self_diagnostic_to_place_search(no_js_page, referentiel, check=lambda page: None)


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_self_diagnostic_pages_are_accessible_on_a_phone(page, viewport, referentiel, assert_accessible):
    """axe needs JavaScript to run: the same journey, with JavaScript, checked page by page."""
    self_diagnostic_to_place_search(page, referentiel, check=assert_accessible)


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_aiguilleur_runs_a_second_diagnostic_and_sees_progress(
    page, viewport, referentiel, login_as, assert_accessible
):
    membership = MembershipFactory(aiguilleur=True)
    person = BeneficiaryFactory(structure=membership.structure, alias="Josiane B.")
    DiagnosticFactory(beneficiary=person, version=referentiel, answers=answers(default="ne_sait_pas"))
    login_as(membership.user)

    page.goto("/diagnostics/")
    assert_accessible(page)
    page.get_by_role("link", name="Josiane B.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Josiane B.")
    page.get_by_role("link", name="Nouveau diagnostic").click()
    assert_accessible(page)
    for code, answer in answers(areas={"securite": "avec_aide"}).items():
        page.locator(f"label[for=id_q_{code}_{referentiel.questions.get(code=code).answers.index(answer)}]").click()
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_text("Le diagnostic est enregistré.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Josiane B.").click()
    expect(page.get_by_role("heading", name="Progrès par domaine")).to_be_visible()
    table = page.get_by_role("table", name="Niveau par domaine et par date de diagnostic")
    expect(table.get_by_role("row", name=re.compile("Se protéger"))).to_contain_text("+1")
    expect(table.get_by_role("row", name=re.compile("Communiquer"))).to_contain_text("+3")
    assert_accessible(page)
