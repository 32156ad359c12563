"""Opening hours told in plain French, for the people who read a place's page.

"Ouvert · ferme à 17 h", "Fermé · ouvre lundi à 9 h", and the next seven days one by one
("lundi 2 juin : 9 h – 12 h, 14 h – 17 h"). The expression is evaluated in the time zone of the place's
département, with its public holidays (national ones, and those of Alsace-Moselle and overseas), and its
coordinates for sunrise and sunset.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from opening_hours import State

from cordee.places.hours import HOLIDAY_TOKEN, local_hours
from cordee.territories import local_time

DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTH_NAMES = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DAYS_SHOWN = 7
LOOKAHEAD_DAYS = 62  # how far we look for the next opening
PUBLIC_HOLIDAYS_OFF = re.compile(r"\bPH\s+(off|closed)\b", re.IGNORECASE)
INVALID_WARNING = (
    "Ces horaires sont mal écrits et nous ne savons pas les lire. Nous les montrons tels quels : "
    "appelez le lieu avant de vous déplacer."
)


@dataclass
class DayHours:
    day: dt.date
    label: str  # "aujourd'hui, lundi 2 juin", "lundi 9 juin"
    text: str  # "9 h – 12 h, 14 h – 17 h" or "fermé"
    is_open: bool
    is_today: bool = False


@dataclass
class HoursDescription:
    status: str  # "none", "valid" or "invalid" (values of enums.HoursStatus)
    raw: str = ""
    is_open: bool | None = None
    headline: str = ""  # "Ouvert · ferme à 17 h"
    days: list[DayHours] = field(default_factory=list)
    closed_on_public_holidays: bool = False
    warning: str = ""


def time_text(moment: dt.time | dt.datetime, *, end: bool = False) -> str:
    """9:00 → « 9 h », 14:30 → « 14 h 30 », midnight at the end of an interval → « minuit »."""
    if moment.hour == 0 and moment.minute == 0 and end:
        return "minuit"
    if moment.minute:
        return f"{moment.hour} h {moment.minute:02d}"
    return f"{moment.hour} h"


def date_text(day: dt.date) -> str:
    """« lundi 2 juin », « samedi 1er mars »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{DAY_NAMES[day.weekday()]} {number} {MONTH_NAMES[day.month - 1]}"


def moment_text(moment: dt.datetime) -> str:
    """« le lundi 2 juin à 10 h » (local time of the moment given)."""
    return f"le {date_text(moment.date())} à {time_text(moment)}"


def open_intervals(text: str, departement: str, lat, lon, start: dt.datetime, days: int) -> list | None:
    """Open intervals (begin, end or None, comment) in local wall-clock time (naive) from ``start`` (local midnight)
    for ``days`` days; the days that are public holidays of the département alone are read with their ``PH`` rules.
    None when the expression is unreadable."""
    oh = local_hours(text, departement, dt.date(1, 1, 1), lat, lon)
    if oh is None:
        return None
    end = start + dt.timedelta(days=days)
    holidays = []
    if HOLIDAY_TOKEN.search(text):
        holidays = [
            start + dt.timedelta(days=offset)
            for offset in range(days)
            if local_time.is_local_holiday(departement, (start + dt.timedelta(days=offset)).date())
        ]
    result, cursor = [], start
    for day_start in [*holidays, None]:
        stop = end if day_start is None else day_start
        result.extend(_open(oh, cursor, stop))
        if day_start is not None:
            cursor = day_start + dt.timedelta(days=1)
            result.extend(_open(local_hours(text, departement, day_start.date(), lat, lon), day_start, cursor))
    merged = []
    for begin, finish, comment in result:  # the pieces cut at a holiday's edges join again
        if merged and merged[-1][1] == begin and merged[-1][2] == comment:
            merged[-1] = (merged[-1][0], finish, comment)
        else:
            merged.append((begin, finish, comment))
    return merged


def _open(oh, start: dt.datetime, end: dt.datetime) -> list:
    if start >= end:
        return []
    return [
        (begin.replace(tzinfo=None), finish.replace(tzinfo=None) if finish else None, comment)
        for begin, finish, state, comment in oh.intervals(start, end)
        if state == State.OPEN
    ]


def describe(
    expr: str, lat: float | None, lon: float | None, now: dt.datetime, departement: str = ""
) -> HoursDescription:
    """Everything a person needs to know about when the place is open, from ``now`` (aware), in the place's time
    zone (the département's: Europe/Paris by default)."""
    text = (expr or "").strip()
    if not text:
        return HoursDescription(status="none", headline="Horaires non renseignés")
    local_now = local_time.wall_clock(now, local_time.time_zone(departement))
    today = local_now.date()
    midnight = dt.datetime.combine(today, dt.time())
    midnight_far = midnight + dt.timedelta(days=LOOKAHEAD_DAYS)
    opened = open_intervals(text, departement, lat, lon, midnight, LOOKAHEAD_DAYS)
    if opened is None:
        return HoursDescription(status="invalid", raw=text, headline="Horaires à vérifier", warning=INVALID_WARNING)
    current = next((item for item in opened if item[0] <= local_now and (item[1] or midnight_far) > local_now), None)

    if current is not None:
        finish = current[1]
        if finish is None or finish - local_now > dt.timedelta(days=LOOKAHEAD_DAYS - 2):
            headline = "Ouvert · tous les jours, à toute heure"
        else:
            headline = f"Ouvert · ferme {_when(finish, today, end=True)}"
        is_open = True
    else:
        following = next((item for item in opened if item[0] > local_now), None)
        headline = "Fermé" if following is None else f"Fermé · ouvre {_when(following[0], today)}"
        is_open = False

    days = []
    for offset in range(DAYS_SHOWN):
        day = today + dt.timedelta(days=offset)
        parts = _day_parts(opened, dt.datetime.combine(day, dt.time()))
        label = date_text(day)
        if offset == 0:
            label = f"aujourd'hui, {label}"
        elif offset == 1:
            label = f"demain, {label}"
        days.append(
            DayHours(day=day, label=label, text=", ".join(parts) or "fermé", is_open=bool(parts), is_today=offset == 0)
        )
    return HoursDescription(
        status="valid",
        raw=text,
        is_open=is_open,
        headline=headline,
        days=days,
        closed_on_public_holidays=bool(PUBLIC_HOLIDAYS_OFF.search(text)),
    )


def _when(moment: dt.datetime, today: dt.date, *, end: bool = False) -> str:
    """« à 17 h », « demain à 9 h », « lundi à 9 h », « le lundi 9 juin à 9 h »."""
    day = moment.date()
    if end and moment.hour == 0 and moment.minute == 0:
        # An interval ending at midnight ends "tonight", not at 0 h the next day.
        day -= dt.timedelta(days=1)
        hour = "minuit"
    else:
        hour = f"à {time_text(moment)}"
    delta = (day - today).days
    if delta == 0:
        return "ce soir à minuit" if hour == "minuit" else hour
    if delta == 1:
        return f"demain {'à minuit' if hour == 'minuit' else hour}"
    if 1 < delta < 7:
        return f"{DAY_NAMES[day.weekday()]} {'à minuit' if hour == 'minuit' else hour}"
    return f"le {date_text(day)} {'à minuit' if hour == 'minuit' else hour}"


def _day_parts(opened, day_start: dt.datetime) -> list[str]:
    """Open intervals of one day, cut at midnight: « 9 h – 12 h », « toute la journée »."""
    day_end = day_start + dt.timedelta(days=1)
    parts = []
    for begin, finish, comment in opened:
        finish = finish or day_end
        if finish <= day_start or begin >= day_end:
            continue
        begin, finish = max(begin, day_start), min(finish, day_end)
        if begin == day_start and finish == day_end:
            text = "toute la journée"
        else:
            text = f"{time_text(begin)} – {time_text(finish, end=True)}"
        parts.append(f"{text} ({comment})" if comment else text)
    return parts
