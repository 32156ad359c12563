"""Pages to manage places: lists, create and edit, quality criteria and qualification, error reports.

Every page is private (LoginRequiredMiddleware) except the public error report form. Permissions come
from cordee.places.perms; the actions from cordee.places.{services,quality,reports}.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cordee.aggregation import export
from cordee.aggregation.standard import unrecognised_values
from cordee.core import ratelimit
from cordee.core.errors import DomainError, Invalid
from cordee.core.net import rate_limit_key
from cordee.journal.services import record
from cordee.places import contacts, hours, hours_grid, perms, quality, reports, services
from cordee.places.enums import QualificationState, ReportState
from cordee.places.models import Place, PlaceReport, QualityCriterion
from cordee.structures.models import Structure
from cordee.territories.models import Departement
from cordee.territories.normalize import search_key
from cordee.www.places_manage.forms import (
    CriterionForm,
    DecisionForm,
    ManualCriteriaForm,
    PlaceForm,
    PlaceListForm,
    ReportForm,
    ResolveForm,
)

PAGE_SIZE = 50
MAX_HOURS_CHECK_LENGTH = 500


def _place(request, pk, allowed=perms.can_manage_place) -> Place:
    place = get_object_or_404(Place.objects.select_related("structure", "commune_ref__departement"), pk=pk)
    if not allowed(request.user, place):
        raise PermissionDenied("Vous n'avez pas accès à ce lieu.")
    return place


def _with_flags(request, places):
    """Places of a page with `needs_update`, `pending_reports` and `can_edit` (badges and actions), in a few
    queries whatever their number. "À mettre à jour" is the rule of the filter: ``quality.stale_places``."""
    places = list(places)
    ids = [place.pk for place in places]
    pending = dict(
        PlaceReport.objects.pending()
        .filter(place__in=ids)
        .values_list("place")
        .annotate(count=Count("pk"))
        .values_list("place", "count")
    )
    stale = set(quality.stale_places().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    manageable = perms.manageable_place_ids(request.user, places)
    for place in places:
        place.needs_update = place.pk in stale
        place.pending_reports = pending.get(place.pk, 0)
        place.can_edit = place.pk in manageable
    return places


def _page(request, queryset, order=("name", "pk")):
    page = Paginator(queryset.select_related("structure").order_by(*order), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = _with_flags(request, page.object_list)
    return page


def _query_without_page(request) -> str:
    """The list's query string without its page number, for the pagination links ("&…" or "")."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"&{encoded}" if encoded else ""


# --- Lists -------------------------------------------------------------------------------------------


@require_GET
def structure_places(request, structure_pk):
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=structure_pk)
    if not perms.can_view_structure_places(request.user, structure):
        raise PermissionDenied("Vous n'avez pas accès à cette structure.")
    return render(
        request,
        "www/places/manage/structure_places.html",
        {
            "structure": structure,
            "page": _page(request, Place.objects.filter(structure=structure)),
            "can_create": perms.can_create_place_for(request.user, structure),
        },
    )


def _filtered(queryset, form):
    text = form.value("q")
    if text:
        queryset = queryset.filter(search_name__contains=search_key(text))
    if departement := form.value("departement"):
        queryset = queryset.in_departement(departement)
    if source := form.value("source"):
        queryset = queryset.filter(source_name=source)
    if qualification := form.value("qualification"):
        queryset = queryset.filter(qualification_state=qualification)
    freshness = form.value("fraicheur")
    if freshness == PlaceListForm.STALE:
        queryset = queryset.filter(pk__in=quality.stale_places().values("pk"))
    elif freshness == PlaceListForm.FRESH:
        queryset = queryset.exclude(pk__in=quality.stale_places().values("pk"))
    structure = form.value("structure")
    if structure == PlaceListForm.NO_STRUCTURE:
        queryset = queryset.filter(structure__isnull=True)
    elif structure:
        queryset = queryset.filter(structure_id=structure)
    return queryset


@require_GET
def territory_places(request):
    """The places a coordinator (their territories) or a national admin (all) manages: search, filters, sort,
    export of the filtered list."""
    if not perms.may_list_all_places(request.user):
        raise PermissionDenied("Cette liste est réservée aux coordinateurs territoriaux et à l'administration.")
    in_scope = perms.coordinated_places(request.user)
    form = PlaceListForm(
        request.GET,
        departements=Departement.objects.filter(code__in=in_scope.values("departement_code")).order_by("code"),
        sources=in_scope.order_by("source_name").values_list("source_name", flat=True).distinct(),
        structures=Structure.objects.filter(pk__in=in_scope.values("structure_id")).order_by("name", "pk"),
    )
    queryset = _filtered(in_scope, form)
    order = PlaceListForm.SORTS.get(form.value("tri") or "nom")
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(export.iter_csv(queryset.order_by(*order)), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="lieux.csv"'
        return response
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "csv"
    return render(
        request,
        "www/places/manage/territory_places.html",
        {
            "page": _page(request, queryset, order),
            "form": form,
            "filters": form.active_filters(),
            "extra_query": _query_without_page(request),
            "export_query": params.urlencode(),
            "is_national_admin": perms.can_edit_referential(request.user),
        },
    )


# --- Create and edit -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def place_create(request, structure_pk):
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=structure_pk)
    if not perms.can_create_place_for(request.user, structure):
        raise PermissionDenied("Vous ne pouvez pas ajouter de lieu à cette structure.")
    form = PlaceForm(request.POST or None, initial={"postal_code": structure.postal_code})
    if request.method == "POST" and form.is_valid():
        try:
            place = services.create_place(request.user, form.place_values(), structure=structure)
        except DomainError as error:
            form.add_error(None, error.message)
            form.add_domain_errors(error.errors)
        else:
            messages.success(request, f"Le lieu « {place.name} » est ajouté.")
            return redirect("www:places_manage:detail", pk=place.pk)
    return render(request, "www/places/manage/place_form.html", {"form": form, "structure": structure, "place": None})


@require_http_methods(["GET", "POST"])
def place_edit(request, pk):
    place = _place(request, pk)
    editable = perms.editable_fields(request.user, place)
    form = PlaceForm(request.POST or None, place=place, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            place, changed = services.update_place(request.user, place, form.place_values())
        except DomainError as error:
            form.add_error(None, error.message)
            form.add_domain_errors(error.errors)
        else:
            if changed:
                messages.success(request, "Les informations du lieu sont enregistrées.")
            else:
                messages.success(request, "Rien n'a changé : le lieu est marqué comme à jour.")
            return redirect("www:places_manage:detail", pk=place.pk)
    return render(
        request,
        "www/places/manage/place_form.html",
        {"form": form, "structure": place.structure, "place": place, "practical_only": editable != perms.ALL_FIELDS},
    )


@require_GET
def hours_check(request):
    """Live check of an OSM expression (progressive enhancement of the expert field): a short French text."""
    expression = request.GET.get("opening_hours", "").strip()[:MAX_HOURS_CHECK_LENGTH]
    if not expression:
        valid, text = True, "Pas d'horaires : le lieu apparaîtra « horaires non renseignés »."
    else:
        valid, message = hours.parse(expression)
        text = f"Horaires valides : {expression}" if valid else message[0].upper() + message[1:] + "."
    css = "fr-valid-text" if valid else "fr-error-text"
    return HttpResponse(format_html('<p class="{} fr-mt-1w">{}</p>', css, text))


# --- Place page: quality and qualification ---------------------------------------------------------


def _week(place):
    """(day, hours in words) for each day when the expression fits the grid, else None."""
    grid = hours_grid.from_osm(place.opening_hours) if place.opening_hours else None
    if grid is None:
        return None
    rows = []
    for day in hours_grid.DAYS:
        ranges = grid.ranges(day)
        text = " et ".join(f"{opening} – {closing}" for opening, closing in ranges) if ranges else "fermé"
        rows.append((hours_grid.DAY_LABELS[day], text))
    if grid.holidays_closed:
        rows.append(("Jours fériés", "fermé"))
    return rows


@require_GET
def place_detail(request, pk):
    place = _place(request, pk)
    can_edit = perms.can_edit_place(request.user, place)
    status = quality.criteria_status(place)
    declared = [criterion.pk for criterion, met in status if criterion.is_manual and met]
    return render(
        request,
        "www/places/manage/place_detail.html",
        {
            "place": place,
            "criteria": status,
            "missing": [criterion for criterion, met in status if not met],
            "criteria_form": ManualCriteriaForm(initial={"criteria": declared}),
            "has_manual_criteria": can_edit and any(criterion.is_manual for criterion, _met in status),
            "transitions": quality.QUALIFICATION.history(place).reverse(),
            "reports": place.reports.pending() if perms.can_moderate_reports(request.user, place) else [],
            "needs_update": quality.stale_places().filter(pk=place.pk).exists(),  # the lists' rule
            "week": _week(place),
            "can_request": can_edit and quality.can_transition(place, "request"),
            "can_decide": bool(
                set(DecisionForm.DECISIONS)
                & {item.name for item in quality.QUALIFICATION.allowed_transitions(place, request.user)}
            ),
            "review_flag": quality.review_flag(place),
            "personal_contacts": contacts.place_personal_contacts(place),
            "unrecognised": unrecognised_values(place),
            "can_edit": can_edit,
        },
    )


@require_POST
def unrecognised_dismiss(request, pk):
    place = _place(request, pk, allowed=perms.can_edit_place)
    try:
        dismissed = services.dismiss_unrecognised(request.user, place, request.POST.get("column", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        shown = ", ".join(f"« {value} »" for value in dismissed)
        messages.success(request, f"C'est noté : {shown} ne seront plus affichées sur cette fiche.")
    return redirect("www:places_manage:detail", pk=place.pk)


@require_POST
def criteria_declare(request, pk):
    place = _place(request, pk, allowed=perms.can_edit_place)
    form = ManualCriteriaForm(request.POST)
    if form.is_valid():
        try:
            quality.declare_manual_criteria(request.user, place, [c.pk for c in form.cleaned_data["criteria"]])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Les critères déclarés sont enregistrés.")
    else:
        messages.error(request, "Ces critères n'existent pas ou plus : rechargez la page.")
    return redirect("www:places_manage:detail", pk=place.pk)


@require_POST
def qualification_request(request, pk):
    place = _place(request, pk, allowed=perms.can_edit_place)
    try:
        quality.request_qualification(request.user, place)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "La demande de qualification est envoyée au coordinateur de votre territoire.")
    return redirect("www:places_manage:detail", pk=place.pk)


@require_GET
def qualification_queue(request):
    """Requests to decide, then qualified places flagged "à revoir" (their hours or contacts changed)."""
    if not perms.may_decide_any_qualification(request.user):
        raise PermissionDenied("Cette page est réservée aux coordinateurs territoriaux.")
    scope = perms.coordinated_places(request.user)
    queryset = scope.filter(qualification_state=QualificationState.REQUESTED)
    flagged_all = quality.flagged_for_review(scope)
    flagged = list(
        flagged_all.select_related("structure", "follow_up").order_by("follow_up__review_flagged_at", "pk")[:PAGE_SIZE]
    )
    flagged_count = len(flagged) if len(flagged) < PAGE_SIZE else flagged_all.count()
    for place in flagged:
        place.review_labels = quality.field_labels(place.follow_up.review_fields)
    return render(
        request,
        "www/places/manage/qualification_queue.html",
        {"page": _page(request, queryset), "flagged": flagged, "flagged_count": flagged_count},
    )


@require_http_methods(["GET", "POST"])
def qualification_decide(request, pk):
    place = _place(request, pk, allowed=perms.can_decide_qualification)
    allowed = [
        item.name
        for item in quality.QUALIFICATION.allowed_transitions(place, request.user)
        if item.name in DecisionForm.DECISIONS
    ]
    form = DecisionForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            decision = form.cleaned_data["decision"]
            if decision == DecisionForm.QUALIFY:
                quality.qualify(request.user, place)
                messages.success(request, f"« {place.name} » est désormais un lieu qualifié.")
            elif decision == DecisionForm.WITHDRAW:
                quality.withdraw(request.user, place, form.cleaned_data["reason"])
                messages.success(
                    request, f"La qualification de « {place.name} » est retirée. La structure verra le motif."
                )
            else:
                quality.refuse(request.user, place, form.cleaned_data["reason"])
                messages.success(
                    request, f"La qualification de « {place.name} » est refusée. La structure verra le motif."
                )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("www:places_manage:qualification_queue")
    asked_by_actor = quality.requester_id(place) == request.user.pk
    return render(
        request,
        "www/places/manage/qualification_decide.html",
        {
            "place": place,
            "form": form,
            "criteria": quality.criteria_status(place),
            "asked_by_actor": asked_by_actor and place.qualification_state == QualificationState.REQUESTED,
            "has_decisions": bool(allowed),
            "transitions": quality.QUALIFICATION.history(place).reverse()[:10],
        },
    )


@require_POST
def qualification_reviewed(request, pk):
    """The coordinator has looked at a flagged qualified place's changes: clear the "à revoir" flag."""
    place = _place(request, pk, allowed=perms.can_decide_qualification)
    try:
        cleared = quality.mark_reviewed(request.user, place)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if cleared:
            messages.success(request, f"« {place.name} » n'est plus à revoir : il reste qualifié.")
    return redirect("www:places_manage:qualification_queue")


# --- Error reports ---------------------------------------------------------------------------------


def _client_address(request) -> str:
    return rate_limit_key(request)  # the client behind the trusted proxies, as for the API's limits


@login_not_required
@require_http_methods(["GET", "POST"])
def report_create(request, pk):
    place = get_object_or_404(Place, pk=pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("www:place_reports:thanks", pk=place.pk)  # a robot: pretend it worked
        try:
            reports.submit_report(
                place,
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
                contact_email=form.cleaned_data["contact_email"],
                client_address=_client_address(request),
            )
        except ratelimit.RateLimited as error:
            form.add_error(None, error.message)
            status = 429
        except Invalid as error:
            form.add_error(None, error.message)
        else:
            return redirect("www:place_reports:thanks", pk=place.pk)
    return render(request, "www/places/manage/report_form.html", {"place": place, "form": form}, status=status)


@login_not_required
@require_GET
def report_thanks(request, pk):
    place = get_object_or_404(Place.objects.select_related("structure"), pk=pk)
    return render(request, "www/places/manage/report_thanks.html", {"place": place})


@require_GET
def report_queue(request):
    if not perms.may_moderate_any_report(request.user):
        raise PermissionDenied("Cette page est réservée aux gestionnaires de structure et aux coordinateurs.")
    state = request.GET.get("etat", ReportState.NEW)
    if state not in ReportState.values:
        state = ReportState.NEW
    queryset = reports.moderated_reports(request.user).filter(state=state).select_related("place")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "www/places/manage/report_queue.html",
        {"page": page, "state": state, "states": ReportState.choices, "state_label": ReportState(state).label},
    )


@require_POST
def report_resolve(request, report_pk):
    report = get_object_or_404(
        PlaceReport.objects.select_related("place__structure", "place__commune_ref"), pk=report_pk
    )
    if not perms.can_moderate_reports(request.user, report.place):
        raise PermissionDenied("Vous ne pouvez pas traiter ce signalement.")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez « Prendre en compte » ou « Écarter ».")
    else:
        try:
            reports.resolve(
                request.user,
                report,
                accept=form.cleaned_data["decision"] == ResolveForm.ACCEPT,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Le signalement sur « {report.place.name} » est traité.")
    return redirect("www:places_manage:report_queue")


# --- Quality référentiel (national admins) -----------------------------------------------------------


def _require_referential_editor(request):
    if not perms.can_edit_referential(request.user):
        raise PermissionDenied("Le référentiel qualité est géré par l'administration nationale.")


@require_GET
def criterion_list(request):
    _require_referential_editor(request)
    # A GROUP BY query ignores Meta.ordering: the référentiel's order is asked for explicitly.
    criteria = QualityCriterion.objects.annotate(place_count=Count("places_meeting")).order_by("order", "pk")
    return render(request, "www/places/manage/criterion_list.html", {"criteria": criteria})


@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk=None):
    _require_referential_editor(request)
    criterion = get_object_or_404(QualityCriterion, pk=pk) if pk else None
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        changed = sorted(form.changed_data)
        saved = form.save()
        record(
            request.user,
            "places.criterion.created" if criterion is None else "places.criterion.updated",
            saved,
            fields=changed,
        )
        messages.success(request, f"Le critère « {saved.label} » est enregistré.")
        return redirect("www:places_manage:criterion_list")
    return render(request, "www/places/manage/criterion_form.html", {"form": form, "criterion": criterion})


@require_POST
def criterion_toggle(request, pk):
    _require_referential_editor(request)
    criterion = get_object_or_404(QualityCriterion, pk=pk)
    criterion.is_active = not criterion.is_active
    criterion.save(update_fields=["is_active"])
    record(request.user, "places.criterion.updated", criterion, fields=["is_active"], is_active=criterion.is_active)
    state = "réactivé" if criterion.is_active else "désactivé"
    messages.success(request, f"Le critère « {criterion.label} » est {state}.")
    return redirect("www:places_manage:criterion_list")
