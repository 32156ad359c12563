"""Activity reports: the fast entry form (new, pre-filled from a referral, a diagnostic, a person or a past
activity), the list of one's activities, change and delete. Every page works without JavaScript."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cordee.activities import enums, perms, services, suggestions
from cordee.activities.enums import SERVICE_THEME, LocationKind, Theme
from cordee.activities.models import Activity
from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import DomainError
from cordee.core.ids import as_id
from cordee.diagnostics.models import Diagnostic
from cordee.pass_numerique import activity_pass
from cordee.places.models import Place
from cordee.referrals.models import Referral
from cordee.structures.models import Structure
from cordee.structures.roles import roles_of
from cordee.www.activities.forms import COUNT_LABELS, ONE_PERSON_KINDS, OTHER_DURATION, ActivityForm, kinds_for

COUNT_FIELDS = list(COUNT_LABELS)

PAGE_SIZE = 50


def _require_recorder(user):
    if not perms.can_record_any(user):
        raise Http404("Page réservée aux médiateurs, conseillers numériques, gestionnaires et coordinateurs.")


def _visible_or_404(user, pk):
    activity = get_object_or_404(
        Activity.objects.select_related("structure", "place", "commune", "beneficiary"), pk=pk
    )
    if not perms.can_view_activity(user, activity):
        raise Http404("Activité introuvable.")
    return activity


def _form(request, data=None, initial=None):
    user = request.user
    roles = roles_of(user)
    structure_ids = perms.recording_structure_ids(user)
    structures = Structure.objects.filter(pk__in=structure_ids).order_by("name", "pk")
    places = Place.objects.filter(structure_id__in=structure_ids).order_by("name", "pk")
    people = Beneficiary.objects.active().filter(structure_id__in=structure_ids).order_by("alias", "pk")
    kinds = kinds_for(bool(structure_ids), roles.is_coordinator)
    form_initial = {
        "kind": kinds[0].value if kinds else "",
        "location_kind": LocationKind.PLACE if structure_ids else LocationKind.REMOTE,
        "structure": roles.acting_structure_id if roles.acting_structure_id in structure_ids else None,
    }
    if form_initial["structure"] is None and structure_ids:
        form_initial["structure"] = structures.values_list("pk", flat=True).first()
    place_ids = list(places.values_list("pk", flat=True))
    form_initial["place"] = suggestions.usual_place_id(user, place_ids)
    if not place_ids:
        form_initial["location_kind"] = LocationKind.REMOTE
    form_initial.update(initial or {})
    form = ActivityForm(
        data,
        initial=form_initial,
        structures=structures,
        places=places,
        beneficiaries=people,
        durations=suggestions.durations(user),
        kinds=kinds,
        accepts_pass=places.filter(accepts_pass_numerique=True).exists(),
    )
    frequent = suggestions.themes(user)
    form.frequent_themes = [choice for choice in form["themes"] if choice.data["value"] in frequent]
    form.other_themes = [choice for choice in form["themes"] if choice.data["value"] not in frequent]
    selected = set(form["themes"].value() or [])
    form.other_themes_open = bool(selected - set(frequent))
    return form


def _initial_from_query(request) -> tuple[dict, str]:
    """Pre-filled values from ?dupliquer=, ?orientation=, ?diagnostic= or ?personne=, and what it says."""
    user = request.user
    query = request.GET
    initial, origin = {}, ""
    if key := as_id(query.get("dupliquer")):
        source = _visible_or_404(user, key)
        values = services.copy_values(source)
        initial = _form_values(values)
        origin = f"Copie de l'activité du {source.date:%d/%m/%Y} : vérifiez la date, la durée et la personne."
    if key := as_id(query.get("orientation")):
        referral = Referral.objects.filter(pk=key, place__structure_id__in=perms.recording_structure_ids(user)).first()
        if referral is None:
            raise Http404("Orientation introuvable.")
        initial.update(
            {
                "referral": referral.pk,
                "place": referral.place_id,
                "location_kind": LocationKind.PLACE,
                "structure": referral.place.structure_id,
                "themes": _themes_of_services(referral.services),
            }
        )
        if referral.beneficiary and referral.beneficiary.structure_id == referral.place.structure_id:
            initial["beneficiary"] = referral.beneficiary_id
        origin = "Compte rendu de l'orientation reçue : l'enregistrer la marque « personne accompagnée »."
    if key := as_id(query.get("diagnostic")):
        diagnostic = Diagnostic.objects.filter(pk=key, structure_id__in=perms.recording_structure_ids(user)).first()
        if diagnostic is None:
            raise Http404("Diagnostic introuvable.")
        initial.update(
            {
                "diagnostic": diagnostic.pk,
                "structure": diagnostic.structure_id,
                "beneficiary": diagnostic.beneficiary_id,
                "themes": _themes_of_services(diagnostic.recommended_services),
            }
        )
        origin = f"Accompagnement à la suite du diagnostic du {diagnostic.created_at:%d/%m/%Y}."
    if key := as_id(query.get("personne")):
        person = (
            Beneficiary.objects.active().filter(pk=key, structure_id__in=perms.recording_structure_ids(user)).first()
        )
        if person is None:
            raise Http404("Personne introuvable.")
        initial.update({"beneficiary": person.pk, "structure": person.structure_id})
    person_id = initial.get("beneficiary")
    if person_id and initial.get("location_kind") == LocationKind.HOME and not initial.get("commune"):
        person = Beneficiary.objects.filter(pk=person_id).first()
        initial["commune"] = person.commune_id if person and person.commune_id else ""
    return initial, origin


def _themes_of_services(service_values) -> list[str]:
    themes = {str(SERVICE_THEME[value]) for value in service_values or [] if value in SERVICE_THEME}
    return [theme.value for theme in Theme if theme.value in themes]


def _form_values(values: dict) -> dict:
    """Service values → the form's initial values."""
    durations = {str(value) for value in suggestions.DURATION_PRESETS}
    duration = str(values["duration_minutes"])
    initial = {
        "structure": values.get("structure_id"),
        "kind": values["kind"],
        "location_kind": values["location_kind"],
        "place": values.get("place_id"),
        "commune": values.get("commune_code") or "",
        "duration": duration if duration in durations else OTHER_DURATION,
        "duration_other": None if duration in durations else values["duration_minutes"],
        "themes": values["themes"],
        "admin_subthemes": values["admin_subthemes"],
        "admin_precision": values["admin_precision"],
        "equipment": values["equipment"],
        "redirections": values["redirections"],
        "autonomy": values["autonomy"],
        "title": values["title"],
        "level": values["level"],
        "participants": values["participants"],
        "tags": ", ".join(values.get("tags") or []),
    }
    return initial


def index(request):
    _require_recorder(request.user)
    user = request.user
    scope = "structure" if request.GET.get("liste") == "structure" else "mine"
    activities = perms.visible_activities(user)
    if scope == "mine":
        activities = activities.filter(mediator=user)
    activities = activities.select_related("place", "commune", "beneficiary", "mediator").order_by("-date", "-pk")
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    paid = activity_pass.paid_activity_ids([activity.pk for activity in page.object_list])
    rows = [(activity, perms.can_edit_activity(user, activity), activity.pk in paid) for activity in page.object_list]
    return render(
        request,
        "www/activities/index.html",
        {"page": page, "rows": rows, "scope": scope, "can_see_structure": bool(perms.recording_structure_ids(user))},
    )


def create(request):
    _require_recorder(request.user)
    initial, origin = _initial_from_query(request)
    form = _form(request, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity, redemption = activity_pass.record_activity(
                request.user, form.service_data(), pass_code=form.cleaned_data.get("pass_code", "")
            )
        except DomainError as error:
            form.show_domain_errors(error)
        else:
            messages.success(request, f"Activité du {activity.date:%d/%m/%Y} enregistrée.{_pass_used(redemption)}")
            if "encore" in request.POST:
                return redirect(f"{reverse('www:activities:create')}?dupliquer={activity.pk}")
            return redirect("www:activities:index")
    return render(
        request,
        "www/activities/form.html",
        {"form": form, "origin": origin, "title": "Nouvelle activité", "is_new": True},
        status=400 if form.is_bound and form.errors else 200,
    )


def edit(request, pk):
    activity = _visible_or_404(request.user, pk)
    if not perms.can_edit_activity(request.user, activity):
        raise Http404("Activité introuvable.")
    values = services.copy_values(activity)
    initial = _form_values(values)
    initial.update(
        {
            "date": activity.date,
            "note": activity.note,
            "beneficiary": activity.beneficiary_id,
            "followed": list(activity.followed_participants.values_list("pk", flat=True)),
            "referral": activity.referral_id,
            "diagnostic": activity.diagnostic_id,
            "workshop_returning": activity.returning,
            "returning": bool(activity.returning),
            **_count_initial(activity),
        }
    )
    form = _form(request, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        try:
            _activity, redemption = activity_pass.update_activity(
                request.user, activity, form.service_data(), pass_code=form.cleaned_data.get("pass_code", "")
            )
        except DomainError as error:
            form.show_domain_errors(error)
        else:
            messages.success(request, f"Activité modifiée.{_pass_used(redemption)}")
            return redirect("www:activities:index")
    return render(
        request,
        "www/activities/form.html",
        {
            "form": form,
            "activity": activity,
            "redemptions": activity_pass.redemptions_of(activity),
            "title": f"Modifier l'activité du {activity.date:%d/%m/%Y}",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _pass_used(redemption) -> str:
    if redemption is None:
        return ""
    return (
        f" Pass {redemption.pass_obj.display_code} utilisé à « {redemption.place.name} » : il sera remboursé à "
        "votre structure sur le relevé du mois."
    )


def delete(request, pk):
    activity = _visible_or_404(request.user, pk)
    if not perms.can_edit_activity(request.user, activity):
        raise Http404("Activité introuvable.")
    if request.method == "POST":
        try:
            services.delete_activity(request.user, activity)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Activité supprimée.")
        return redirect("www:activities:index")
    return render(request, "www/activities/delete.html", {"activity": activity})


def _count_initial(activity) -> dict:
    """The counts as the form shows them: the breakdowns of a group, the single values of one person."""
    if activity.kind not in ONE_PERSON_KINDS:
        return {name: getattr(activity, name) or None for name in COUNT_FIELDS}
    initial = {}
    for field, columns in (
        ("gender", enums.GENDER_COLUMNS),
        ("age_band", enums.AGE_BAND_COLUMNS),
        ("status", enums.STATUS_COLUMNS),
    ):
        for value, column in columns.items():
            if value != "unknown" and getattr(activity, column):
                initial[field] = value
    return initial
