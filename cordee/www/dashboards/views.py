"""Statistics pages: one dashboard per view (mine, a structure, a coordinator's team, a territory, France), exports
and share links.

Every page reads its filters with ``cordee.dashboards.filters.ActivityFilters`` from the query string, and
every link it builds (exports, share link, API) carries the same query string.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cordee.activities.models import Activity
from cordee.core.errors import Invalid, NotFound
from cordee.dashboards import aggregates, exports, share
from cordee.dashboards import scope as scopes
from cordee.dashboards.filters import ActivityFilters
from cordee.dashboards.models import DashboardExport, ExportFormat, ExportWhat
from cordee.dashboards.tasks import run_export
from cordee.structures.models import Structure
from cordee.users.models import User
from cordee.www.dashboards import charts
from cordee.www.tasks import task_page, task_result

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


@require_GET
def index(request):
    return render(request, "www/dashboards/index.html", {"scopes": scopes.visible_scopes(request.user)})


@require_GET
def mine(request):
    return _dashboard(request, scopes.mediator_scope(request.user))


@require_GET
def structure(request, pk):
    return _dashboard(request, scopes.structure_scope(get_object_or_404(Structure, pk=pk)))


@require_GET
def team(request, pk):
    """A coordinator's team: its members' activities while they were members (``cordee.dashboards.scope``)."""
    scopes.check(request.user, scopes.Scope(scopes.ScopeKind.TEAM, str(pk), ""))  # 403 before saying who exists
    return _dashboard(request, scopes.team_scope(get_object_or_404(User, pk=pk)))


@require_GET
def territory(request, territory):
    return _dashboard(request, scopes.territory_scope(territory))


def page_url(scope: scopes.Scope) -> str:
    if scope.kind == scopes.ScopeKind.MEDIATOR:
        return reverse("www:dashboards:mine")
    if scope.kind == scopes.ScopeKind.STRUCTURE:
        return reverse("www:dashboards:structure", args=[int(scope.key)])
    if scope.kind == scopes.ScopeKind.TEAM:
        return reverse("www:dashboards:team", args=[int(scope.key)])
    return reverse("www:dashboards:territory", args=[scope.key])


def _dashboard(request, scope):
    scopes.check(request.user, scope)
    filters = ActivityFilters(request.GET)
    for field in filters.fields.values():
        multiple = isinstance(field.widget, forms.SelectMultiple)
        field.widget.attrs["class"] = "fr-select" if isinstance(field.widget, forms.Select) or multiple else "fr-input"
    context = {"scope": scope, "filters": filters, "page_url": page_url(scope)}
    if not filters.is_valid():
        return render(request, "www/dashboards/dashboard.html", context, status=400)
    activities = Activity.objects.using(settings.READ_DATABASE).filter(scope.q()).filter(*filters.conditions())
    figures = aggregates.compute(
        activities,
        with_geography=scope.kind != scopes.ScopeKind.MEDIATOR,
        scope=scope,
        filters=filters.cleaned_data,
    )
    query = filters.query_string()
    context.update(
        figures=figures,
        charts=(svgs := _charts(figures)),
        breakdown_charts=[(breakdown, svgs[key]) for key, breakdown in figures.breakdowns.items()],
        query=query,
        active_filters=filters.active_filters(),
        period=filters.cleaned_data,
        export_whats=ExportWhat.choices,
        export_formats=ExportFormat.choices,
        api_url=_api_url(scope, query),
        share_url=_share_url(request, scope, query),
    )
    return render(request, "www/dashboards/dashboard.html", context)


def _api_url(scope, query):
    if not scope.is_territory:
        return ""
    return reverse("api:stats-activities") + f"?territory={scope.key}" + (f"&{query}" if query else "")


def _share_url(request, scope, query):
    if not scope.is_territory:
        return ""
    token = share.make_token(request.user, scope, query)
    return request.build_absolute_uri(reverse("www:dashboards:shared", args=[token]))


def _charts(figures):
    """SVG of each chart of the page (the tables come from the figures themselves)."""
    result = {
        "month": charts.trend("Activités par mois", [(row.label, row.activities) for row in figures.by_month]),
        "day": charts.trend("Activités par jour", [(row.label, row.activities) for row in figures.by_day]),
    }
    for key, breakdown in figures.breakdowns.items():
        values = breakdown.values()
        result[key] = charts.bars(
            breakdown.title, [(row.label, value) for row, value in zip(breakdown.rows, values, strict=True)]
        )
    if figures.by_departement:
        values = {row.code: row.activities for row in figures.by_departement}
        result["map"] = charts.departement_map("Activités par département", values)
        result["legend"] = charts.legend(max(values.values()))
    return result


# --- exports ---


@require_POST
def export(request):
    """Export a dashboard's activities or figures: at once when small, in the background otherwise."""
    scope = scopes.scope_from_ref(request.POST.get("vue", ""))
    scopes.check(request.user, scope)
    what, file_format = request.POST.get("what"), request.POST.get("format")
    if what not in ExportWhat.values or file_format not in ExportFormat.values:
        raise Invalid("Choisissez le contenu et le format de l'export.", reason="bad_export")
    query = request.POST.get("query", "")
    filters = ActivityFilters(QueryDict(query))
    activities = Activity.objects.using(settings.READ_DATABASE).filter(scope.q()).filter(*filters.conditions())
    if what == ExportWhat.ACTIVITIES and activities.count() > exports.SYNC_LIMIT:
        task = DashboardExport.objects.create(
            requested_by=request.user, scope_ref=scope.ref, query=query, what=what, file_format=file_format
        )
        transaction.on_commit(lambda: run_export(task.pk))
        return redirect("www:dashboards:export_task", pk=task.pk)
    response = HttpResponse(content_type=CONTENT_TYPES[file_format])
    if what == ExportWhat.ACTIVITIES:
        exports.write(response, exports.activity_rows(activities), exports.ACTIVITY_HEADER, file_format)
    else:
        rows = exports.aggregate_rows(aggregates.compute(activities, scope=scope, filters=filters.values()))
        exports.write(response, rows, exports.AGGREGATE_HEADER, file_format)
    name = exports.filename(scope.ref, what, file_format, today=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own_export(request, pk):
    task = DashboardExport.objects.filter(pk=pk, requested_by=request.user).first()
    if task is None:
        raise Http404("Export introuvable.")
    return task


@require_GET
def export_task(request, pk):
    task = _own_export(request, pk)
    url = reverse("www:dashboards:export_task", args=[pk])
    return task_page(
        request,
        task,
        page_template="www/dashboards/export_task.html",
        status_template="www/dashboards/_export_status.html",
        context={"poll_url": url, "refresh_url": url},
    )


@require_GET
def export_file(request, pk):
    task = _own_export(request, pk)
    if not task.is_done:
        raise Http404("Le fichier n'est pas encore prêt.")
    name = exports.filename(task.scope_ref, task.what, task.file_format, today=task.created_at.date())
    return task_result(task, name, CONTENT_TYPES[task.file_format])


# --- share link ---


@login_not_required
def shared(request, token):
    """Public: a territory's statistics, aggregates only, small counts hidden (cordee.dashboards.share)."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        scope, query = share.read_token(token)
    except NotFound:
        return render(request, "www/dashboards/shared_invalid.html", status=404)
    filters = ActivityFilters(QueryDict(query))
    activities = Activity.objects.using(settings.READ_DATABASE).filter(scope.q()).filter(*filters.conditions())
    figures = aggregates.compute(activities, with_days=False, scope=scope, filters=filters.values())
    public = share.public_figures(figures)
    return render(
        request,
        "www/dashboards/shared.html",
        {"scope": scope, "public": public, "period": filters.cleaned_data, "active_filters": filters.active_filters()},
    )
