"""Access matrix of every POST of the places pages: who may act, and a refused POST changes nothing.

The GET matrix of the same pages is in test_places_manage.py. Here each POST carries data that succeeds for whoever
may act, so the matrix proves both sides: the allowed kinds change something (and are sent on, 302), the others get
the login page or a 403 and leave every table of the places, their imports and the journal exactly as it was.
"""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cordee.places.enums import QualificationState
from cordee.places.models import Place, PlaceCriterion, PlaceReport, QualityCriterion
from tests.places.factories import PlaceFactory
from tests.places.test_place_imports import places_csv
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.user_kinds import USER_KINDS, expect
from tests.www.test_places_manage import form_data

pytestmark = pytest.mark.django_db

OK = "ok"  # the action is done: 302 to the next page, and the database changed

#                                anon  member gest  elsewhere coord_in coord_out admin
POST_EXPECTATIONS = {
    "create": expect(302, 403, OK, 403, OK, 403, OK),
    "edit": expect(302, OK, OK, 403, OK, 403, OK),  # the team updates the practical information
    "criteria_declare": expect(302, 403, OK, 403, OK, 403, OK),
    "unrecognised_dismiss": expect(302, 403, OK, 403, OK, 403, OK),
    "qualification_request": expect(302, 403, OK, 403, OK, 403, OK),
    "qualification_decide": expect(302, 403, 403, 403, OK, 403, OK),
    "report_resolve": expect(302, 403, OK, 403, OK, 403, OK),
    "criterion_create": expect(302, 403, 403, 403, 403, 403, OK),
    "criterion_edit": expect(302, 403, 403, 403, 403, 403, OK),
    "criterion_toggle": expect(302, 403, 403, 403, 403, 403, OK),
    "import_create": expect(302, 403, 403, 403, OK, OK, OK),
    "report_form": expect(OK, OK, OK, OK, OK, OK, OK),
}


@pytest.fixture
def place():
    """A place in Guéret (Creuse) of a structure with one gestionnaire and one médiateur, ready to be qualified."""
    structure = StructureFactory(name="Espace numérique de Guéret")
    MembershipFactory(structure=structure, gestionnaire=True)
    MembershipFactory(structure=structure)
    place = PlaceFactory(structure=structure, name="Médiathèque de Guéret", with_hours=True, with_contacts=True)
    Place.objects.filter(pk=place.pk).update(
        accessibility_url="https://acceslibre.beta.gouv.fr/x/", source_updated_on=timezone.localdate()
    )
    place.refresh_from_db()
    return place


def manual_criterion():
    return QualityCriterion.objects.filter(automatic="").order_by("order", "pk").first()


def criterion_fields(criterion, **changes):
    fields = {name: getattr(criterion, name) for name in ("label", "code", "description", "automatic", "order")}
    return {**fields, "is_active": "on" if criterion.is_active else "", **changes}


def prepare(name, place):
    """(url, data) of a POST that succeeds for whoever may act."""
    manage = "www:places_manage"
    if name == "create":
        url = reverse(f"{manage}:create", kwargs={"structure_pk": place.structure_id})
        return url, form_data(place, name="Tiers-lieu du centre")
    if name == "edit":
        return reverse(f"{manage}:edit", kwargs={"pk": place.pk}), form_data(place, name="Nouveau nom")
    if name == "criteria_declare":
        return reverse(f"{manage}:criteria_declare", kwargs={"pk": place.pk}), {"criteria": [manual_criterion().pk]}
    if name == "unrecognised_dismiss":
        Place.objects.filter(pk=place.pk).update(unrecognised_values={"services": ["Astrologie"]})
        return reverse(f"{manage}:unrecognised_dismiss", kwargs={"pk": place.pk}), {"column": "services"}
    if name == "qualification_request":
        manual = QualityCriterion.objects.active().filter(automatic="")
        PlaceCriterion.objects.bulk_create([PlaceCriterion(place=place, criterion=c) for c in manual])
        return reverse(f"{manage}:qualification_request", kwargs={"pk": place.pk}), {}
    if name == "qualification_decide":
        Place.objects.filter(pk=place.pk).update(qualification_state=QualificationState.REQUESTED)
        url = reverse(f"{manage}:qualification_decide", kwargs={"pk": place.pk})
        return url, {"decision": "refuse", "reason": "Les horaires ne sont pas à jour."}
    if name == "report_resolve":
        report = PlaceReport.objects.create(place=place, kind="closed")
        return reverse(f"{manage}:report_resolve", kwargs={"report_pk": report.pk}), {"decision": "dismiss"}
    if name == "criterion_create":
        data = {"label": "Wifi public", "code": "wifi", "description": "", "automatic": "", "order": "80"}
        return reverse(f"{manage}:criterion_create"), {**data, "is_active": "on"}
    if name == "criterion_edit":
        criterion = manual_criterion()
        url = reverse(f"{manage}:criterion_edit", kwargs={"pk": criterion.pk})
        return url, criterion_fields(criterion, label="Libellé revu")
    if name == "criterion_toggle":
        return reverse(f"{manage}:criterion_toggle", kwargs={"pk": manual_criterion().pk}), {}
    if name == "import_create":
        upload = SimpleUploadedFile("lieux.csv", places_csv(valid=1, invalid=0), content_type="text/csv")
        return reverse(f"{manage}:import_create"), {"file": upload, "new_source": "essai"}
    if name == "report_form":
        return reverse("www:place_reports:create", kwargs={"pk": place.pk}), {"kind": "closed"}
    raise ValueError(name)


def database_state():
    """Every row of the places, their imports and the journal."""
    models = [model for app in ("places", "aggregation", "journal") for model in apps.get_app_config(app).get_models()]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("view_name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, sign_in_as, place, view_name, kind):
    cache.clear()  # the public report form is rate-limited per address
    url, data = prepare(view_name, place)
    sign_in_as(kind, place.structure)
    before = database_state()

    response = client.post(url, data)

    expected = POST_EXPECTATIONS[view_name][kind]
    if expected == OK:
        assert response.status_code == 302, getattr(response, "context", None) and response.context.get("form")
        assert not response["Location"].startswith(reverse("www:accounts:login"))
        assert database_state() != before
        return
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))
    assert database_state() == before
