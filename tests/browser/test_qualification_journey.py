"""Journey: a national admin finds and qualifies a place that someone else asked to qualify; the person
who asked cannot approve it themself (four-eyes rule)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cordee.places import quality
from cordee.places.enums import QualificationState
from cordee.places.models import Place, QualityCriterion
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def requested_place():
    """A place of Guéret whose gestionnaire asked for its qualification."""
    membership = MembershipFactory(gestionnaire=True, structure__name="Espace numérique de Guéret")
    place = PlaceFactory(
        structure=membership.structure,
        name="Médiathèque de Guéret",
        with_hours=True,
        with_contacts=True,
        accessibility_url="https://acceslibre.beta.gouv.fr/lieu/",
        source_updated_on=timezone.localdate(),
    )
    # Seeded by a migration, but the live-server tests flush the database between tests.
    trained, _ = QualityCriterion.objects.get_or_create(
        code="mediateur-forme", defaults={"label": "Au moins un médiateur formé"}
    )
    quality.declare_manual_criteria(membership.user, place, [trained.pk])
    quality.request_qualification(membership.user, place)
    return place


def test_national_admin_finds_and_qualifies_a_place_requested_by_someone_else(
    page, assert_accessible, requested_place
):
    admin = UserFactory(national_admin=True, email="admin@anct.example")
    page.goto("/compte/connexion/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(admin.email)
    form.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    expect(page.get_by_label("Rester connecté")).not_to_be_checked()
    form.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))

    page.get_by_role("link", name="Demandes de qualification").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de qualification")
    expect(page.get_by_role("link", name="Médiathèque de Guéret", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Décider pour Médiathèque de Guéret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qualification de « Médiathèque de Guéret »")
    expect(page.get_by_text("Vous avez demandé cette qualification")).to_have_count(0)
    assert_accessible(page)
    page.locator("label", has_text="Qualifier le lieu").click()
    page.get_by_role("button", name="Enregistrer la décision").click()

    expect(page).to_have_url(re.compile(r"/gestion/lieux/qualification/$"))
    expect(page.get_by_text("« Médiathèque de Guéret » est désormais un lieu qualifié.")).to_be_visible()
    assert_accessible(page)
    assert Place.objects.get(pk=requested_place.pk).qualification_state == QualificationState.QUALIFIED


def test_the_admin_who_asked_cannot_approve_and_is_told_why(page, login_as, assert_accessible, requested_place):
    admin = login_as(UserFactory(national_admin=True))
    quality.refuse(UserFactory(national_admin=True), requested_place, "Vérifier les horaires.")
    quality.request_qualification(admin, requested_place)

    page.goto(f"/gestion/lieux/{requested_place.pk}/qualification/decider/")
    expect(page.get_by_text("Vous avez demandé cette qualification")).to_be_visible()
    expect(page.locator("label", has_text="Qualifier le lieu")).to_have_count(0)
    expect(page.locator("label", has_text="Refuser la qualification")).to_be_visible()
    assert_accessible(page)
