"""The public check of a pass, ``/pass/<code>/`` (the target of the QR code printed on it).

Public (``login_not_required``): whether the pass is valid, until when, where it can be used (the accepting places
as a list, nearest first when the person says where they are (``?ou=`` a commune or a postal code, no JavaScript
needed), and on the same map as the places directory: vendored Leaflet, the site's own tiles or a plain
background; the list is the map's accessible equivalent), and if it was used, the date only. Never anything
about the person who holds it (the commune typed is not stored). An unknown code answers 404 with a plain message,
a mistyped one 400 with what is wrong. Look-ups are limited per client address (its /64 for IPv6, behind the trusted
proxies: ``cordee.core.net.rate_limit_key``) so that nobody can try codes in bulk: past the limit, a 429 page says
how long to wait.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cordee.core import ratelimit
from cordee.core.errors import Invalid
from cordee.core.net import rate_limit_key
from cordee.pass_numerique import codes
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Pass
from cordee.www.maps import commune_labels, map_settings
from cordee.www.pass_numerique import places as pass_places
from cordee.www.places import where as where_module

# Look-ups per address within the window (settings PASS_CHECK_RATE = (count, seconds)).
DEFAULT_RATE = (30, 10 * 60)
PLACES_SHOWN = 20
# Places compared by distance when the person says where they are (a département holds a few hundred at most).
PLACES_COMPARED = 5000


def _rate() -> tuple[int, int]:
    return tuple(getattr(settings, "PASS_CHECK_RATE", DEFAULT_RATE))


def too_many_lookups(request) -> int:
    """Count this look-up; the seconds to wait if the address is over the limit, else 0."""
    attempts, window = _rate()
    try:
        ratelimit.check_and_count(ratelimit.Limit("pass-check", attempts, window), rate_limit_key(request))
    except ratelimit.RateLimited as error:
        return error.retry_after
    return 0


def _throttled(request, wait: int):
    minutes = max(1, math.ceil(wait / 60))
    response = render(
        request,
        "www/pass_numerique/check_throttled.html",
        {"minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@login_not_required
@require_GET
def check_form(request):
    """A form to type a code; it leads to the check page of that code."""
    text = request.GET.get("code", "").strip()
    if text:
        # Only letters and digits go into the address (a typed "/" or "?" would make another address); the
        # check page then says whether the code is well formed.
        typed = "".join(symbol for symbol in codes.normalise(text) if symbol.isascii() and symbol.isalnum())
        return redirect("www:pass_numerique:check", code=typed[:40] or "-")
    return render(request, "www/pass_numerique/check_form.html", {"typed": ""})


def status_of(item: Pass, today) -> dict:
    """What the public may know of a pass: its state in plain words, and dates (never a person)."""
    order = item.order
    usable_until = order.valid_until
    status = {"state": item.state, "valid": False, "usable_until": usable_until, "title": "", "text": ""}
    if item.state == PassState.REDEEMED:
        redemption = getattr(item, "redemption", None)
        when = order.local_date(redemption.redeemed_at) if redemption else None
        status.update(title="Ce pass a déjà été utilisé", used_on=when)
    elif item.state == PassState.CANCELLED:
        status.update(
            title="Ce pass a été annulé",
            text="Il ne peut plus être utilisé. Adressez-vous à la structure qui vous l'a remis.",
        )
    elif item.state == PassState.EXPIRED or today > order.last_valid_day:
        status.update(title="Ce pass a expiré", text=f"Il était valable jusqu'au {usable_until:%d/%m/%Y}.")
    elif item.state in (PassState.IN_STOCK, PassState.ALLOCATED):
        status.update(
            title="Ce pass n'a pas encore été remis",
            text="La structure qui le détient doit enregistrer sa remise avant qu'il puisse être utilisé.",
        )
    elif today < order.valid_from:
        status.update(
            title="Ce pass n'est pas encore valable",
            text=f"Il pourra être utilisé à partir du {order.valid_from:%d/%m/%Y}.",
        )
    else:
        status.update(valid=True, title="Ce pass est valable")
        if today > order.valid_until:  # the tolerance after the printed end date: say until when, plainly
            status.update(
                usable_until=order.last_valid_day,
                text=(
                    f"La date de fin imprimée sur le pass ({order.valid_until:%d/%m/%Y}) est passée, mais les lieux "
                    f"l'acceptent encore jusqu'au {order.last_valid_day:%d/%m/%Y}."
                ),
            )
    return status


@login_not_required
@require_GET
def check(request, code):
    wait = too_many_lookups(request)
    if wait:
        return _throttled(request, wait)
    typed = codes.display(codes.normalise(code))
    try:
        normalised = codes.parse(code)
    except Invalid as error:
        return render(
            request, "www/pass_numerique/check_form.html", {"typed": typed, "error": error.message}, status=400
        )
    item = Pass.objects.select_related("order__funder", "redemption").filter(code=normalised).order_by().first()
    if item is None:
        return render(
            request,
            "www/pass_numerique/check_form.html",
            {
                "typed": typed,
                "error": "Aucun pass ne porte ce code. Vérifiez chaque caractère : un pass a été imprimé avec "
                "un code de 14 caractères, par exemple K7M3-XQ9P-2WRT-HB.",
            },
            status=404,
        )
    order = item.order
    today = order.local_date(timezone.now())
    status = status_of(item, today)
    near = Near()
    places = []
    if status["valid"]:
        near = _near(request.GET.get("ou", ""))
        places = _places_shown(order, near)
    return render(
        request,
        "www/pass_numerique/check.html",
        {
            "display_code": codes.display(item.code),
            "status": status,
            "order": order,
            "value_cents": item.value_cents,
            "places": places,
            "near": near,
            "map_data": _map_data(places, near),
            "search_url": reverse("www:places:search") + "?pass_numerique=1",
            **map_settings(),
        },
    )


@dataclass
class Near:
    """Where the person said they are (``?ou=``): what they typed, the point found, or what went wrong."""

    typed: str = ""
    label: str = ""
    lat: float | None = None
    lon: float | None = None
    error: str = ""

    @property
    def found(self) -> bool:
        return self.lat is not None and self.lon is not None


def _near(text: str) -> Near:
    typed = " ".join(str(text or "").split())[:100]
    if not typed:
        return Near()
    where = where_module.resolve(typed)
    if where.found:
        return Near(typed=typed, label=where.label, lat=where.lat, lon=where.lon)
    if where.choices:
        names = ", ".join(f"{commune.name} ({commune.departement_id})" for commune in where.choices[:5])
        return Near(typed=typed, error=f"Plusieurs communes s'appellent ainsi : ajoutez le code postal ({names}).")
    return Near(typed=typed, error=where.error or "Commune introuvable : indiquez son nom ou son code postal.")


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _places_shown(order, near: Near) -> list:
    """The accepting places to show: nearest first (with their distance) when the person said where, else by name."""
    accepted = pass_places.accepted_places(order)
    if not near.found:
        return list(accepted.order_by("name", "pk")[:PLACES_SHOWN])
    located = accepted.filter(latitude__isnull=False, longitude__isnull=False).order_by("pk")
    points = located.values_list("pk", "latitude", "longitude")[:PLACES_COMPARED]
    distances = {pk: _distance_km(near.lat, near.lon, lat, lon) for pk, lat, lon in points}
    nearest = sorted(distances, key=lambda pk: (distances[pk], pk))[:PLACES_SHOWN]
    by_pk = accepted.in_bulk(nearest)
    places = []
    for pk in nearest:
        place = by_pk[pk]
        place.distance_km = round(distances[pk], 1)
        places.append(place)
    return places


def _map_data(places, near: Near) -> dict:
    """The map of the listed places (the same as the list, which is its accessible equivalent). Places only:
    nothing about the person, whose typed commune is only the map's centre."""
    markers = [
        {
            "name": place.name,
            "lat": place.latitude,
            "lon": place.longitude,
            "url": reverse("www:places:detail", args=[place.pk]),
            "address": f"{place.address} {place.postal_code} {place.commune_name}".strip(),
        }
        for place in places
        if place.latitude is not None and place.longitude is not None
    ]
    center = [near.lat, near.lon] if near.found else None
    points = ([(near.lat, near.lon)] if near.found else []) + [(item["lat"], item["lon"]) for item in markers]
    return {"center": center, "places": markers, "communes": commune_labels(points)}
