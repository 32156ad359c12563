"""What the dashboards count, in one place: the closed lists of the breakdowns and the measures of the rollups.

``aggregates`` reads the breakdowns; ``rollups`` stores one column per measure (``MEASURES``): the same SQL
expression over an activity row feeds the rollup triggers, ``rollups.rebuild()`` and the raw scans of the
days a rollup cannot answer, so the figures are the same whichever way they are read.
"""

from dataclasses import dataclass

from cordee.activities import enums

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


@dataclass(frozen=True)
class Measure:
    """One summed column of a rollup: ``column`` in the rollup table, ``key`` in the figures' wide dict (the
    name ``aggregates.wide_scan`` gives it), ``sql`` the value of one activity row (``{r}`` is the row's
    prefix, such as ``"activities_activity".`` or ``NEW.``)."""

    column: str
    key: str
    sql: str


def _col(name: str) -> str:
    return '{r}"' + name + '"'


def _case(condition: str, value: str = "1") -> str:
    return f"CASE WHEN {condition} THEN {value} ELSE 0 END"


def _bit(mask_field: str, index: int) -> str:
    return f"({_col(mask_field)} & {1 << index}) <> 0"


# What the daily trend, the places, communes and tags need.
NARROW = [
    Measure("activities", "activities", "1"),
    Measure("participants", "participants", _col("participants")),
    Measure("minutes", "minutes", _col("duration_minutes")),
]


def _wide() -> list[Measure]:
    measures = [*NARROW, Measure("returning", "returning", _col("returning"))]
    for key, _title, column, choices in COLUMNS:
        for value in choices.values:
            measures.append(Measure(f"{key}_{value}", f"{key}__{value}", _case(f"{_col(column)} = '{value}'")))
    for code, _label, low, high in DURATION_BANDS:
        condition = f"{_col('duration_minutes')} >= {int(low)}"
        if high is not None:
            condition += f" AND {_col('duration_minutes')} <= {int(high)}"
        measures.append(Measure(f"duration_{code}", f"duration__{code}", _case(condition)))
    for key, _title, mask_field, choices in MASKS:
        for index, value in enumerate(choices.values):
            measures.append(Measure(f"{key}_{value}", f"{key}__{value}", _case(_bit(mask_field, index))))
    # The statistics API gives participants and minutes by theme.
    for index, value in enumerate(enums.Theme.values):
        condition = _bit("themes_mask", index)
        measures.append(Measure(f"theme_people_{value}", f"people__{value}", _case(condition, _col("participants"))))
        measures.append(
            Measure(f"theme_minutes_{value}", f"time__{value}", _case(condition, _col("duration_minutes")))
        )
    for key, _title, bands in PEOPLE:
        for code, _label, column in bands:
            measures.append(Measure(f"{key}_{code}", f"{key}__{code}", _col(column)))
    return measures


WIDE = _wide()
