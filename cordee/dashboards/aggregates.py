"""The figures of a dashboard, computed from the activity rows in a few scans.

``compute(activities)`` takes a filtered ``Activity`` queryset and returns a ``Figures``:

- **one wide scan** gives the totals and every breakdown over a closed list: kind, where, duration band,
  autonomy, each theme / administrative sub-theme / equipment / redirection (a bit of the activity's mask:
  ``COUNT(*) FILTER (WHERE themes_mask & bit > 0)``, a ``CASE`` on SQLite), the anonymous counts by age band,
  gender and status (sums of the count columns);
- grouped scans give the open lists: by month, by day, by département, by commune, by place, by tag;
- distinct followed beneficiaries: those named on an individual activity or listed on a workshop.

Given the view and filters that built the queryset (``compute(…, scope=, filters=)``), the same figures are read
from the rollups (``cordee.dashboards.rollups``) whenever they can answer; the rows are read otherwise.

Measures: an *activity* is one report; *participants* the people accompanied (a workshop counts each);
*new people* the participants not already accompanied (``participants - returning``); *time* the minutes
reported. Multi-valued breakdowns (themes…) count activities and do not add up to the total.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth
from django.db.models.lookups import GreaterThan

from cordee.activities import enums
from cordee.activities.models import Activity, ActivityParticipant, ActivityTag
from cordee.dashboards import rollups
from cordee.dashboards.measures import COLUMNS, DURATION_BANDS, MASKS, PEOPLE
from cordee.places.models import Place
from cordee.territories.models import Commune, Departement

MAX_COMMUNES = 100
MAX_PLACES = 30
MAX_TAGS = 30


@dataclass
class Row:
    code: str
    label: str
    activities: int = 0
    participants: int = 0
    minutes: int = 0


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[Row]
    measure: str = "activities"  # what the rows count: "activities" or "participants"
    additive: bool = True  # the rows add up to the total (False for multi-valued lists and top-N lists)

    @property
    def measure_label(self) -> str:
        return {"activities": "Activités", "participants": "Personnes"}[self.measure]

    def values(self) -> list[int]:
        return [getattr(row, self.measure) for row in self.rows]


@dataclass
class Figures:
    activities: int = 0
    participants: int = 0
    new_people: int = 0
    minutes: int = 0
    followed: int = 0
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    by_month: list[Row] = field(default_factory=list)
    by_day: list[Row] = field(default_factory=list)
    by_departement: list[Row] = field(default_factory=list)
    by_commune: list[Row] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def totals(self) -> dict:
        return {"activities": self.activities, "participants": self.participants, "minutes": self.minutes}


def _has_bit(mask_field: str, bit: int):
    return GreaterThan(F(mask_field).bitand(bit), 0)


def wide_aggregates() -> dict:
    """Every aggregate of the wide scan, by name."""
    aggregates = {
        "activities": Count("pk"),
        "participants": Coalesce(Sum("participants"), 0),
        "returning": Coalesce(Sum("returning"), 0),
        "minutes": Coalesce(Sum("duration_minutes"), 0),
    }
    for key, _title, column, choices in COLUMNS:
        for value in choices.values:
            aggregates[f"{key}__{value}"] = Count("pk", filter=Q(**{column: value}))
    for code, _label, low, high in DURATION_BANDS:
        condition = Q(duration_minutes__gte=low)
        if high is not None:
            condition &= Q(duration_minutes__lte=high)
        aggregates[f"duration__{code}"] = Count("pk", filter=condition)
    for key, _title, mask_field, choices in MASKS:
        for index, value in enumerate(choices.values):
            aggregates[f"{key}__{value}"] = Count("pk", filter=_has_bit(mask_field, 1 << index))
    for key, _title, bands in PEOPLE:
        for code, _label, column in bands:
            aggregates[f"{key}__{code}"] = Coalesce(Sum(column), 0)
    return aggregates


@functools.cache
def _wide_sql(vendor: str) -> tuple[str, tuple[str, ...]]:
    """The SELECT list of the wide scan, written once (compiling ~100 ORM aggregates costs more than the query):
    ``COUNT(*) FILTER (WHERE …)`` and ``SUM(…)`` over the activity's own columns, codes of closed lists only."""
    table = connection.ops.quote_name(Activity._meta.db_table)

    def column(name):
        return f"{table}.{connection.ops.quote_name(name)}"

    parts = {
        "activities": "COUNT(*)",
        "participants": f"COALESCE(SUM({column('participants')}), 0)",
        "returning": f"COALESCE(SUM({column('returning')}), 0)",
        "minutes": f"COALESCE(SUM({column('duration_minutes')}), 0)",
    }
    for key, _title, name, choices in COLUMNS:
        for value in choices.values:
            parts[f"{key}__{value}"] = f"COUNT(*) FILTER (WHERE {column(name)} = '{value}')"
    for code, _label, low, high in DURATION_BANDS:
        condition = f"{column('duration_minutes')} >= {int(low)}"
        if high is not None:
            condition += f" AND {column('duration_minutes')} <= {int(high)}"
        parts[f"duration__{code}"] = f"COUNT(*) FILTER (WHERE {condition})"
    for key, _title, mask_field, choices in MASKS:
        for index, value in enumerate(choices.values):
            parts[f"{key}__{value}"] = f"COUNT(*) FILTER (WHERE ({column(mask_field)} & {1 << index}) > 0)"
    for key, _title, bands in PEOPLE:
        for code, _label, name in bands:
            parts[f"{key}__{code}"] = f"COALESCE(SUM({column(name)}), 0)"
    return ", ".join(parts.values()), tuple(parts)


def wide_scan(activities) -> dict:
    """The wide scan of the filtered activities: the FROM and WHERE of the queryset, the SELECT of ``_wide_sql``."""
    select, names = _wide_sql(connection.vendor)
    query = activities.order_by().values("pk").query
    sql, params = query.get_compiler(using=activities.db).as_sql()
    head = sql.index(" FROM ")
    if query.distinct or " GROUP BY " in sql:  # never built so today; the ORM path stays right if it happens
        return activities.aggregate(**wide_aggregates())
    with connections[activities.db].cursor() as cursor:
        cursor.execute("SELECT " + select + sql[head:], params)
        row = cursor.fetchone()
    return dict(zip(names, (value or 0 for value in row), strict=True))


def compute(activities, *, with_days=True, with_geography=True, scope=None, filters=None) -> Figures:
    """The figures of the filtered ``activities`` queryset (see the module).

    With the view (``scope``) and the cleaned ``filters`` that built the queryset, the figures are read from the
    rollups whenever they can answer (``rollups.selection``); the same figures either way."""
    activities = activities.order_by()
    sel = _selection(activities, scope, filters)
    if sel is not None:
        return _compute_from_rollups(activities, sel, with_days=with_days, with_geography=with_geography)
    figures = _figures(wide_scan(activities))
    figures.followed = followed_count(activities)
    if with_days:
        figures.by_day = _trend(activities, TruncDay("date"), "%Y-%m-%d")
        figures.by_month = _months(figures.by_day)
    else:
        figures.by_month = _trend(activities, TruncMonth("date"), "%Y-%m")
    figures.breakdowns["place"] = _places(activities)
    figures.breakdowns["tag"] = _tags(activities)
    if with_geography:
        figures.by_departement = _departements(activities)
        figures.by_commune = _communes(activities)
    return figures


def _figures(wide: dict) -> Figures:
    """Totals and closed breakdowns from the sums of the wide scan (or of the rollups)."""
    figures = Figures(
        activities=wide["activities"],
        participants=wide["participants"],
        new_people=wide["participants"] - wide["returning"],
        minutes=wide["minutes"],
    )
    for key, title, _column, choices in COLUMNS:
        rows = [Row(value, label, activities=wide[f"{key}__{value}"]) for value, label in choices.choices]
        counted = sum(row.activities for row in rows)
        if counted < figures.activities:
            rows.append(Row("", "Non renseigné", activities=figures.activities - counted))
        figures.breakdowns[key] = Breakdown(key, title, rows)
    figures.breakdowns["duration"] = Breakdown(
        "duration",
        "Durées",
        [Row(code, label, activities=wide[f"duration__{code}"]) for code, label, _low, _high in DURATION_BANDS],
    )
    for key, title, _mask, choices in MASKS:
        rows = [Row(value, label, activities=wide[f"{key}__{value}"]) for value, label in choices.choices]
        figures.breakdowns[key] = Breakdown(key, title, rows, additive=False)
    for key, title, bands in PEOPLE:
        rows = [Row(code, label, participants=wide[f"{key}__{code}"]) for code, label, _column in bands]
        rows = [row for row in rows if row.participants or not row.code.startswith("v1_")]
        counted = sum(row.participants for row in rows)
        if counted < figures.participants:
            rows.append(Row("", "Non renseigné", participants=figures.participants - counted))
        figures.breakdowns[key] = Breakdown(key, title, rows, measure="participants")
    return figures


def _months(days: list[Row]) -> list[Row]:
    """The months of a daily trend, adding its days up."""
    months = {}
    for day in days:
        month = months.setdefault(day.code[:7], Row(day.code[:7], day.code[:7]))
        month.activities += day.activities
        month.participants += day.participants
        month.minutes += day.minutes
    return list(months.values())


# --- From the rollups (cordee.dashboards.rollups) ---


def _compute_from_rollups(activities, sel, *, with_days, with_geography) -> Figures:
    period = sel.period()
    wide_grain = sel.grain(rollups.MONTH_TERRITORY, rollups.MONTH_MEDIATOR)
    # One scan gives the totals and, by département, the map.
    by_departement = rollups.sums(wide_grain, sel, period, group=("departement_code",) if with_geography else ())
    wide = {m.key: sum(values[m.column] for values in by_departement.values()) for m in rollups.measures.WIDE}
    figures = _figures(wide)
    figures.followed = followed_count(activities)
    if sel.grain(rollups.DAY):
        days = rollups.read(rollups.DAY, sel, sel.start, sel.end, group=("day",), columns=_NARROW, order='"day"')
        by_day = [_rollup_row(_day_code(day), _day_code(day), values) for day, *values in days]
    else:
        by_day = _trend(activities, TruncDay("date"), "%Y-%m-%d") if with_days else None
    if with_days:
        figures.by_day = by_day
        figures.by_month = _months(by_day)
    else:
        figures.by_month = _months(by_day) if by_day is not None else _trend(activities, TruncMonth("date"), "%Y-%m")
    place_grain = sel.grain(rollups.MONTH_PLACE)
    if place_grain:
        # One scan by place and commune gives both lists.
        places, communes = (
            defaultdict(lambda: dict.fromkeys(_NARROW, 0)),
            defaultdict(lambda: dict.fromkeys(_NARROW, 0)),
        )
        for (place_id, commune_id), values in rollups.sums(
            place_grain, sel, period, group=("place_id", "commune_id")
        ).items():
            for column in _NARROW:
                places[(place_id,)][column] += values[column]
                communes[(commune_id,)][column] += values[column]
        figures.breakdowns["place"] = _top_places(places)
    else:
        figures.breakdowns["place"] = _places(activities)
    tag_grain = sel.grain(rollups.MONTH_TAG)
    if tag_grain:
        figures.breakdowns["tag"] = _top_tags(_tag_sums(tag_grain, sel, period))
    else:
        figures.breakdowns["tag"] = _tags(activities)
    if with_geography:
        names = dict(Departement.objects.values_list("code", "name"))
        figures.by_departement = [
            _rollup_row(code, names.get(code, "?"), _narrow(values))
            for (code,), values in sorted(by_departement.items())
            if code
        ]
        figures.by_commune = _top_communes(communes) if place_grain else _communes(activities)
    return figures


_NARROW = ["activities", "participants", "minutes"]


def _narrow(values: dict) -> list[int]:
    return [values[column] for column in _NARROW]


def _rollup_row(code, label, values) -> Row:
    activities, participants, minutes = (int(value) for value in values)
    return Row(str(code), label, activities=activities, participants=participants, minutes=minutes)


def _day_code(day) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else str(day)[:10]


def _ranked(sums: dict, limit: int, empty) -> list:
    """(key, values) by activities, most first, then key; ``empty`` keys (no place, no commune) left out."""
    rows = [(key[0], values) for key, values in sums.items() if key[0] not in empty and values["activities"]]
    rows.sort(key=lambda item: (-item[1]["activities"], item[0]))
    return rows[:limit]


def _top_places(sums) -> Breakdown:
    rows = _ranked(sums, MAX_PLACES, (0, None))
    names = dict(Place.objects.filter(pk__in=[key for key, _v in rows]).values_list("pk", "name"))
    return Breakdown(
        "place",
        "Lieux les plus actifs",
        [_rollup_row(key, names.get(key, "?"), _narrow(values)) for key, values in rows],
        additive=False,
    )


def _top_communes(sums) -> list[Row]:
    rows = _ranked(sums, MAX_COMMUNES, ("", None))
    names = dict(Commune.objects.filter(pk__in=[key for key, _v in rows]).values_list("code_insee", "name"))
    return [_rollup_row(key, names.get(key, "?"), _narrow(values)) for key, values in rows]


def _tag_sums(grain, sel, period) -> dict:
    """Tags of the period: the months from the rollup, the days at the ends from the rows and their tags."""
    result = {}
    if period.months:
        for tag_id, *values in rollups.read(grain, sel, *period.months, group=("tag_id",), columns=_NARROW):
            result[(tag_id,)] = dict(zip(_NARROW, (int(v) for v in values), strict=True))
    for sign, first, last in period.days:
        rows = sel.rows(first, last).filter(tags__isnull=False).values("tags__pk").annotate(**_measures())
        for values in rows:
            target = result.setdefault((values["tags__pk"],), dict.fromkeys(_NARROW, 0))
            target["activities"] += sign * values["n"]
            target["participants"] += sign * values["people"]
            target["minutes"] += sign * values["time"]
    return {key: values for key, values in result.items() if values["activities"]}


def _top_tags(sums) -> Breakdown:
    rows = _ranked(sums, MAX_TAGS, (0, None))
    names = dict(ActivityTag.objects.filter(pk__in=[key for key, _v in rows]).values_list("pk", "name"))
    return Breakdown(
        "tag",
        "Étiquettes",
        [_rollup_row(key, names.get(key, "?"), _narrow(values)) for key, values in rows],
        additive=False,
    )


def _measures():
    return {
        "n": Count("pk"),
        "people": Coalesce(Sum("participants"), 0),
        "time": Coalesce(Sum("duration_minutes"), 0),
    }


def _row(code, label, values) -> Row:
    return Row(str(code), label, activities=values["n"], participants=values["people"], minutes=values["time"])


def _trend(activities, trunc, fmt) -> list[Row]:
    rows = activities.annotate(period=trunc).values("period").annotate(**_measures()).order_by("period")
    result = []
    for values in rows:
        period = values["period"]
        code = period.strftime(fmt)
        result.append(_row(code, code, values))
    return result


def _departements(activities) -> list[Row]:
    rows = (
        activities.values("departement_code")
        .annotate(**_measures())
        .order_by("departement_code")
        .filter(departement_code__gt="")
    )
    names = dict(Departement.objects.values_list("code", "name"))
    return [_row(v["departement_code"], names.get(v["departement_code"], "?"), v) for v in rows]


def _communes(activities) -> list[Row]:
    rows = list(
        activities.filter(commune_id__isnull=False)
        .values("commune_id")
        .annotate(**_measures())
        .order_by("-n", "commune_id")[:MAX_COMMUNES]
    )
    names = dict(Commune.objects.filter(pk__in=[v["commune_id"] for v in rows]).values_list("code_insee", "name"))
    return [_row(v["commune_id"], names.get(v["commune_id"], "?"), v) for v in rows]


def _places(activities) -> Breakdown:
    rows = (
        activities.filter(place_id__isnull=False)
        .values("place_id", "place__name")
        .annotate(**_measures())
        .order_by("-n", "place_id")[:MAX_PLACES]
    )
    return Breakdown(
        "place", "Lieux les plus actifs", [_row(v["place_id"], v["place__name"], v) for v in rows], additive=False
    )


def _tags(activities) -> Breakdown:
    rows = (
        activities.filter(tags__isnull=False)
        .values("tags__pk", "tags__name")
        .annotate(**_measures())
        .order_by("-n", "tags__pk")[:MAX_TAGS]
    )
    return Breakdown("tag", "Étiquettes", [_row(v["tags__pk"], v["tags__name"], v) for v in rows], additive=False)


def followed_count(activities) -> int:
    """Distinct followed beneficiaries: named on an individual activity, or listed on a workshop."""
    named = activities.filter(beneficiary_id__isnull=False).values_list("beneficiary_id", flat=True)
    listed = (
        ActivityParticipant.objects.using(activities.db)
        .filter(activity__in=activities.values("pk"))
        .values_list("beneficiary_id", flat=True)
    )
    return named.union(listed).count()


GROUP_BY = ["month", "theme", "kind"]


def grouped(activities, group_by: str, *, scope=None, filters=None) -> list[Row]:
    """Activities, participants and minutes by month, by theme (an activity counts in each of its themes) or by
    kind, for the statistics API (from the rollups when the view and filters allow it, as ``compute``)."""
    activities = activities.order_by()
    sel = _selection(activities, scope, filters)
    if sel is not None:
        return _grouped_from_rollups(sel, group_by)
    if group_by == "month":
        return _trend(activities, TruncMonth("date"), "%Y-%m")
    if group_by == "kind":
        values = {v["kind"]: v for v in activities.values("kind").annotate(**_measures()).order_by("kind")}
        return [_row(kind, label, values[kind]) for kind, label in enums.ActivityKind.choices if kind in values]
    aggregates = {}
    for index, theme in enumerate(enums.Theme.values):
        condition = _has_bit("themes_mask", 1 << index)
        aggregates[f"n__{theme}"] = Count("pk", filter=condition)
        aggregates[f"people__{theme}"] = Coalesce(Sum("participants", filter=condition), 0)
        aggregates[f"time__{theme}"] = Coalesce(Sum("duration_minutes", filter=condition), 0)
    values = activities.aggregate(**aggregates)
    return [
        _row(theme, label, {m: values[f"{m}__{theme}"] for m in ("n", "people", "time")})
        for theme, label in enums.Theme.choices
    ]


def totals(activities, *, scope=None, filters=None) -> dict:
    sel = _selection(activities, scope, filters)
    if sel is not None:
        grain = sel.grain(rollups.MONTH_TERRITORY, rollups.MONTH_MEDIATOR)
        values = rollups.sums(grain, sel, sel.period()).get((), {})
        return {name: int(values.get(name, 0)) for name in ("activities", "participants", "minutes")}
    values = activities.order_by().aggregate(**_measures())
    return {"activities": values["n"], "participants": values["people"], "minutes": values["time"]}


def _selection(activities, scope, filters):
    """The rollup selection of the view and filters, when a wide rollup can answer them."""
    if scope is None or filters is None:
        return None
    sel = rollups.selection(scope, filters, activities.db)
    if sel is None or sel.grain(rollups.MONTH_TERRITORY, rollups.MONTH_MEDIATOR) is None:
        return None
    return sel


def _grouped_from_rollups(sel, group_by) -> list[Row]:
    grain = sel.grain(rollups.MONTH_TERRITORY, rollups.MONTH_MEDIATOR)
    if group_by == "month":
        if sel.grain(rollups.DAY):
            days = rollups.read(rollups.DAY, sel, sel.start, sel.end, group=("day",), columns=_NARROW, order='"day"')
            return _months([_rollup_row(_day_code(day), _day_code(day), values) for day, *values in days])
        months = rollups.sums(grain, sel, sel.period(), group=("month",))
        return [_rollup_row(month[:7], month[:7], _narrow(values)) for (month,), values in sorted(months.items())]
    period = sel.period()
    if group_by == "kind":
        kinds = rollups.sums(grain, sel, period, group=("kind",))
        return [
            _rollup_row(kind, label, _narrow(kinds[(kind,)]))
            for kind, label in enums.ActivityKind.choices
            if (kind,) in kinds
        ]
    values = rollups.sums(grain, sel, period).get((), {})
    wide = {m.key: int(values.get(m.column, 0)) for m in rollups.measures.WIDE}
    return [
        _rollup_row(theme, label, [wide[f"theme__{theme}"], wide[f"people__{theme}"], wide[f"time__{theme}"]])
        for theme, label in enums.Theme.choices
    ]
