"""Public pages of the places directory: the search (list and map) and the page of a place."""

import math
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from cordee.places import hours_text, perms
from cordee.places.models import Place
from cordee.places.search import SearchError, parse_query, search
from cordee.www.maps import commune_labels, map_settings
from cordee.www.places import where as where_module
from cordee.www.places.forms import PlaceSearchForm
from cordee.www.places.presentation import describe_place, hit_rows
from cordee.www.templatetags.cordee_text import of

PAGE_SIZE = 20
MAX_MARKERS = 500
FORM_PARAMETERS = set(PlaceSearchForm.base_fields)


def _coordinate(text, low, high):
    try:
        number = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _map_settings():
    return map_settings()


@login_not_required
def place_search(request):
    submitted = bool(FORM_PARAMETERS.intersection(request.GET))
    form = PlaceSearchForm(request.GET if submitted else None)
    context = {
        "form": form,
        "submitted": submitted,
        "where": None,
        "results": None,
        "filters_open": _filters_open(request.GET) or bool(form.errors),
        "choice_querystring": _without(request.GET, "ou", "code_insee", "lat", "lon", "page"),
        **_map_settings(),
    }
    if submitted and form.is_valid():
        data = form.cleaned_data
        lat = _coordinate(data.get("lat"), -90, 90)
        lon = _coordinate(data.get("lon"), -180, 180)
        where = where_module.resolve(data.get("ou", ""), code_insee=data.get("code_insee", ""), lat=lat, lon=lon)
        context["where"] = where
        if where.error:
            form.add_field_error("ou", where.error)
        elif where.found:
            try:
                query = parse_query(form.search_params(where.lat, where.lon))
            except SearchError as error:
                form.add_search_errors(error.errors)
            else:
                context["results"] = _results(request, form, where, query)
    if form.is_bound and form.errors:
        context["filters_open"] = True
    title = "Trouver un lieu — Cordée"
    if form.is_bound and form.errors:
        title = f"Erreur — {title}"
    elif context["results"] is not None:
        title = f"{context['results']['summary']} — {title}"
    context["page_title"] = title
    if request.htmx and context["results"] is not None:
        return render(request, "www/places/_results.html", context)
    return render(request, "www/places/search.html", context)


def _filters_open(params) -> bool:
    """The "more criteria" part stays open when one of its criteria is set."""
    names = FORM_PARAMETERS - {"ou", "code_insee", "lat", "lon", "radius_km"}
    return any(value for name in names for value in params.getlist(name))


def _without(params, *names) -> str:
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _results(request, form, where, query):
    place_search = search(query)
    paginator = Paginator(range(place_search.count), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    hits = place_search.page(page.number, PAGE_SIZE) if place_search.count else []
    radius = f"{query.radius_km:g}"
    count = place_search.count
    where_text = "de votre position" if where.commune is None else of(where.commune.name)
    if count:
        summary = f"{count} lieu{'x' if count > 1 else ''} à moins de {radius} km {where_text}"
    else:
        summary = f"Aucun lieu à moins de {radius} km {where_text}"
    markers = [
        {"name": name, "lat": lat, "lon": lon, "url": reverse("www:places:detail", args=[pk]), "address": address}
        for pk, name, lat, lon, address in place_search.queryset.values_list(
            "pk", "name", "latitude", "longitude", "address"
        )[:MAX_MARKERS]
    ]
    moment_text = ""
    if form.cleaned_data.get("when") == "le" and query.open_at is not None:
        moment_text = hours_text.moment_text(query.open_at)
    return {
        "page": page,
        "rows": hit_rows(hits, asked_moment=moment_text),
        "count": count,
        "summary": summary,
        "page_links": _page_links(request, page),
        "map_data": {
            "center": [where.lat, where.lon],
            "radius_km": query.radius_km,
            "places": markers,
            "communes": commune_labels([(where.lat, where.lon), *((m["lat"], m["lon"]) for m in markers)]),
        },
        "markers_truncated": count > MAX_MARKERS,
        "downloads": _downloads(form.search_params(where.lat, where.lon)),
        "max_markers": MAX_MARKERS,
    }


def _downloads(params) -> dict[str, str]:
    """Links to the API's exports of the same selection (the same parameters as the search)."""
    query = urlencode({name: values for name, values in params.items() if values}, doseq=True)
    return {kind: f"{reverse(f'api:places-export-{kind}')}?{query}" for kind in ("csv", "json", "geojson")}


def _page_links(request, page):
    """Links of the pagination, keeping every filter of the search."""

    def url(number):
        params = request.GET.copy()
        params["page"] = str(number)
        return f"{reverse('www:places:search')}?{params.urlencode()}"

    paginator = page.paginator
    around = range(max(1, page.number - 2), min(paginator.num_pages, page.number + 2) + 1)
    numbers = sorted({1, paginator.num_pages, *around})
    links, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            links.append({"ellipsis": True})
        links.append({"number": number, "url": url(number), "current": number == page.number, "ellipsis": False})
        previous = number
    return {
        "numbers": links,
        "previous": url(page.number - 1) if page.has_previous() else "",
        "next": url(page.number + 1) if page.has_next() else "",
        "first": url(1) if page.number > 1 else "",
        "last": url(paginator.num_pages) if page.number < paginator.num_pages else "",
    }


def _place_map_data(place):
    if not place.has_point:
        return {"center": None, "places": [], "communes": []}
    marker = {"name": place.name, "lat": place.latitude, "lon": place.longitude, "address": place.address}
    return {
        "center": [place.latitude, place.longitude],
        "places": [marker],
        "communes": commune_labels([(place.latitude, place.longitude)], limit=15),
    }


@login_not_required
def place_detail(request, pk):
    place = get_object_or_404(Place.objects.select_related("commune_ref__departement", "structure"), pk=pk)
    now = timezone.now()
    return render(
        request,
        "www/places/detail.html",
        {
            "place": place,
            "info": describe_place(place),
            "hours": hours_text.describe(place.opening_hours, place.latitude, place.longitude, now),
            "map_data": _place_map_data(place),
            "search_url": reverse("www:places:search"),
            "can_manage": perms.can_manage_place(request.user, place),
            **_map_settings(),
        },
    )
