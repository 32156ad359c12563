"""Search of the places directory: the one search behind the API and the public pages.

``parse_query`` turns request parameters into a ``PlaceQuery`` (or a ``SearchError`` listing every bad
parameter, in French); ``search`` turns a query into a ``PlaceSearch`` (count, pages of ``PlaceHit``).

How it stays fast at national scale (100,000 places) on SQLite and PostgreSQL alike, without GIS:
- around a point, a bounding box on the indexed (latitude, longitude) keeps the candidates few; the radius
  filter and the order use an equirectangular squared distance written as plain arithmetic (the cosine of
  the mean latitude is expanded to first order around the query's latitude, computed here in Python), so
  no trigonometric SQL function is needed; the distance shown is the exact great-circle one, computed in
  Python for the hits of the page only;
- multi-valued filters are bitmask tests (``PlaceQuerySet``);
- "open at" is an EXISTS on the precomputed typical-week intervals; the few places whose hours depend on
  dates (public holidays, months…) are evaluated with the parser, only among the candidates left by the
  other filters, with the parsed expressions kept in a bounded in-process cache.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import BooleanField, Exists, FloatField, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cordee.places import enums
from cordee.places.fields import MULTI_ENUM_BY_FIELD
from cordee.places.hours import (
    DAY_MINUTES,
    SLOT_MINUTES,
    is_open_local,
    is_open_local_during,
    is_public_holiday,
    minute_of_week,
)
from cordee.places.models import Place, PlaceOpeningInterval
from cordee.territories import local_time
from cordee.territories.enums import TerritoryKind
from cordee.territories.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from cordee.territories.models import territory_q
from cordee.territories.normalize import CODE_INSEE_RE, DEPARTEMENT_RE, departement_code_from, search_key

DEFAULT_RADIUS_KM = 20.0
MAX_RADIUS_KM = 100.0
MAX_Q_LENGTH = 100
TRUE_WORDS = {"true", "1", "oui", "yes", "on"}
FALSE_WORDS = {"false", "0", "non", "no", "off"}
DEGREE = math.pi / 180
# Below this many matches per place asked, sorting them all is cheaper than narrowing the circle first.
SMALL_RESULT_FACTOR = 4

# Query parameter → (PlaceQuery attribute, Place field of the standard's closed list).
ENUM_PARAMETERS = {
    "services": "services",
    "publics": "publics",
    "prise_en_charge": "specific_support",
    "frais": "fees",
    "modalites_accompagnement": "support_modes",
}
BOOLEAN_PARAMETERS = ("pass_numerique", "qualified", "open_now")
# What ``place_is_open`` reads of a place.
OPEN_NOW_FIELDS = ("hours_status", "opening_hours", "departement_code", "latitude", "longitude")

# (south, north, west, east) boxes of where the places of each time zone are, to leave the zone out of the SQL of
# a search around a point (the usual case) when the circle touches one zone only.
ZONE_BOXES = {
    "Europe/Paris": [(41.2, 51.2, -5.3, 9.7)],  # metropolitan France and Corsica
    "America/Guadeloupe": [(15.8, 16.6, -61.9, -60.9)],
    "America/Martinique": [(14.3, 14.95, -61.3, -60.75)],
    "America/Cayenne": [(2.0, 6.0, -55.0, -51.0)],
    "Indian/Reunion": [(-21.45, -20.8, 55.1, 55.9)],
    "America/Miquelon": [(46.7, 47.2, -56.5, -56.0)],
    "Indian/Mayotte": [(-13.1, -12.55, 44.9, 45.35)],
    "America/St_Barthelemy": [(17.85, 17.98, -62.95, -62.75)],
    "America/Marigot": [(18.0, 18.2, -63.2, -62.95)],
    "Pacific/Wallis": [(-14.5, -13.1, -178.3, -176.0)],
    "Pacific/Tahiti": [(-28.0, -7.0, -155.0, -134.0)],
    "Pacific/Noumea": [(-23.0, -19.0, 163.5, 169.0)],
}
FIRST_YEAR, LAST_YEAR = 1900, 2199  # open_at outside these years says nothing useful (and overflows)


class SearchError(ValueError):
    """Bad search parameters. ``errors`` maps each parameter to a French message a person can act on."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name} : {message}" for name, message in self.errors.items()))


@dataclass
class PlaceQuery:
    lat: float | None = None
    lon: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    code_insee: str = ""
    departement: str = ""
    services: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    prise_en_charge: list[str] = field(default_factory=list)
    frais: list[str] = field(default_factory=list)
    modalites_accompagnement: list[str] = field(default_factory=list)
    pass_numerique: bool | None = None
    qualified: bool | None = None
    # Aware: an instant, each place judged at that instant in its own time zone. Naive: a wall-clock time at each
    # place ("open at 10:00" is 10:00 where the place is). See cordee.territories.local_time.resolve for the local
    # times that do not exist or exist twice.
    open_at: dt.datetime | None = None
    # (start, end), naive, the same day, on half hours: open at some time in between, wall-clock time at each place
    # ("samedi matin").
    open_during: tuple[dt.datetime, dt.datetime] | None = None
    q: str = ""

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


# ---------------------------------------------------------------------------------------------------------
# Parameters


def _values(params, name) -> list[str]:
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name, [])
        raw = list(raw) if isinstance(raw, list | tuple) else [raw]
    return [str(value).strip() for value in raw if value is not None and str(value).strip()]


def _value(params, name) -> str:
    values = _values(params, name)
    return values[-1] if values else ""


def _number(text):
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _boolean(text):
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_query(params) -> PlaceQuery:
    """Read the search parameters (a QueryDict, or a dict of lists or of strings).

    Raises ``SearchError`` with every bad parameter at once.
    """
    errors: dict[str, str] = {}
    query = PlaceQuery()

    for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        text = _value(params, name)
        if text:
            number = _number(text)
            if number is None or not low <= number <= high:
                errors[name] = f"{name} doit être un nombre entre {low} et {high} (degrés décimaux, ex. 46.17)"
            else:
                setattr(query, name, number)
    lat_given, lon_given = bool(_value(params, "lat")), bool(_value(params, "lon"))
    if lat_given and not lon_given:
        errors["lon"] = "lon est obligatoire avec lat : indiquez les deux coordonnées du point"
    elif lon_given and not lat_given:
        errors["lat"] = "lat est obligatoire avec lon : indiquez les deux coordonnées du point"

    text = _value(params, "radius_km")
    if text:
        number = _number(text)
        if number is None or not 0 < number <= MAX_RADIUS_KM:
            errors["radius_km"] = f"radius_km doit être un nombre entre 0 et {MAX_RADIUS_KM:g}"
        else:
            query.radius_km = number

    code_insee = _value(params, "code_insee").upper()
    if code_insee and not CODE_INSEE_RE.match(code_insee):
        errors["code_insee"] = (
            f"« {code_insee} » n'est pas un code INSEE de commune (5 caractères, ex. 23096 ou 2A004)"
        )
    query.code_insee = code_insee
    departement = _value(params, "departement").upper()
    if departement and not DEPARTEMENT_RE.match(departement):
        errors["departement"] = f"« {departement} » n'est pas un code de département (ex. 23, 2A ou 974)"
    query.departement = departement

    for name, model_field in ENUM_PARAMETERS.items():
        allowed = MULTI_ENUM_BY_FIELD[model_field].values
        values = list(dict.fromkeys(_values(params, name)))
        unknown = [value for value in values if value not in allowed]
        if unknown:
            errors[name] = (
                f"valeur inconnue pour {name} : {', '.join(f'« {value} »' for value in unknown)}. "
                f"Valeurs possibles : {', '.join(f'« {value} »' for value in allowed)}"
            )
        setattr(query, name, [value for value in values if value in allowed])

    flags = {}
    for name in BOOLEAN_PARAMETERS:
        text = _value(params, name)
        if text:
            flags[name] = _boolean(text)
            if flags[name] is None:
                errors[name] = f"{name} doit valoir true ou false (ou 1/0, oui/non)"
    query.pass_numerique = flags.get("pass_numerique")
    query.qualified = flags.get("qualified")

    text = _value(params, "open_at")
    if text:
        try:
            query.open_at = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            errors["open_at"] = (
                f"« {text} » n'est pas une date et heure ISO 8601 (ex. 2025-06-02T10:00, heure locale de chaque "
                "lieu, ou 2025-06-02T10:00+02:00, un instant précis)"
            )
        else:
            if not FIRST_YEAR <= query.open_at.year <= LAST_YEAR:
                errors["open_at"] = f"open_at doit être une date entre {FIRST_YEAR} et {LAST_YEAR}"
                query.open_at = None
        if flags.get("open_now"):
            errors["open_now"] = "open_now et open_at ne peuvent pas être utilisés ensemble"
    elif flags.get("open_now"):
        query.open_at = timezone.now()

    text = _value(params, "open_during")
    if text:
        query.open_during = _interval(text, errors)
        if query.open_during and (query.open_at is not None or flags.get("open_now")):
            errors["open_during"] = "open_during ne peut pas être utilisé avec open_at ou open_now"

    q = _value(params, "q")
    if len(q) > MAX_Q_LENGTH:
        errors["q"] = f"q ne doit pas dépasser {MAX_Q_LENGTH} caractères"
    query.q = q

    if errors:
        raise SearchError(errors)
    return query


def _interval(text: str, errors: dict) -> tuple[dt.datetime, dt.datetime] | None:
    """``2025-06-07T08:00/2025-06-07T12:00``: a part of one day, in local time, on half hours."""
    example = "ex. 2025-06-07T08:00/2025-06-07T12:00, heure locale de chaque lieu"
    start_text, _, end_text = text.partition("/")
    try:
        start, end = dt.datetime.fromisoformat(start_text), dt.datetime.fromisoformat(end_text)
    except ValueError:
        errors["open_during"] = f"« {text} » n'est pas un intervalle ISO 8601 début/fin ({example})"
        return None
    if start.tzinfo is not None or end.tzinfo is not None:
        errors["open_during"] = f"open_during s'exprime sans décalage horaire ({example})"
    elif not FIRST_YEAR <= start.year <= LAST_YEAR:
        errors["open_during"] = f"open_during doit être une date entre {FIRST_YEAR} et {LAST_YEAR}"
    elif start.date() != end.date() or start >= end:
        errors["open_during"] = (
            f"open_during doit être une partie d'une même journée, la fin après le début ({example})"
        )
    elif any(moment.minute % SLOT_MINUTES or moment.second or moment.microsecond for moment in (start, end)):
        errors["open_during"] = f"open_during commence et finit à l'heure ou à la demie ({example})"
    else:
        return start, end
    return None


# ---------------------------------------------------------------------------------------------------------
# Search


@dataclass
class PlaceHit:
    place: Place
    distance_km: float | None = None
    # Open at the query's open_at (or now when open_now was asked, or now when no time was asked);
    # None when the hours are unknown or unreadable.
    open_now: bool | None = None


class PlaceSearch:
    """The result of a search: ``count``, ``page(number, size)`` and the ordered ``queryset``."""

    def __init__(self, query: PlaceQuery, queryset, moment: dt.datetime, filtered=None):
        self.query = query
        self.queryset = queryset
        self.moment = moment
        self._filtered = filtered  # every filter but the circle, to look in a smaller circle first

    def only(self, *fields) -> "PlaceSearch":
        """Load only these fields of the places (plus the primary key and what ``open_now`` of the hits needs)."""
        fields = tuple(dict.fromkeys([*fields, *OPEN_NOW_FIELDS]))
        self.queryset = self.queryset.only(*fields)
        if self._filtered is not None:
            self._filtered = self._filtered.only(*fields)
        return self

    @cached_property
    def count(self) -> int:
        return self.queryset.order_by().count()

    def page(self, number: int, size: int) -> list[PlaceHit]:
        """Hits of page ``number`` (from 1) of ``size`` places."""
        number, size = max(int(number), 1), max(int(size), 1)
        start = (number - 1) * size
        return self.hits(self._slice(start, start + size))

    def _slice(self, start: int, stop: int) -> list[Place]:
        """Places start..stop of the order. Around a point with many matches, sorting all of them would cost
        most of the time: look first in a smaller circle expected to hold about twice the places needed. Every
        place of that circle is nearer than any place outside it, so when it holds ``stop`` places its first
        ones are the answer; else widen it."""
        query = self.query
        if self._filtered is None or self.count <= stop * SMALL_RESULT_FACTOR:
            return list(self.queryset[start:stop])
        radius = query.radius_km * math.sqrt(2.0 * stop / self.count)
        while radius < query.radius_km:
            nearer = _around(self._filtered, query.lat, query.lon, radius).order_by("distance2", "name", "pk")
            places = list(nearer[start:stop])
            if len(places) == stop - start:
                return places
            radius *= 2
        return list(self.queryset[start:stop])

    def hits(self, places) -> list[PlaceHit]:
        query = self.query
        result = []
        for place in places:
            distance = None
            if query.has_point and place.has_point:
                distance = haversine_km(query.lat, query.lon, place.latitude, place.longitude)
            if query.open_during:
                opened = place_is_open_during(place, *query.open_during)
            else:
                opened = place_is_open(place, self.moment)
            result.append(PlaceHit(place=place, distance_km=distance, open_now=opened))
        return result


def search(query: PlaceQuery, *, using: str | None = None) -> PlaceSearch:
    """Places matching ``query``: by distance when a point is given (ties by name, then id), else by name."""
    if query.lat is not None and query.lon is None:
        raise SearchError({"lon": "lon est obligatoire avec lat : indiquez les deux coordonnées du point"})
    if query.lon is not None and query.lat is None:
        raise SearchError({"lat": "lat est obligatoire avec lon : indiquez les deux coordonnées du point"})
    using = using or settings.READ_DATABASE
    queryset = Place.objects.using(using).without_copies()

    if query.code_insee:
        # The one rule of "in this commune" (its municipal arrondissements included): cordee.territories.
        queryset = queryset.filter(territory_q(TerritoryKind.COMMUNE, query.code_insee, "commune_ref__"))
    if query.departement:
        # The département a place is in is stored on it (departement_code, indexed, derived from its code INSEE
        # or postal code at save): no join on the most frequent search, and places of an unknown commune count.
        queryset = queryset.in_departement(query.departement)
    queryset = (
        queryset.with_services(query.services)
        .with_publics(query.publics)
        .with_prise_en_charge(query.prise_en_charge)
        .with_frais(query.frais)
        .with_modalites_accompagnement(query.modalites_accompagnement)
    )
    if query.pass_numerique is not None:
        queryset = queryset.filter(accepts_pass_numerique=query.pass_numerique)
    if query.qualified is True:
        queryset = queryset.qualified()
    elif query.qualified is False:
        queryset = queryset.exclude(qualification_state=enums.QualificationState.QUALIFIED)
    for word in search_key(query.q).split():
        queryset = queryset.filter(search_name__contains=word)

    moment = query.open_at
    if moment is not None:
        candidates = _around(queryset, query.lat, query.lon, query.radius_km) if query.has_point else queryset
        queryset = _open_at(queryset, candidates, moment, zones_in_play(query))
    if query.open_during is not None:
        candidates = _around(queryset, query.lat, query.lon, query.radius_km) if query.has_point else queryset
        queryset = _open_during(queryset, candidates, *query.open_during)
    if not query.has_point:
        return PlaceSearch(query, queryset.order_by("name", "pk"), moment or timezone.now())
    around = _around(queryset, query.lat, query.lon, query.radius_km).order_by("distance2", "name", "pk")
    return PlaceSearch(query, around, moment or timezone.now(), filtered=queryset)


def _around(queryset, lat0, lon0, radius_km):
    """Places within ``radius_km`` of the point, with a ``distance2`` alias (squared km) to order by.

    Equirectangular projection at the mean latitude, cos(φm) ≈ cos φ0 − sin φ0 · (φ − φ0) / 2: relative error
    below 10⁻⁴ within 100 km in France, and only additions and products in SQL.
    """
    south, north, west, east = bounding_box(lat0, lon0, radius_km)
    cos0, sin0 = math.cos(lat0 * DEGREE), math.sin(lat0 * DEGREE)
    scale = EARTH_RADIUS_KM * DEGREE  # km per degree of latitude
    # north = Δφ·scale; east = Δλ·(scale·cos φ0 − Δφ·scale·sin φ0·π/360). Raw SQL: the same expression as ORM
    # nodes costs milliseconds per request to build and compile.
    lat, lon = f'"{Place._meta.db_table}"."latitude"', f'"{Place._meta.db_table}"."longitude"'
    north_km = f"(({lat} - %s) * %s)"
    east_km = f"(({lon} - %s) * (%s - ({lat} - %s) * %s))"
    north_params = [lat0, scale]
    east_params = [lon0, scale * cos0, lat0, scale * sin0 * DEGREE / 2]
    distance2 = RawSQL(
        f"({north_km} * {north_km} + {east_km} * {east_km})",
        [*north_params, *north_params, *east_params, *east_params],
        output_field=FloatField(),
    )
    return (
        queryset.in_bbox(south, west, north, east)
        .alias(distance2=distance2)
        .filter(distance2__lte=radius_km * radius_km)
    )


def zones_in_play(query: PlaceQuery) -> list[str]:
    """Names of the time zones the places of the search may be in: one for a département, a commune, or a circle
    within one zone's box; every zone otherwise (a national search)."""
    everywhere = [local_time.DEFAULT_TIME_ZONE, *local_time.zones()]
    code = query.departement or departement_code_from(query.code_insee)
    if code:
        return [local_time.time_zone_name(code)]
    if query.has_point:
        south, north, west, east = bounding_box(query.lat, query.lon, query.radius_km)
        touched = [
            name
            for name, boxes in ZONE_BOXES.items()
            if any(s <= north and south <= n and w <= east and west <= e for s, n, w, e in boxes)
        ]
        if touched:
            return touched
    return everywhere


def _open_at(queryset, candidates, moment: dt.datetime, zone_names: list[str]):
    """Places open at ``moment``: typical-week intervals in SQL, the parser for the hours the typical week cannot
    answer among the ``candidates`` (the places left by the other filters): hours depending on dates, and on a
    public holiday the hours with a rule of their own for holidays.

    Each place is judged at its own local time: the zones whose wall-clock time is the same (all of them for a
    naive ``moment``, but at a clock change) share one condition, selected by département code.
    """
    groups: dict[dt.datetime, list[str]] = {}
    for name in zone_names:
        groups.setdefault(local_time.wall_clock(moment, local_time.zone(name)), []).append(name)
    needs_parser_any = Q(hours_need_parser=True)
    for local in groups:
        holiday = _holiday_condition(local.date())
        if holiday is not None:
            needs_parser_any |= holiday
    if len(groups) == 1:  # one local time (a wall-clock time, or one zone in play): no zone condition
        local = next(iter(groups))
        by_week = _week_condition(local)
        if (holiday := _holiday_condition(local.date())) is not None:
            by_week &= ~holiday
    else:
        by_week = Q(_zones_condition(groups))
    by_week &= Q(hours_status=enums.HoursStatus.VALID, hours_need_parser=False)

    candidates = (
        candidates.filter(needs_parser_any, hours_status=enums.HoursStatus.VALID)
        .values_list("pk", "opening_hours", "latitude", "longitude", "departement_code")
        .order_by()
    )
    states = {}  # the same expression at the same rounded place answers the same
    open_ids = []
    for pk, expr, lat, lon, departement in candidates:
        key = (expr, departement, None if lat is None else round(lat, 1), None if lon is None else round(lon, 1))
        if key not in states:
            states[key] = is_open_local(expr, departement, moment, lat, lon)
        if states[key]:
            open_ids.append(pk)
    return queryset.filter(by_week | Q(pk__in=open_ids)) if open_ids else queryset.filter(by_week)


def _week_condition(local: dt.datetime) -> Q:
    """Open at this local wall-clock time by the typical week: the half-hour masks answer for the slots open
    throughout; the intervals only for slots open in part."""
    minute = minute_of_week(local)
    day, minute_of_day = divmod(minute, DAY_MINUTES)
    bit = 1 << (minute_of_day // SLOT_MINUTES)
    in_interval = Exists(
        PlaceOpeningInterval.objects.filter(place=OuterRef("pk"), start_minute__lte=minute, end_minute__gt=minute)
    )
    table = Place._meta.db_table
    in_week = RawSQL(f'("{table}"."hours_full_{day}" & %s) <> 0', [bit], output_field=BooleanField())
    in_part = RawSQL(f'("{table}"."hours_partial_{day}" & %s) <> 0', [bit], output_field=BooleanField())
    return Q(in_week) | (Q(in_part) & in_interval)


def _holiday_condition(day: dt.date) -> Q | None:
    """The places with rules of their own for public holidays, for which ``day`` is one (None: no place)."""
    if is_public_holiday(day):
        return Q(hours_on_holidays=True)
    codes = local_time.departements_on_local_holiday(day)
    if codes:
        return Q(hours_on_holidays=True, departement_code__in=sorted(codes))
    return None


def _zones_condition(groups: dict[dt.datetime, list[str]]) -> RawSQL:
    """Open by the typical week, each place at the local time of its zone: one condition per group of zones with
    the same local time, the zone tested first (by département code; Europe/Paris: every code of no other zone).

    Raw SQL, as for the distance: the same conditions as ORM nodes (an EXISTS per group) cost more to build and
    compile than the query takes to run."""
    zone_codes = local_time.zones()
    table = f'"{Place._meta.db_table}"'
    intervals = f'"{PlaceOpeningInterval._meta.db_table}"'
    place_column = PlaceOpeningInterval._meta.get_field("place").column
    code = f'{table}."departement_code"'
    sql, params = [], []

    def codes_in(codes, negate=False):
        params.extend(codes)
        return f"{code} {'NOT IN' if negate else 'IN'} ({', '.join(['%s'] * len(codes))})"

    for local, names in groups.items():
        parts = []
        if local_time.DEFAULT_TIME_ZONE in names:
            others = sorted(code for name, codes in zone_codes.items() if name not in names for code in codes)
            if others:
                parts.append(codes_in(others, negate=True))
        else:
            parts.append(codes_in(sorted(code for name in names for code in zone_codes.get(name, []))))
        minute = minute_of_week(local)
        day, minute_of_day = divmod(minute, DAY_MINUTES)
        bit = 1 << (minute_of_day // SLOT_MINUTES)
        parts.append(
            f'(({table}."hours_full_{day}" & %s) <> 0 OR (({table}."hours_partial_{day}" & %s) <> 0 AND EXISTS '
            f'(SELECT 1 FROM {intervals} WHERE {intervals}."{place_column}" = {table}."{Place._meta.pk.column}" '
            f'AND {intervals}."start_minute" <= %s AND {intervals}."end_minute" > %s)))'
        )
        params.extend([bit, bit, minute, minute])
        if is_public_holiday(local.date()):
            parts.append(f'NOT {table}."hours_on_holidays"')
        elif holiday_codes := sorted(local_time.departements_on_local_holiday(local.date())):
            parts.append(f'NOT ({table}."hours_on_holidays" AND {codes_in(holiday_codes)})')
        sql.append(f"({' AND '.join(parts)})")
    return RawSQL(f"({' OR '.join(sql)})", params, output_field=BooleanField())


def _open_during(queryset, candidates, start: dt.datetime, end: dt.datetime):
    """Places open at some time between ``start`` and ``end`` (the same day, on half hours, wall-clock time at each
    place): a slot of the window open throughout or in part is enough, so the masks answer exactly; the parser
    for the hours the typical week cannot answer, as for ``_open_at``."""
    day = start.weekday()
    first = (start.hour * 60 + start.minute) // SLOT_MINUTES
    last = (end.hour * 60 + end.minute) // SLOT_MINUTES  # exclusive
    bits = ((1 << last) - 1) ^ ((1 << first) - 1)
    table = Place._meta.db_table
    in_window = RawSQL(
        f'(("{table}"."hours_full_{day}" | "{table}"."hours_partial_{day}") & %s) <> 0',
        [bits],
        output_field=BooleanField(),
    )
    needs_parser = Q(hours_need_parser=True)
    holiday = _holiday_condition(start.date())
    if holiday is not None:
        needs_parser |= holiday
    candidates = (
        candidates.filter(needs_parser, hours_status=enums.HoursStatus.VALID)
        .values_list("pk", "opening_hours", "latitude", "longitude", "departement_code")
        .order_by()
    )
    open_ids = [
        pk
        for pk, expr, lat, lon, departement in candidates
        if is_open_local_during(expr, departement, start, end, lat, lon)
    ]
    by_week = Q(hours_status=enums.HoursStatus.VALID) & ~needs_parser & Q(in_window)
    return queryset.filter(by_week | Q(pk__in=open_ids)) if open_ids else queryset.filter(by_week)


def place_is_open_during(place: Place, start: dt.datetime, end: dt.datetime) -> bool | None:
    """Open at some time between ``start`` and ``end`` (wall-clock time at the place); None when hours unknown."""
    if place.hours_status != enums.HoursStatus.VALID:
        return None
    return is_open_local_during(
        place.opening_hours, place.departement_code, start, end, place.latitude, place.longitude
    )


def place_is_open(place: Place, moment: dt.datetime) -> bool | None:
    """Open at ``moment`` (aware: an instant; naive: a wall-clock time at the place), in the place's time zone and
    with the public holidays of its département; None when the place's hours are unknown or unreadable."""
    if place.hours_status != enums.HoursStatus.VALID:
        return None
    return is_open_local(place.opening_hours, place.departement_code, moment, place.latitude, place.longitude)
