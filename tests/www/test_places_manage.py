import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.journal.models import Entry
from cordee.places.enums import CoordinatesPrecision, HoursStatus, QualificationState, SiretStatus
from cordee.places.models import Place, PlaceReport, QualityCriterion
from cordee.structures.enums import MembershipRole
from tests import user_kinds
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.user_kinds import USER_KINDS, expect

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """A place in Guéret (Creuse) of a structure with one gestionnaire and one médiateur."""
    structure = StructureFactory(name="Espace numérique de Guéret")
    MembershipFactory(structure=structure, gestionnaire=True, user__email="gestion@gueret.fr")
    MembershipFactory(structure=structure, user__email="mediation@gueret.fr")
    return PlaceFactory(structure=structure, name="Médiathèque de Guéret", with_hours=True, with_contacts=True)


def login_as(client, kind, place):
    return user_kinds.login_as(client, kind, place.structure)


#                             anon member gest  elsewhere coord_in coord_out admin
VIEW_EXPECTATIONS = {
    "structure_places": expect(302, 200, 200, 403, 200, 403, 200),
    "create": expect(302, 403, 200, 403, 200, 403, 200),
    "detail": expect(302, 200, 200, 403, 200, 403, 200),
    "edit": expect(302, 200, 200, 403, 200, 403, 200),
    "territory": expect(302, 403, 403, 403, 200, 200, 200),
    "qualification_queue": expect(302, 403, 403, 403, 200, 200, 200),
    "qualification_decide": expect(302, 403, 403, 403, 200, 403, 200),
    "report_queue": expect(302, 403, 200, 200, 200, 200, 200),
    "criterion_list": expect(302, 403, 403, 403, 403, 403, 200),
    "criterion_create": expect(302, 403, 403, 403, 403, 403, 200),
    "criterion_edit": expect(302, 403, 403, 403, 403, 403, 200),
    "hours_check": expect(302, 200, 200, 200, 200, 200, 200),
    "report_form": expect(200, 200, 200, 200, 200, 200, 200),
}


def view_url(name, place):
    if name in ("structure_places", "create"):
        return reverse(f"www:places_manage:{name}", kwargs={"structure_pk": place.structure_id})
    if name in ("detail", "edit", "qualification_decide"):
        return reverse(f"www:places_manage:{name}", kwargs={"pk": place.pk})
    if name == "criterion_edit":
        return reverse("www:places_manage:criterion_edit", kwargs={"pk": QualityCriterion.objects.first().pk})
    if name == "report_form":
        return reverse("www:place_reports:create", kwargs={"pk": place.pk})
    return reverse(f"www:places_manage:{name}")


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("view_name", list(VIEW_EXPECTATIONS))
def test_access_matrix_get(client, place, view_name, kind):
    login_as(client, kind, place)
    url = view_url(view_name, place)
    response = client.get(url)
    expected = VIEW_EXPECTATIONS[view_name][kind]
    if expected == 302:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("www:accounts:login"))
    else:
        assert response.status_code == expected


# --- Edit form -------------------------------------------------------------------------------------


def form_data(place, **changes):
    data = {
        "name": place.name,
        "pivot": "",
        "summary": "",
        "description": "",
        "address": place.address,
        "address_complement": "",
        "postal_code": place.postal_code,
        "commune_name": place.commune_name,
        "code_insee": place.code_insee,
        "latitude": "",
        "longitude": "",
        "phones": "05 55 52 00 00",
        "emails": "contact@example.org",
        "websites": "",
        "booking_url": "",
        "accessibility_url": "",
        "other_training_labels": "",
        "services": list(place.services),
        "fees": list(place.fees),
        "support_modes": list(place.support_modes),
        "hours_mode": "grid",
        "opening_hours": "",
    }
    for day in ["Mo", "Tu", "We", "Th", "Fr"]:
        data[f"hours_{day}_open1"] = "09:00"
        data[f"hours_{day}_close1"] = "12:00"
        data[f"hours_{day}_open2"] = "14:00"
        data[f"hours_{day}_close2"] = "17:00"
    data.update(changes)
    return data


def test_edit_form_shows_the_hours_in_the_grid(client, place):
    login_as(client, "gestionnaire", place)
    response = client.get(reverse("www:places_manage:edit", kwargs={"pk": place.pk}))
    html = response.content.decode()
    assert 'name="hours_Mo_open1" value="09:00"' in html
    assert 'name="hours_Fr_close2" value="17:00"' in html
    assert 'name="hours_Sa_open1"' in html and 'name="hours_Sa_open1" value' not in html
    modes = re.findall(r'<input type="radio" name="hours_mode"[^>]*>', html)
    checked = {re.search(r'value="(\w+)"', tag).group(1): re.search(r"\schecked\b", tag) is not None for tag in modes}
    assert checked == {"grid": True, "expert": False}


def test_gestionnaire_saves_the_grid_as_osm_and_journal_lists_changed_fields(client, place):
    user = login_as(client, "gestionnaire", place)
    data = form_data(place, hours_Sa_open1="09:00", hours_Sa_close1="12:00", hours_holidays_closed="on")
    response = client.post(reverse("www:places_manage:edit", kwargs={"pk": place.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("www:places_manage:detail", kwargs={"pk": place.pk})
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
    assert place.hours_status == HoursStatus.VALID
    assert place.phones == ["+33555520000"]
    # Saturday morning is now in the precomputed intervals: 5 days × 2 + 1.
    assert place.opening_intervals.count() == 11
    entry = Entry.objects.get(action="places.place.updated")
    assert entry.actor == user and entry.object_id == str(place.pk)
    assert "opening_hours" in entry.details["fields"]
    assert "name" not in entry.details["fields"]
    detail = client.get(response["Location"])
    assert "Samedi : 09:00 – 12:00" in unescape(detail.content.decode())


def test_expert_field_is_used_when_chosen(client, place):
    login_as(client, "coordinator_in_scope", place)
    data = form_data(place, hours_mode="expert", opening_hours="Mo-Sa 10:00-18:00; PH off")
    response = client.post(reverse("www:places_manage:edit", kwargs={"pk": place.pk}), data)
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Sa 10:00-18:00; PH off"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"phones": "05 55"}, "phones", "Numéro de téléphone invalide : « 05 55 »"),
        ({"pivot": "13002526500014"}, "pivot", "SIRET invalide : ce SIRET n'existe pas"),
        ({"pivot": "1234"}, "pivot", "un SIRET compte exactement 14 chiffres"),
        ({"hours_mode": "expert", "opening_hours": "lundi 9h-12h"}, "opening_hours", "Horaires illisibles"),
        ({"hours_Mo_open1": "12:00", "hours_Mo_close1": "09:00"}, "hours_Mo_open1", "L'heure de fermeture"),
        ({"hours_Tu_close1": ""}, "hours_Tu_open1", "Indiquez l'heure d'ouverture et l'heure de fermeture"),
        ({"code_insee": "99999"}, "code_insee", "Aucune commune n'a le code INSEE"),
        ({"emails": "pas-une-adresse"}, "emails", "Adresse électronique invalide"),
        ({"postal_code": "230"}, "postal_code", "Le code postal compte 5 chiffres."),
    ],
)
def test_edit_form_errors_are_french_and_nothing_is_saved(client, place, changes, field, message):
    login_as(client, "gestionnaire", place)
    before = place.opening_hours
    response = client.post(reverse("www:places_manage:edit", kwargs={"pk": place.pk}), form_data(place, **changes))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    html = unescape(response.content.decode())
    assert "Le formulaire contient des erreurs" in html and message in html
    place.refresh_from_db()
    assert place.opening_hours == before
    assert not Entry.objects.filter(action="places.place.updated").exists()


def test_pivot_accepts_siret_and_rna_and_sets_the_status(client, place):
    login_as(client, "gestionnaire", place)
    url = reverse("www:places_manage:edit", kwargs={"pk": place.pk})
    client.post(url, form_data(place, pivot="130 025 265 00013"))
    place.refresh_from_db()
    assert (place.pivot, place.siret_status) == ("13002526500013", SiretStatus.VALID)
    client.post(url, form_data(place, pivot="w751234567"))
    place.refresh_from_db()
    assert (place.pivot, place.siret_status) == ("W751234567", SiretStatus.RNA)


def test_gestionnaire_creates_a_place_for_their_structure(client, place):
    user = login_as(client, "gestionnaire", place)
    structure = place.structure
    data = form_data(place, name="Tiers-lieu du centre", phones="0555520001", accepts_pass_numerique="on")
    response = client.post(reverse("www:places_manage:create", kwargs={"structure_pk": structure.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    created = Place.objects.get(name="Tiers-lieu du centre")
    assert created.structure == structure and created.accepts_pass_numerique
    assert created.commune_ref_id == "23096"
    assert created.coordinates_precision == CoordinatesPrecision.COMMUNE
    assert created.source_updated_on is not None
    entry = Entry.objects.get(action="places.place.created")
    assert entry.actor == user and "accepts_pass_numerique" in entry.details["fields"]


def test_coordinator_cannot_move_a_place_out_of_their_territory(client, place):
    from tests.territories.factories import CommuneFactory

    marseille = CommuneFactory(marseille=True)
    login_as(client, "coordinator_in_scope", place)
    data = form_data(place, code_insee=marseille.code_insee, postal_code="13001", commune_name=marseille.name)
    response = client.post(reverse("www:places_manage:edit", kwargs={"pk": place.pk}), data)
    assert response.status_code == 200
    assert "hors de votre territoire" in unescape(response.content.decode())
    place.refresh_from_db()
    assert place.code_insee == "23096"


@pytest.mark.parametrize("kind", ["member_elsewhere", "coordinator_out_of_scope"])
def test_refused_edit_post_changes_nothing(client, place, kind):
    login_as(client, kind, place)
    response = client.post(reverse("www:places_manage:edit", kwargs={"pk": place.pk}), form_data(place, name="Pirate"))
    assert response.status_code == 403
    place.refresh_from_db()
    assert place.name == "Médiathèque de Guéret"


def test_hours_check_answers_in_french(client, place):
    login_as(client, "gestionnaire", place)
    url = reverse("www:places_manage:hours_check")
    ok = client.get(url, {"opening_hours": "Mo-Fr 09:00-12:00"}).content.decode()
    assert "Horaires valides : Mo-Fr 09:00-12:00" in ok
    bad = unescape(client.get(url, {"opening_hours": "lundi <b>9h</b>"}).content.decode())
    assert "Horaires illisibles" in bad and "fr-error-text" in bad
    assert "<b>" not in client.get(url, {"opening_hours": "lundi <b>9h</b>"}).content.decode()


def test_structure_page_links_to_its_places_and_list_shows_stale_badge(client, place):
    Place.objects.filter(pk=place.pk).update(source_updated_on="2020-01-01")
    login_as(client, "gestionnaire", place)
    detail = client.get(reverse("www:structures:detail", kwargs={"pk": place.structure_id})).content.decode()
    places_url = reverse("www:places_manage:structure_places", kwargs={"structure_pk": place.structure_id})
    assert places_url in detail
    html = unescape(client.get(places_url).content.decode())
    assert "Médiathèque de Guéret" in html and "À mettre à jour" in html


def test_territory_list_holds_only_places_in_scope(client, place):
    PlaceFactory(in_marseille=True, name="Lieu de Marseille")
    login_as(client, "coordinator_in_scope", place)
    html = client.get(reverse("www:places_manage:territory")).content.decode()
    assert "Médiathèque de Guéret" in html and "Lieu de Marseille" not in html


# --- Qualification pages ---------------------------------------------------------------------------


def test_request_then_decide_through_the_pages(client, place):
    Place.objects.filter(pk=place.pk).update(
        accessibility_url="https://acceslibre.beta.gouv.fr/x/", source_updated_on=timezone.localdate()
    )
    place.refresh_from_db()
    trained = QualityCriterion.objects.get(code="mediateur-forme")
    login_as(client, "gestionnaire", place)
    detail_url = reverse("www:places_manage:detail", kwargs={"pk": place.pk})
    request_url = reverse("www:places_manage:qualification_request", kwargs={"pk": place.pk})

    response = client.post(request_url, follow=True)
    assert "Il manque : « Au moins un médiateur formé »" in unescape(response.content.decode())

    client.post(reverse("www:places_manage:criteria_declare", kwargs={"pk": place.pk}), {"criteria": [trained.pk]})
    response = client.post(request_url, follow=True)
    assert "demande de qualification est envoyée" in unescape(response.content.decode())
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.REQUESTED

    client.logout()
    login_as(client, "coordinator_in_scope", place)
    queue = client.get(reverse("www:places_manage:qualification_queue")).content.decode()
    assert "Médiathèque de Guéret" in queue
    decide_url = reverse("www:places_manage:qualification_decide", kwargs={"pk": place.pk})
    response = client.post(decide_url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 200
    assert "Indiquez le motif du refus." in unescape(response.content.decode())
    response = client.post(decide_url, {"decision": "qualify"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.qualification_state == QualificationState.QUALIFIED
    assert client.get(detail_url).status_code == 200


# --- Reports ---------------------------------------------------------------------------------------


def test_public_report_flow_and_moderation(client, place):
    url = reverse("www:place_reports:create", kwargs={"pk": place.pk})
    response = client.post(url, {"kind": "wrong_hours", "message": "Fermé le mercredi", "contact_email": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:place_reports:thanks", kwargs={"pk": place.pk})
    report = PlaceReport.objects.get()
    assert report.message == "Fermé le mercredi"

    login_as(client, "gestionnaire", place)
    queue = unescape(client.get(reverse("www:places_manage:report_queue")).content.decode())
    assert "Fermé le mercredi" in queue
    resolve_url = reverse("www:places_manage:report_resolve", kwargs={"report_pk": report.pk})
    response = client.post(resolve_url, {"decision": "accept", "note": "Horaires corrigés"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted" and report.resolution_note == "Horaires corrigés"
    assert Entry.objects.filter(action="places.report.resolved", object_id=str(place.pk)).exists()


@pytest.mark.parametrize("kind", ["member", "member_elsewhere", "coordinator_out_of_scope"])
def test_resolving_someone_elses_report_is_refused(client, place, kind):
    report = PlaceReport.objects.create(place=place, kind="closed")
    login_as(client, kind, place)
    response = client.post(
        reverse("www:places_manage:report_resolve", kwargs={"report_pk": report.pk}), {"decision": "dismiss"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == "new"


def test_report_form_validates_and_honeypot_saves_nothing(client, place):
    url = reverse("www:place_reports:create", kwargs={"pk": place.pk})
    response = client.post(url, {"kind": "", "message": "x" * 1001})
    assert response.status_code == 200
    form = response.context["form"]
    assert "kind" in form.errors and "message" in form.errors
    response = client.post(url, {"kind": "closed", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not PlaceReport.objects.exists()


def test_report_form_is_rate_limited_per_address(client, place, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}}
    from django.core.cache import cache

    cache.clear()
    url = reverse("www:place_reports:create", kwargs={"pk": place.pk})
    for _ in range(5):
        assert client.post(url, {"kind": "closed"}, REMOTE_ADDR="192.0.2.7").status_code == 302
    response = client.post(url, {"kind": "closed"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 429
    assert "Réessayez dans une heure" in unescape(response.content.decode())
    assert client.post(url, {"kind": "closed"}, REMOTE_ADDR="192.0.2.8").status_code == 302
    assert PlaceReport.objects.count() == 6
    cache.clear()


# --- Référentiel -----------------------------------------------------------------------------------


def test_admin_adds_edits_and_deactivates_a_criterion(client, place):
    login_as(client, "national_admin", place)
    response = client.post(
        reverse("www:places_manage:criterion_create"),
        {"label": "Wifi public", "code": "wifi", "description": "", "automatic": "", "order": "80", "is_active": "on"},
    )
    assert response.status_code == 302
    criterion = QualityCriterion.objects.get(code="wifi")
    assert criterion.is_manual and criterion.is_active
    client.post(reverse("www:places_manage:criterion_toggle", kwargs={"pk": criterion.pk}))
    criterion.refresh_from_db()
    assert not criterion.is_active
    assert Entry.objects.filter(action="places.criterion.updated", object_id=str(criterion.pk)).exists()
    html = client.get(reverse("www:places_manage:criterion_list")).content.decode()
    assert "Wifi public" in html and "Désactivé" in html


@pytest.mark.parametrize("kind,shows_edit", [("member", True), ("gestionnaire", True), ("aiguilleur", False)])
def test_structure_list_offers_edit_only_to_who_may_edit(client, place, kind, shows_edit):
    if kind == "aiguilleur":
        client.force_login(MembershipFactory(structure=place.structure, role=MembershipRole.AIGUILLEUR).user)
    else:
        login_as(client, kind, place)
    html = client.get(reverse("www:places_manage:structure_places", args=[place.structure.pk])).content.decode()
    assert place.name in html
    assert (f'href="{reverse("www:places_manage:edit", kwargs={"pk": place.pk})}"' in html) is shows_edit


# --- Location to check ------------------------------------------------------------------------------


def test_managers_see_a_location_to_check_and_clear_it_by_saving_a_right_point(client, place):
    Place.objects.filter(pk=place.pk).update(
        latitude=43.7009,
        longitude=7.2683,
        location_warning="coordonnées à 574 km du centre de Guéret (23), plus de 50 km : position à vérifier",
    )
    login_as(client, "member", place)
    detail_url = reverse("www:places_manage:detail", kwargs={"pk": place.pk})

    html = unescape(client.get(detail_url).content.decode())
    assert "Localisation à vérifier : coordonnées à 574 km du centre de Guéret (23)" in html

    client.logout()
    login_as(client, "gestionnaire", place)  # the address and the point are the gestionnaires'
    response = client.post(
        reverse("www:places_manage:edit", kwargs={"pk": place.pk}),
        form_data(place, latitude="46.1721", longitude="1.8716"),
    )
    assert response.status_code == 302, response.context["form"].errors
    place.refresh_from_db()
    assert place.location_warning == ""
    assert "Localisation à vérifier" not in unescape(client.get(detail_url).content.decode())


def test_a_point_typed_far_from_the_commune_is_kept_and_flagged(client, place):
    login_as(client, "gestionnaire", place)

    response = client.post(
        reverse("www:places_manage:edit", kwargs={"pk": place.pk}), form_data(place, latitude="43.7", longitude="7.27")
    )

    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.latitude, place.longitude) == (43.7, 7.27)
    assert place.location_warning.startswith("coordonnées à ")
    assert place.location_warning.endswith("du centre de Guéret (23), plus de 50 km : position à vérifier")
