"""Journey: a médiatrice reports a typical individual accompaniment with the keyboard alone, in at most 25 keys
(the test counts them), then duplicates it from her list; on a phone the form fits the screen. Every page passes
axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cordee.activities.models import Activity
from tests.activities.factories import ActivityFactory
from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.browser

MAX_KEYS = 25


def mediator_with_habits():
    """A médiatrice of a structure with two places; her past reports: 30 minutes on e-mail, at the second place."""
    structure = StructureFactory(name="Espace numérique de Guéret")
    mediator = MembershipFactory(structure=structure).user
    PlaceFactory(structure=structure, name="Médiathèque")
    usual = PlaceFactory(structure=structure, name="Tiers-lieu La Fabrique")
    for days in (3, 5, 8):
        ActivityFactory(
            structure=structure,
            mediator=mediator,
            place=usual,
            duration_minutes=30,
            themes=["email"],
            date=timezone.localdate() - dt.timedelta(days=days),
        )
    return mediator, usual


class Keyboard:
    """Presses keys and counts them: the number a person would type."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1


def test_a_typical_report_in_at_most_25_keys(page, login_as, assert_accessible):
    mediator, usual = mediator_with_habits()
    login_as(mediator)

    page.goto("/activites/nouvelle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle activité")
    assert_accessible(page)
    # The most used place is preselected, today is the date, and her usual duration comes first, focused.
    expect(page.locator("#id_place")).to_have_value(str(usual.pk))
    expect(page.locator("#id_date")).to_have_value(timezone.localdate().isoformat())
    expect(page.locator("#id_duration_0")).to_be_focused()
    expect(page.locator("label[for=id_duration_0]")).to_have_text("30 min")

    keys = Keyboard(page)
    keys.press("Space")  # 30 min
    keys.press("Tab")  # « Autre durée, en minutes » (empty)
    # Her frequent themes, in the programme's order: matériel, contenus, navigation, e-mail, sécurité, démarches.
    keys.press("Tab", 4)
    expect(page.locator("input[name=themes][value=email]")).to_be_focused()
    keys.press("Space")
    keys.press("Tab", 2)  # past sécurité and démarches
    keys.press("Tab")  # « Autres thématiques » (closed)
    keys.press("Tab")  # « Démarches administratives » (closed)
    keys.press("Tab", 2)  # ordinateur, téléphone
    expect(page.locator("input[name=equipment][value=phone]")).to_be_focused()
    keys.press("Space")
    keys.press("Tab", 3)  # tablette, autre, aucun
    keys.press("Tab")  # autonomy: the first choice
    keys.press("ArrowRight")  # partiellement autonome
    keys.press("Tab", 3)  # the person; the workshop; orientation and note (closed sections)
    keys.press("Tab")
    expect(page.get_by_role("button", name="Enregistrer", exact=True)).to_be_focused()
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Mes activités")
    assert keys.count <= MAX_KEYS, keys.count
    activity = Activity.objects.order_by("-pk").first()
    assert activity.created_by == mediator
    assert (activity.kind, activity.duration_minutes, activity.place_id) == ("individual", 30, usual.pk)
    assert activity.themes == ["email"]
    assert activity.equipment == ["phone"]
    assert activity.autonomy == "partly_autonomous"
    assert activity.date == timezone.localdate()
    assert_accessible(page)
    print(f"\nCompte rendu individuel type : {keys.count} touches au clavier (au plus {MAX_KEYS}).")

    # « Dupliquer » starts a new report from it.
    page.get_by_role("link", name=f"Dupliquer l'activité du {activity.date:%d/%m/%Y}").click()
    expect(page.get_by_text("Copie de l'activité du")).to_be_visible()
    expect(page.locator("input[name=themes][value=email]")).to_be_checked()
    expect(page.locator("input[name=equipment][value=phone]")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes activités")
    assert Activity.objects.filter(mediator=mediator, date=timezone.localdate()).count() == 2


def test_errors_are_listed_and_linked(page, login_as, assert_accessible, console_errors):
    mediator, _usual = mediator_with_habits()
    login_as(mediator)
    page.goto("/activites/nouvelle/")

    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_role("heading", name="Le formulaire contient des erreurs")).to_be_visible()
    expect(page.get_by_text("Choisissez au moins une thématique.").first).to_be_visible()
    assert_accessible(page)
    assert [text for text in console_errors if "Failed to load resource" in text]  # the refused form: 400
    console_errors.clear()


@pytest.mark.parametrize("viewport", [MOBILE])
def test_the_form_fits_a_phone(page, login_as, assert_accessible):
    mediator, _usual = mediator_with_habits()
    login_as(mediator)

    page.goto("/activites/nouvelle/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle activité")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.screenshot(path="/tmp/activity-form-phone.png", full_page=True)
