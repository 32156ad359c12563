"""Local time of the territories: the time zone and the public holidays that differ from one département to another.

Pure Python (no Django), so that the data build script can use the same table.

Time zones are keyed by département code (the collectivités d'outre-mer use their three-digit INSEE code too); every
other département is on Europe/Paris. Public holidays: the national list is the opening-hours parser's (country
"FR"); ``LOCAL_HOLIDAYS`` adds those of a few départements only:

- Alsace-Moselle (57, 67, 68): Good Friday and 26 December (Code du travail, art. L3134-13; Good Friday is, in
  law, a holiday in the communes that have a Protestant or mixed church: in practice the whole of the three
  départements, as assumed here);
- overseas: the commemoration of the abolition of slavery (loi n° 83-550 du 30 juin 1983, décret n° 83-1003 du
  23 novembre 1983 as amended): Mayotte 27 April, Martinique 22 May, Guadeloupe 27 May, Saint-Martin 28 May,
  Guyane 10 June, Saint-Barthélemy 9 October, La Réunion 20 December.

The other holidays of the collectivités d'outre-mer (Polynésie, Nouvelle-Calédonie, Wallis-et-Futuna) come with
their places.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.easter import easter

from cordee.territories.time_zones import DEFAULT_TIME_ZONE, TIME_ZONES

__all__ = ["DEFAULT_TIME_ZONE", "TIME_ZONES"]  # the table lives apart, for the data build script

GOOD_FRIDAY = "good_friday"  # a movable date: two days before Easter Sunday
ALSACE_MOSELLE = [(GOOD_FRIDAY, "Vendredi saint"), ((12, 26), "Saint-Étienne")]
ABOLITION = "Commémoration de l'abolition de l'esclavage"
# Département code → [(date rule: (month, day) or GOOD_FRIDAY, French name)], beyond the national holidays.
LOCAL_HOLIDAYS = {
    "57": ALSACE_MOSELLE,
    "67": ALSACE_MOSELLE,
    "68": ALSACE_MOSELLE,
    "971": [((5, 27), ABOLITION)],
    "972": [((5, 22), ABOLITION)],
    "973": [((6, 10), ABOLITION)],
    "974": [((12, 20), ABOLITION)],
    "976": [((4, 27), ABOLITION)],
    "977": [((10, 9), ABOLITION)],
    "978": [((5, 28), ABOLITION)],
}


def time_zone_name(departement_code: str) -> str:
    """IANA name of the time zone of a département (Europe/Paris when unknown or empty)."""
    return TIME_ZONES.get(departement_code or "", DEFAULT_TIME_ZONE)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def time_zone(departement_code: str) -> ZoneInfo:
    return zone(time_zone_name(departement_code))


def zones() -> dict[str, list[str]]:
    """Time zone name → département codes of the zones other than Europe/Paris (which holds every other code)."""
    result: dict[str, list[str]] = {}
    for code, name in sorted(TIME_ZONES.items()):
        result.setdefault(name, []).append(code)
    return result


@lru_cache(maxsize=256)
def local_holidays(year: int) -> dict[dt.date, frozenset[str]]:
    """Date → codes of the départements for which that date of ``year`` is a local public holiday."""
    result: dict[dt.date, set[str]] = {}
    for code, rules in LOCAL_HOLIDAYS.items():
        for rule, _name in rules:
            day = easter(year) - dt.timedelta(days=2) if rule == GOOD_FRIDAY else dt.date(year, *rule)
            result.setdefault(day, set()).add(code)
    return {day: frozenset(codes) for day, codes in result.items()}


def departements_on_local_holiday(day: dt.date) -> frozenset[str]:
    """Codes of the départements for which ``day`` is a public holiday of their own (not a national one)."""
    return local_holidays(day.year).get(day, frozenset())


def is_local_holiday(departement_code: str, day: dt.date) -> bool:
    return (departement_code or "") in departements_on_local_holiday(day)


# Wall-clock times that do not exist (spring clock change) or exist twice (autumn) ----------------------------


def resolve(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The instant (aware) of a wall-clock time in ``tz``, decided for every local time:

    - a time that does not exist (skipped at the spring clock change, e.g. 02:30 on the last Sunday of March in
      Paris) is shifted forward by the gap: 02:30 is read as 03:30 summer time;
    - a time that exists twice (autumn change) is the first one (``fold=0``, summer time).
    """
    return naive.replace(tzinfo=tz, fold=0).astimezone(dt.UTC).astimezone(tz)


def wall_clock(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The local wall-clock time (naive) in ``tz`` of a moment: an aware moment is an instant, converted; a naive
    one is already a wall-clock time there, only made real by ``resolve`` (non-existent times shifted forward)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return resolve(moment.replace(tzinfo=None), tz).replace(tzinfo=None)
    return moment.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)


def instant(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The instant (in UTC) of a moment: as is when aware, else the wall-clock time in ``tz`` (see ``resolve``)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = resolve(moment.replace(tzinfo=None), tz)
    return moment.astimezone(dt.UTC)
