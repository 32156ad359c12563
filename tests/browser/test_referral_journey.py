"""Journey: an aiguilleuse chooses a place for a person's needs, refers them with their consent; the place,
which has no account, accepts through the signed link it got by e-mail; the person's sheet prints."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.browser


def expected_http_errors(console_errors, count):
    """The refused form (400) and the closed link (404) are visited on purpose: the browser logs them."""
    expected = [text for text in console_errors if "Failed to load resource" in text]
    assert len(expected) == count, console_errors
    for text in expected:
        console_errors.remove(text)


def test_refer_a_person_and_the_place_answers_through_the_signed_link(
    page, login_as, assert_accessible, console_errors
):
    aiguilleuse = MembershipFactory(aiguilleur=True, structure__name="CCAS de Guéret").user
    place = PlaceFactory(
        name="Espace numérique de Guéret",
        structure=None,
        emails=["accueil@espace-gueret.example"],
        with_hours=True,
        qualified=True,
    )
    login_as(aiguilleuse)

    page.goto("/orientations/lieux/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne : choisir un lieu")
    assert_accessible(page)
    page.locator("label", has_text="Aide aux démarches administratives").click()
    page.locator("#id_commune").fill("23000")
    page.get_by_role("button", name="Proposer des lieux").click()
    expect(page.get_by_text("Lieu qualifié").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Orienter vers ce lieu Espace numérique de Guéret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter vers « Espace numérique de Guéret »")
    page.locator("label", has_text="Par une personne référente").click()
    page.locator("#id_referent").fill("Mme Martin, CCAS de Guéret, 05 55 00 00 00")
    page.locator("#id_contact_phone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_text("Le consentement de la personne est obligatoire").first).to_be_visible()
    assert_accessible(page)
    assert not Referral.objects.exists()
    expected_http_errors(console_errors, 1)
    page.locator("label", has_text="La personne est d'accord").click()
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page).to_have_url(re.compile(r"/orientations/\d+/$"))
    expect(page.get_by_text("État : Envoyée")).to_be_visible()
    assert_accessible(page)

    referral = Referral.objects.get()
    message = next(item for item in mail.outbox if item.to == ["accueil@espace-gueret.example"])
    link = re.search(r"https?://\S+/orientations/lien/\S+/", message.body).group(0)
    path = link[link.index("/orientations/") :]

    page.context.clear_cookies()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Orientation {referral.number}")
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("État : Acceptée")).to_be_visible()
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED

    page.goto(path)  # the old link: the decision closed it
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne fonctionne plus")
    assert_accessible(page)
    expected_http_errors(console_errors, 1)

    login_as(aiguilleuse)
    page.goto(f"/orientations/{referral.pk}/fiche/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Votre orientation vers « {place.name} »")
    expect(page.get_by_text("Ce qu'il faut apporter")).to_be_visible()
    assert_accessible(page)
    # The first PDF of a process loads its fonts: seconds on a busy machine.
    response = page.request.get(f"/orientations/{referral.pk}/fiche.pdf", timeout=60_000)
    assert response.headers["content-type"] == "application/pdf"

    page.goto("/orientations/statistiques/")
    expect(page.get_by_role("cell", name="1", exact=True).first).to_be_visible()
    assert_accessible(page)
