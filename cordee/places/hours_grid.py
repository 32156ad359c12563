"""A weekly grid of opening hours (each day: closed, or one or two time ranges), to and from OSM syntax.

The grid is what a person fills in without knowing the OpenStreetMap ``opening_hours`` syntax:

    >>> to_osm(WeekGrid(days={"Mo": [("09:00", "12:00"), ("14:00", "17:00")], ...}, holidays_closed=True))
    'Mo-Fr 09:00-12:00,14:00-17:00; PH off'

``from_osm`` reads back the simple expressions the grid can show; anything else (months, weeks, comments,
overnight ranges…) gives ``None`` and must be edited in the expert field.
"""

import re
from dataclasses import dataclass, field

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_LABELS = {
    "Mo": "Lundi",
    "Tu": "Mardi",
    "We": "Mercredi",
    "Th": "Jeudi",
    "Fr": "Vendredi",
    "Sa": "Samedi",
    "Su": "Dimanche",
}
MAX_RANGES_PER_DAY = 2
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
RULE = re.compile(r"^(?P<days>[A-Za-z,\- ]+?)\s+(?P<times>\d[\d:,\- ]*|off|closed)$")
RANGE = re.compile(r"^(\d{2}:\d{2})-(\d{2}:\d{2})$")


class GridError(ValueError):
    """A grid that cannot be written: ``errors`` maps a day code ("Mo"…) to a French message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{DAY_LABELS.get(day, day)} : {message}" for day, message in errors.items()))


@dataclass
class WeekGrid:
    # Day code → list of (opening, closing) as "HH:MM"; an empty list (or no key) means closed.
    days: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    holidays_closed: bool = False

    def ranges(self, day: str) -> list[tuple[str, str]]:
        return list(self.days.get(day) or [])

    @property
    def is_empty(self) -> bool:
        return not any(self.ranges(day) for day in DAYS)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def validate(grid: WeekGrid) -> None:
    """Raise GridError when a day's ranges are not well-formed, in order and apart."""
    errors = {}
    for day in DAYS:
        ranges = grid.ranges(day)
        if len(ranges) > MAX_RANGES_PER_DAY:
            errors[day] = "deux plages au plus par jour (utilisez le champ expert pour plus)"
            continue
        previous_end = None
        for opening, closing in ranges:
            if not TIME.match(opening or "") or not TIME.match(closing or ""):
                errors[day] = "indiquez l'heure d'ouverture et l'heure de fermeture, au format 09:00"
                break
            if _minutes(opening) >= _minutes(closing):
                errors[day] = f"l'heure de fermeture ({closing}) doit suivre l'heure d'ouverture ({opening})"
                break
            if previous_end is not None and _minutes(opening) <= previous_end:
                errors[day] = "la deuxième plage doit commencer après la fin de la première"
                break
            previous_end = _minutes(closing)
    if errors:
        raise GridError(errors)


def _day_selector(days: list[str]) -> str:
    """Consecutive days as ranges: [Mo, Tu, We, Fr] → "Mo-We,Fr"."""
    indexes = [DAYS.index(day) for day in days]
    parts, start = [], indexes[0]
    for previous, current in zip(indexes, [*indexes[1:], None], strict=True):
        if current is not None and current == previous + 1:
            continue
        if previous == start:
            parts.append(DAYS[start])
        elif previous == start + 1:
            parts.append(f"{DAYS[start]},{DAYS[previous]}")
        else:
            parts.append(f"{DAYS[start]}-{DAYS[previous]}")
        start = current
    return ",".join(parts)


def to_osm(grid: WeekGrid) -> str:
    """The OSM expression of a valid grid ("" when every day is closed and holidays are not mentioned)."""
    validate(grid)
    by_times: dict[str, list[str]] = {}
    for day in DAYS:
        ranges = grid.ranges(day)
        if ranges:
            times = ",".join(f"{opening}-{closing}" for opening, closing in ranges)
            by_times.setdefault(times, []).append(day)
    rules = [f"{_day_selector(days)} {times}" for times, days in by_times.items()]
    rules.sort(key=lambda rule: DAYS.index(rule[:2]))
    if grid.holidays_closed and rules:
        rules.append("PH off")
    return "; ".join(rules)


def _expand_days(selector: str) -> list[str] | None:
    days = []
    for part in selector.replace(" ", "").split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in DAYS or last not in DAYS or DAYS.index(first) > DAYS.index(last):
                return None
            days.extend(DAYS[DAYS.index(first) : DAYS.index(last) + 1])
        elif part in DAYS:
            days.append(part)
        else:
            return None
    return days


def from_osm(expression: str) -> WeekGrid | None:
    """The grid of a simple expression (days, up to two ranges a day, "PH off"), else None."""
    text = (expression or "").strip().rstrip(";").strip()
    grid = WeekGrid()
    if not text:
        return grid
    for rule in (part.strip() for part in text.split(";")):
        if rule in ("PH off", "PH closed"):
            grid.holidays_closed = True
            continue
        match = RULE.match(rule)
        if not match:
            return None
        days = _expand_days(match.group("days"))
        if not days:
            return None
        times = match.group("times").replace(" ", "")
        ranges = []
        if times not in ("off", "closed"):
            for chunk in times.split(","):
                range_match = RANGE.match(chunk)
                if not range_match:
                    return None
                ranges.append((range_match.group(1), range_match.group(2)))
        for day in days:  # a later rule replaces the earlier ones for its days, as in OSM
            grid.days[day] = list(ranges)
    try:
        validate(grid)
    except GridError:
        return None
    return grid
