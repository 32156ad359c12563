"""The figures of a dashboard, computed from the activity rows in a few scans.

``compute(activities)`` takes a filtered ``Activity`` queryset and returns a ``Figures``:

- **one wide scan** gives the totals and every breakdown over a closed list: kind, where, duration band,
  autonomy, each theme / administrative sub-theme / equipment / redirection (a bit of the activity's mask:
  ``COUNT(*) FILTER (WHERE themes_mask & bit > 0)``, a ``CASE`` on SQLite), the anonymous counts by age band,
  gender and status (sums of the count columns);
- grouped scans give the open lists: by month, by day, by département, by commune, by place, by tag;
- distinct followed beneficiaries: those named on an individual activity or listed on a workshop.

Measures: an *activity* is one report; *participants* the people accompanied (a workshop counts each);
*new people* the participants not already accompanied (``participants - returning``); *time* the minutes
reported. Multi-valued breakdowns (themes…) count activities and do not add up to the total.
"""

import functools
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth
from django.db.models.lookups import GreaterThan

from cordee.activities import enums
from cordee.activities.models import Activity, ActivityParticipant
from cordee.territories.models import Commune, Departement

MAX_COMMUNES = 100
MAX_PLACES = 30
MAX_TAGS = 30
# (code, label, lowest minutes, highest minutes or None)
DURATION_BANDS = [
    ("15", "15 min ou moins", 0, 15),
    ("30", "16 à 30 min", 16, 30),
    ("45", "31 à 45 min", 31, 45),
    ("60", "46 min à 1 h", 46, 60),
    ("90", "1 h à 1 h 30", 61, 90),
    ("120", "1 h 30 à 2 h", 91, 120),
    ("more", "Plus de 2 h", 121, None),
]
# Breakdowns over a mask: (key, title, mask field, choices)
MASKS = [
    ("theme", "Thématiques", "themes_mask", enums.Theme),
    ("admin_subtheme", "Démarches administratives", "admin_subthemes_mask", enums.AdminSubTheme),
    ("equipment", "Matériel utilisé", "equipment_mask", enums.Equipment),
    ("redirection", "Orientations", "redirections_mask", enums.Redirection),
]
# Breakdowns over one column: (key, title, column, choices)
COLUMNS = [
    ("kind", "Types d'activité", "kind", enums.ActivityKind),
    ("location", "Lieux d'accompagnement", "location_kind", enums.LocationKind),
    ("autonomy", "Autonomie atteinte", "autonomy", enums.Autonomy),
]
# Anonymous counts of participants: (key, title, [(code, label, column)])
PEOPLE = [
    ("age", "Tranches d'âge", [(band.value, band.label, f"age_{band.value}") for band in enums.AgeBand]),
    ("gender", "Genre", [(g.value, g.label, f"gender_{g.value}") for g in enums.Gender]),
    ("status", "Statut", [(s.value, s.label, f"status_{s.value}") for s in enums.Status]),
]


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


def compute(activities, *, with_days=True, with_geography=True) -> Figures:
    """The figures of the filtered ``activities`` queryset (see the module)."""
    activities = activities.order_by()
    wide = wide_scan(activities)
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

    figures.followed = followed_count(activities)
    if with_days:
        # One scan by day; the months add the days up.
        figures.by_day = _trend(activities, TruncDay("date"), "%Y-%m-%d")
        months = {}
        for day in figures.by_day:
            month = months.setdefault(day.code[:7], Row(day.code[:7], day.code[:7]))
            month.activities += day.activities
            month.participants += day.participants
            month.minutes += day.minutes
        figures.by_month = list(months.values())
    else:
        figures.by_month = _trend(activities, TruncMonth("date"), "%Y-%m")
    figures.breakdowns["place"] = _places(activities)
    figures.breakdowns["tag"] = _tags(activities)
    if with_geography:
        figures.by_departement = _departements(activities)
        figures.by_commune = _communes(activities)
    return figures


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


def grouped(activities, group_by: str) -> list[Row]:
    """Activities, participants and minutes by month, by theme (an activity counts in each of its themes) or by
    kind, for the statistics API."""
    activities = activities.order_by()
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


def totals(activities) -> dict:
    values = activities.order_by().aggregate(**_measures())
    return {"activities": values["n"], "participants": values["people"], "minutes": values["time"]}
