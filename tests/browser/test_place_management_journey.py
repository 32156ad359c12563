import re

import pytest
from playwright.sync_api import expect

from cordee.places.models import Place
from tests.browser.conftest import MOBILE
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def gestionnaire_and_place():
    membership = MembershipFactory(gestionnaire=True, structure__name="Espace numérique de Guéret")
    place = PlaceFactory(structure=membership.structure, name="Médiathèque de Guéret", with_hours=True)
    return membership.user, place


def test_gestionnaire_edits_the_hours_of_a_place_with_the_grid(
    page, login_as, assert_accessible, gestionnaire_and_place
):
    user, place = gestionnaire_and_place
    login_as(user)
    page.goto(f"/structures/{place.structure_id}/")
    assert_accessible(page)

    page.get_by_role("link", name="Voir les lieux de la structure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les lieux de Espace numérique de Guéret")
    assert_accessible(page)

    page.get_by_role("link", name="Modifier Médiathèque de Guéret").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier « Médiathèque de Guéret »")
    # With JavaScript, only the chosen way of entering the hours is shown.
    expect(page.get_by_label("Horaires au format OpenStreetMap")).to_be_hidden()
    assert_accessible(page)

    saturday = page.get_by_role("group", name="Samedi")
    saturday.get_by_label("Samedi, Ouverture", exact=True).fill("09:30")
    saturday.get_by_label("Samedi, Fermeture", exact=True).first.fill("12:30")
    page.locator("label[for=id_hours_holidays_closed]").click()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(rf"/gestion/lieux/{place.pk}/$"))
    expect(page.get_by_text("Les informations du lieu sont enregistrées.")).to_be_visible()
    expect(page.get_by_text("Samedi : 09:30 – 12:30")).to_be_visible()
    expect(page.get_by_text("Jours fériés : fermé")).to_be_visible()
    assert_accessible(page)
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:30-12:30; PH off"


def test_expert_field_is_checked_live(page, login_as, assert_accessible, gestionnaire_and_place):
    user, place = gestionnaire_and_place
    login_as(user)
    page.goto(f"/gestion/lieux/{place.pk}/modifier/")
    page.locator("label[for=id_hours_mode_1]").click()
    expert = page.get_by_label("Horaires au format OpenStreetMap")
    expect(expert).to_be_visible()
    expert.fill("lundi 9h")
    expect(page.locator("#hours-check")).to_contain_text("Horaires illisibles")
    expert.fill("Mo-Sa 10:00-18:00")
    expect(page.locator("#hours-check")).to_contain_text("Horaires valides : Mo-Sa 10:00-18:00")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(rf"/gestion/lieux/{place.pk}/$"))
    assert Place.objects.get(pk=place.pk).opening_hours == "Mo-Sa 10:00-18:00"


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_public_reports_an_error_on_a_phone(page, viewport, assert_accessible, gestionnaire_and_place):
    _user, place = gestionnaire_and_place
    page.goto(f"/lieux/{place.pk}/signaler/")
    assert_accessible(page)
    page.locator("label[for=id_kind_1]").click()
    page.get_by_label("Précisions").fill("Fermé le mercredi après-midi")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre signalement")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)


def test_mediateur_updates_the_hours_of_their_place(page, login_as, assert_accessible, gestionnaire_and_place):
    _gestionnaire, place = gestionnaire_and_place
    mediateur = MembershipFactory(structure=place.structure, role="mediateur").user
    MembershipFactory(user=mediateur, structure=StructureFactory(name="Médiathèque d'Aubusson"))
    login_as(mediateur)

    # From the public page of the place, the médiateur finds how to manage it.
    page.goto(f"/lieux/{place.pk}/")
    page.get_by_role("link", name="Gérer cette fiche").click()
    expect(page).to_have_url(re.compile(rf"/gestion/lieux/{place.pk}/$"))
    assert_accessible(page)

    page.get_by_role("link", name="Modifier la fiche").click()
    expect(page.get_by_text("En tant que membre de l'équipe de la structure")).to_be_visible()
    expect(page.get_by_label("Nom du lieu")).to_have_count(0)
    assert_accessible(page)

    # A mistake: the error summary takes the focus and names the field once.
    wednesday = page.get_by_role("group", name="Mercredi")
    wednesday.get_by_label("Mercredi, Ouverture", exact=True).fill("12:00")
    wednesday.get_by_label("Mercredi, Fermeture", exact=True).first.fill("09:00")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.locator("#resume-erreurs")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Mercredi : ouverture")).to_be_visible()
    assert_accessible(page)

    wednesday = page.get_by_role("group", name="Mercredi")
    wednesday.get_by_label("Mercredi, Ouverture", exact=True).fill("09:00")
    wednesday.get_by_label("Mercredi, Fermeture", exact=True).first.fill("12:00")
    wednesday.get_by_label("Mercredi, Réouverture", exact=True).fill("")
    wednesday.get_by_label("Mercredi, Fermeture", exact=True).last.fill("")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(rf"/gestion/lieux/{place.pk}/$"))
    expect(page.get_by_text("Mercredi : 09:00 – 12:00")).to_be_visible()
    assert_accessible(page)
    place.refresh_from_db()
    assert place.opening_hours == "Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We 09:00-12:00"
    assert place.name == "Médiathèque de Guéret"

    # In two structures, the médiateur says in the header which one they act for (a plain form).
    page.get_by_label("Vous agissez pour").locator("visible=true").select_option(label="Médiathèque d'Aubusson")
    page.get_by_role("button", name="Changer de structure").locator("visible=true").click()
    expect(page.get_by_text("Vous agissez maintenant pour « Médiathèque d'Aubusson ».")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/gestion/lieux/{place.pk}/$"))
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [MOBILE], ids=["375px"])
def test_the_structure_switch_is_in_the_menu_on_a_phone(page, viewport, login_as, assert_accessible):
    first = MembershipFactory(structure__name="Espace numérique de Guéret")
    MembershipFactory(user=first.user, structure=StructureFactory(name="Médiathèque d'Aubusson"))
    login_as(first.user)
    page.goto("/tableau-de-bord/")
    page.get_by_role("button", name="Menu").click()
    switch = page.get_by_label("Vous agissez pour").locator("visible=true")
    expect(switch).to_be_visible()
    switch.select_option(label="Médiathèque d'Aubusson")
    assert_accessible(page)
    page.get_by_role("button", name="Changer de structure").locator("visible=true").click()
    expect(page.get_by_text("Vous agissez maintenant pour « Médiathèque d'Aubusson ».")).to_be_visible()


def test_gestionnaire_sees_a_location_to_check_and_fixes_the_point(
    page, login_as, assert_accessible, gestionnaire_and_place
):
    user, place = gestionnaire_and_place
    Place.objects.filter(pk=place.pk).update(
        latitude=43.7009,
        longitude=7.2683,
        location_warning="coordonnées à 574 km du centre de Guéret (23), plus de 50 km : position à vérifier",
    )
    login_as(user)
    page.goto(f"/gestion/lieux/{place.pk}/")
    expect(page.get_by_text("Localisation à vérifier : coordonnées à 574 km du centre de Guéret (23)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Modifier la fiche").click()
    page.get_by_label("Latitude").fill("46.1721")
    page.get_by_label("Longitude").fill("1.8716")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(rf"/gestion/lieux/{place.pk}/$"))
    expect(page.get_by_text("Localisation à vérifier")).to_have_count(0)
    assert Place.objects.get(pk=place.pk).location_warning == ""


def test_gestionnaire_deals_with_the_values_an_import_could_not_read(
    page, login_as, assert_accessible, gestionnaire_and_place
):
    user, place = gestionnaire_and_place
    Place.objects.filter(pk=place.pk).update(unrecognised_values={"services": ["Cours de cuisine"]})
    login_as(user)
    page.goto(f"/gestion/lieux/{place.pk}/")
    expect(page.get_by_role("heading", name="Valeurs non reconnues")).to_be_visible()
    expect(page.get_by_text("« Cours de cuisine »")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("C'est réglé : ne plus afficher")).click()

    expect(page.get_by_text("ne seront plus affichées sur cette fiche")).to_be_visible()
    expect(page.get_by_role("heading", name="Valeurs non reconnues")).to_have_count(0)
    assert_accessible(page)
    assert Place.objects.get(pk=place.pk).unrecognised_values == {}
