"""CSV and XLSX exports of a dashboard: its activities (one row each) or its aggregates (one row per figure).

Both go through ``cordee.core.tabular`` (formula neutralisation). A small export is answered at once; one of
more than ``SYNC_LIMIT`` activities runs as a ``DashboardExport`` background task (progress, download link).
The free note of an activity is never exported (it may hold what it should not); followed beneficiaries appear
by their number only.
"""

import datetime
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.http import QueryDict

from cordee.activities import enums
from cordee.activities.models import Activity
from cordee.core import tabular
from cordee.dashboards import aggregates
from cordee.dashboards.aggregates import Figures
from cordee.dashboards.filters import ActivityFilters
from cordee.dashboards.scope import scope_from_ref

SYNC_LIMIT = 5_000
CHUNK = 2_000

ACTIVITY_HEADER = [
    "numero",
    "date",
    "type",
    "duree_minutes",
    "ou",
    "lieu",
    "commune_code_insee",
    "departement",
    "thematiques",
    "demarches",
    "materiel",
    "autonomie",
    "orientations",
    "participants",
    "deja_accompagnes",
    "beneficiaire_suivi",
    "structure",
    "mediateur",
    "conseiller_numerique",
    "origine",
    "etiquettes",
]
AGGREGATE_HEADER = ["rubrique", "code", "libelle", "activites", "participants", "minutes"]


def _labels(choices, values) -> str:
    names = dict(choices.choices)
    return "|".join(str(names.get(value, value)) for value in values or [])


def activity_rows(activities):
    """One list per activity, for the activities of a (filtered) queryset, in date order."""
    kinds, locations, autonomies, sources = (
        dict(choices.choices) for choices in (enums.ActivityKind, enums.LocationKind, enums.Autonomy, enums.Source)
    )
    queryset = (
        activities.select_related("place", "structure").prefetch_related("tags").order_by("date", "pk").only(*ONLY)
    )
    for activity in queryset.iterator(chunk_size=CHUNK):
        yield [
            activity.pk,
            activity.date,
            kinds.get(activity.kind, activity.kind),
            activity.duration_minutes,
            locations.get(activity.location_kind, activity.location_kind),
            activity.place.name if activity.place_id else "",
            activity.commune_id or "",
            activity.departement_code,
            _labels(enums.Theme, activity.themes),
            _labels(enums.AdminSubTheme, activity.admin_subthemes),
            _labels(enums.Equipment, activity.equipment),
            autonomies.get(activity.autonomy, activity.autonomy),
            _labels(enums.Redirection, activity.redirections),
            activity.participants,
            activity.returning,
            activity.beneficiary_id or "",
            activity.structure.name if activity.structure_id else "",
            activity.mediator_id or "",
            activity.is_conseiller_numerique,
            sources.get(activity.source, activity.source),
            "|".join(sorted(tag.name for tag in activity.tags.all())),
        ]


ONLY = [
    "pk",
    "date",
    "kind",
    "duration_minutes",
    "location_kind",
    "place__name",
    "commune_id",
    "departement_code",
    "themes",
    "admin_subthemes",
    "equipment",
    "autonomy",
    "redirections",
    "participants",
    "returning",
    "beneficiary_id",
    "structure__name",
    "mediator_id",
    "is_conseiller_numerique",
    "source",
]


def aggregate_rows(figures: Figures):
    """The dashboard's figures as rows: totals, each breakdown, trends, départements, communes."""
    yield ["total", "activites", "Activités", figures.activities, "", ""]
    yield ["total", "participants", "Personnes accompagnées", "", figures.participants, ""]
    yield ["total", "nouvelles", "Personnes nouvelles", "", figures.new_people, ""]
    yield ["total", "suivies", "Bénéficiaires suivis distincts", "", figures.followed, ""]
    yield ["total", "minutes", "Temps passé (minutes)", "", "", figures.minutes]
    for breakdown in figures.breakdowns.values():
        for row in breakdown.rows:
            if breakdown.measure == "participants":
                yield [breakdown.title, row.code, row.label, "", row.participants, ""]
            else:
                yield [breakdown.title, row.code, row.label, row.activities, row.participants or "", row.minutes or ""]
    for title, rows in [
        ("Par mois", figures.by_month),
        ("Par jour", figures.by_day),
        ("Par département", figures.by_departement),
        ("Par commune", figures.by_commune),
    ]:
        for row in rows:
            yield [title, row.code, row.label, row.activities, row.participants, row.minutes]


def write(file, rows, header, file_format: str, *, progress=None):
    """Write rows to an open binary file as CSV (UTF-8 with BOM, for spreadsheets) or XLSX."""

    def counted():
        for index, row in enumerate(rows, start=1):
            if progress and index % CHUNK == 0:
                progress(index)
            yield row

    if file_format == "xlsx":
        tabular.write_xlsx(file, header, counted())
        return
    file.write("\ufeff".encode())
    for chunk in tabular.csv_lines(header, counted(), flush_size=tabular.FLUSH_SIZE):
        file.write(chunk.encode())


def filename(scope_ref: str, what: str, file_format: str, today=None) -> str:
    today = today or datetime.date.today()
    slug = scope_ref.replace(":", "-")
    return f"cordee-{what}-{slug}-{today.isoformat()}.{file_format}"


def run(export) -> None:
    """Run a ``DashboardExport`` task: compute its rows, write its file, keep it as the task's result."""
    export.start()
    try:
        scope = scope_from_ref(export.scope_ref)
        filters = ActivityFilters(QueryDict(export.query))
        activities = Activity.objects.filter(scope.q()).filter(*filters.conditions())
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "export"
            with path.open("wb") as file:
                if export.what == "activities":
                    total = activities.count()
                    export.beat(0, total, force=True)
                    write(
                        file,
                        activity_rows(activities),
                        ACTIVITY_HEADER,
                        export.file_format,
                        progress=lambda done: export.beat(done, total),
                    )
                    count = total
                else:
                    export.beat(0, 1, force=True)
                    figures = aggregates.compute(activities, scope=scope, filters=filters.values())
                    rows = list(aggregate_rows(figures))
                    write(file, rows, AGGREGATE_HEADER, export.file_format)
                    count = len(rows)
            with path.open("rb") as file, transaction.atomic():
                export.result_file.save(
                    filename(export.scope_ref, export.what, export.file_format), File(file), save=False
                )
                export.finish(row_count=count, progress_done=count, progress_total=count)
    except Exception:
        export.fail()
        raise
