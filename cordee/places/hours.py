"""Opening hours in OpenStreetMap ``opening_hours`` syntax, parsed with ``opening-hours-py``.

Parsing and evaluating costs ~20 µs: too slow per request at national scale. So each place's typical
week is precomputed once (``weekly_intervals``, stored as ``PlaceOpeningInterval`` rows) and the parser
is only needed for expressions that depend on dates (``needs_parser``: public holidays, months, weeks…).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from opening_hours import OpeningHours, ParserError, State

from cordee.territories import local_time

WEEK_MINUTES = 7 * 24 * 60

# Mondays of weeks without any French public holiday (métropole, Alsace-Moselle and overseas), spread
# over seasons, years and week-number parities. The first one gives the typical week.
REFERENCE_MONDAYS = [
    dt.date(2024, 6, 3),
    dt.date(2024, 7, 22),
    dt.date(2024, 10, 7),
    dt.date(2024, 12, 9),
    dt.date(2025, 2, 3),
    dt.date(2025, 4, 7),
]
# Selectors whose result depends on the date beyond the day of the week and public holidays.
DATE_DEPENDENT_TOKENS = re.compile(
    r"\b(SH|easter|week|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|sunrise|sunset|dawn|dusk)\b"
    r"|\b\d{4}\b(?!:)",
    re.IGNORECASE,
)
# Public holidays: the reference weeks have none, so the typical week is exact on every other day.
HOLIDAY_TOKEN = re.compile(r"\bPH\b")
# "PH" in a selector, outside "comments": on a day known to be a holiday, "PH Mo-Fr" is "Mo-Fr" and "PH" "Mo-Su".
HOLIDAY_BEFORE_WEEKDAY = re.compile(r"\bPH\s+(?=(Mo|Tu|We|Th|Fr|Sa|Su)\b)")
QUOTED = re.compile(r'("[^"]*")')
MAX_WARNING_LENGTH = 300
PARSED_HOURS_CACHE_SIZE = 4096


@dataclass
class HoursAssessment:
    """What we know of an expression: status, French warning, typical week, dependence on dates."""

    status: str  # values of enums.HoursStatus
    warning: str = ""
    intervals: list[tuple[int, int]] = field(default_factory=list)
    need_parser: bool = False  # the typical week does not answer for some ordinary (non-holiday) dates
    holidays: bool = False  # the expression has rules of its own for public holidays (PH)


def _build(expr: str, lat=None, lon=None) -> OpeningHours:
    """The parsed expression; with coordinates the parser knows the place's country, holidays and time zone."""
    if lat is not None and lon is not None:
        return OpeningHours(expr, coords=(lat, lon))
    return OpeningHours(expr, country="FR")


def parse(expr: str) -> tuple[bool, str]:
    """(True, "") when ``expr`` is a valid expression, else (False, why in French)."""
    text = (expr or "").strip()
    if not text:
        return False, "les horaires sont vides"
    try:
        OpeningHours(text, country="FR")
    except (ParserError, SyntaxError, ValueError) as error:
        position = _error_position(str(error))
        where = f" (vers le caractère {position})" if position else ""
        return False, (
            f"horaires illisibles{where} : « {text[:80]} » n'est pas au format OpenStreetMap "
            "(ex. « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 »)"
        )
    return True, ""


def _error_position(message: str) -> str:
    match = re.search(r"-->\s*\d+:(\d+)", message)
    return match.group(1) if match else ""


def _week_intervals(oh: OpeningHours, monday: dt.date) -> list[tuple[int, int]]:
    start = dt.datetime.combine(monday, dt.time())
    end = start + dt.timedelta(days=7)
    result = []
    for begin, finish, state, _comment in oh.intervals(start, end):
        if state != State.OPEN:
            continue
        begin_minute = _minutes_between(start, begin)
        end_minute = WEEK_MINUTES if finish is None else _minutes_between(start, finish)
        begin_minute, end_minute = max(begin_minute, 0), min(end_minute, WEEK_MINUTES)
        if begin_minute < end_minute:
            if result and result[-1][1] == begin_minute:
                result[-1] = (result[-1][0], end_minute)
            else:
                result.append((begin_minute, end_minute))
    return result


def _minutes_between(start: dt.datetime, moment: dt.datetime) -> int:
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    return int((moment - start).total_seconds() // 60)


def weekly_intervals(expr: str, lat=None, lon=None) -> list[tuple[int, int]]:
    """Open intervals of a typical week (without public holiday), in minutes from Monday 00:00.

    An interval crossing Sunday midnight comes out split: its end as (10080 - n, 10080) and its
    beginning as (0, m). Raises ``ValueError`` if the expression is invalid.
    """
    oh = _parse_or_raise(expr, lat, lon)
    return _week_intervals(oh, REFERENCE_MONDAYS[0])


def needs_parser(expr: str, lat=None, lon=None) -> bool:
    """True when whether the place is open depends on the date, not only on the day and time, on days that are
    not public holidays (rules for public holidays alone: see ``HoursAssessment.holidays``)."""
    oh = _parse_or_raise(expr, lat, lon)
    return _needs_parser(expr, oh)


def _needs_parser(expr: str, oh: OpeningHours, typical=None) -> bool:
    if DATE_DEPENDENT_TOKENS.search(expr):
        return True
    typical = typical if typical is not None else _week_intervals(oh, REFERENCE_MONDAYS[0])
    return any(_week_intervals(oh, monday) != typical for monday in REFERENCE_MONDAYS[1:])


def _parse_or_raise(expr, lat, lon) -> OpeningHours:
    try:
        return _build((expr or "").strip(), lat, lon)
    except (ParserError, SyntaxError) as error:
        raise ValueError(parse(expr)[1]) from error


def assess(expr: str, lat=None, lon=None) -> HoursAssessment:
    """Everything the directory stores about an expression, computed in one parse."""
    text = (expr or "").strip()
    if not text:
        return HoursAssessment(status="none")
    try:
        oh = _build(text, lat, lon)
    except (ParserError, SyntaxError, ValueError):
        return HoursAssessment(status="invalid", warning=parse(text)[1][:MAX_WARNING_LENGTH])
    typical = _week_intervals(oh, REFERENCE_MONDAYS[0])
    return HoursAssessment(
        status="valid",
        intervals=typical,
        need_parser=_needs_parser(text, oh, typical),
        holidays=bool(HOLIDAY_TOKEN.search(text)),
    )


@lru_cache(maxsize=4096)
def is_public_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a French public holiday (the national list the parser knows)."""
    return _HOLIDAYS.is_open(dt.datetime.combine(day, dt.time(12)))


_HOLIDAYS = OpeningHours("PH", country="FR")


def as_holiday(expr: str) -> str:
    """The expression as it reads on a day known to be a public holiday: its ``PH`` selectors always match.

    The parser only knows the national holidays; on a holiday of the place's own (26 December in Alsace…) the
    expression is evaluated in this form, for that day only.
    """
    parts = QUOTED.split(expr)
    for index in range(0, len(parts), 2):  # even parts are outside "comments"
        parts[index] = HOLIDAY_TOKEN.sub("Mo-Su", HOLIDAY_BEFORE_WEEKDAY.sub("", parts[index]))
    return "".join(parts)


@lru_cache(maxsize=PARSED_HOURS_CACHE_SIZE)
def parsed_local(expr: str, zone_name: str, lat: float | None = None, lon: float | None = None):
    """The parsed expression in a time zone (naive times are wall-clock times there), French national holidays,
    coordinates for sunrise and sunset; None when unreadable. Cached: callers round the coordinates (0.1°)."""
    options = {"timezone": local_time.zone(zone_name), "country": "FR", "auto_country": False, "auto_timezone": False}
    if lat is not None and lon is not None:
        options["coords"] = (lat, lon)
    try:
        return OpeningHours(expr, **options)
    except (ParserError, SyntaxError, ValueError):
        return None


def _rounded(value):
    return None if value is None else round(value, 1)


def local_hours(expr: str, departement: str, day: dt.date, lat=None, lon=None):
    """The parsed expression that answers for ``day`` at a place of the département (see ``as_holiday``)."""
    zone_name = local_time.time_zone_name(departement)
    if HOLIDAY_TOKEN.search(expr) and local_time.is_local_holiday(departement, day):
        holiday = parsed_local(as_holiday(expr), zone_name, _rounded(lat), _rounded(lon))
        if holiday is not None:
            return holiday
    return parsed_local(expr, zone_name, _rounded(lat), _rounded(lon))


def is_open_local(expr: str, departement: str, when: dt.datetime, lat=None, lon=None) -> bool | None:
    """Whether the expression of a place of the département is open at ``when``; None when unreadable.

    An aware ``when`` is an instant, judged in the place's time zone; a naive one is a wall-clock time at the
    place. Times that do not exist or exist twice there are resolved by ``local_time.resolve``.
    """
    text = (expr or "").strip()
    if not text:
        return None
    local = local_time.wall_clock(when, local_time.time_zone(departement))
    oh = local_hours(text, departement, local.date(), lat, lon)
    return None if oh is None else oh.is_open(local)


def is_open_local_during(
    expr: str, departement: str, start: dt.datetime, end: dt.datetime, lat=None, lon=None
) -> bool | None:
    """Whether the expression is open at some time between ``start`` and ``end`` (naive: wall-clock times at the
    place, the same day); None when unreadable."""
    text = (expr or "").strip()
    if not text:
        return None
    oh = local_hours(text, departement, start.date(), lat, lon)
    if oh is None:
        return None
    return any(state == State.OPEN for _begin, _end, state, _comment in oh.intervals(start, end))


def is_open_at(place_or_expr, when: dt.datetime, lat=None, lon=None, departement: str = "") -> bool:
    """Whether the place (or the expression) is open at ``when``; False when hours are unknown or invalid.

    A naive ``when`` is a wall-clock time at the place, an aware one an instant judged in the place's time zone;
    the public holidays are those of the place's département (Europe/Paris and national holidays by default).
    """
    if isinstance(place_or_expr, str):
        expr = place_or_expr
    else:
        expr = place_or_expr.opening_hours
        lat = place_or_expr.latitude if lat is None else lat
        lon = place_or_expr.longitude if lon is None else lon
        departement = departement or place_or_expr.departement_code
    return bool(is_open_local(expr, departement, when, lat, lon))


SLOT_MINUTES = 30
DAY_MINUTES = 24 * 60


def day_slot_masks(intervals) -> tuple[list[int], list[int]]:
    """Half-hour masks of a typical week, one integer per day (bit k: minutes 30k to 30k + 30 of the day).

    ``full[d]`` has the slots open from start to end, ``partial[d]`` the slots open only part of the time
    (e.g. 08:45–09:00): "open at" reads the full ones directly and checks the intervals only in partial ones.
    """
    full, partial = [0] * 7, [0] * 7
    covered = {}
    for start, end in intervals:
        minute = start
        while minute < end:
            slot_start = minute - minute % SLOT_MINUTES
            stop = min(end, slot_start + SLOT_MINUTES)
            covered[slot_start] = covered.get(slot_start, 0) + stop - minute
            minute = stop
    for slot_start, minutes in covered.items():
        day, slot = divmod(slot_start, DAY_MINUTES)
        bit = 1 << (slot // SLOT_MINUTES)
        if minutes >= SLOT_MINUTES:
            full[day] |= bit
        else:
            partial[day] |= bit
    return full, partial


def minute_of_week(when: dt.datetime) -> int:
    """Minutes since Monday 00:00 of ``when`` (local time), to match ``PlaceOpeningInterval``."""
    return when.weekday() * 24 * 60 + when.hour * 60 + when.minute
