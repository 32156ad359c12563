"""Importing a places file (standard v1.0.x or v0.1, CSV or JSON) into the directory.

One file is one transaction: valid rows are created or updated in place (by ``source_name`` and the
row's ``id``), rejected rows are reported, nothing is half-written if the import fails.
Usable from the ``import_places`` command and from a background task (``import_file``).
"""

import csv
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cordee.aggregation.importing import v01
from cordee.aggregation.importing.readers import ReadResult, UnreadableFile, read_places_file
from cordee.aggregation.importing.validation import (
    REJECTED,
    WARNING,
    CommuneIndex,
    Issue,
    normalise_columns,
    validate_row,
)
from cordee.places import quality
from cordee.places.models import Place, store_opening_intervals

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Fields an import never touches: they belong to Cordée (qualification, owning structure…).
IMPORT_FIELDS = [
    "pivot",
    "name",
    "commune_name",
    "postal_code",
    "code_insee",
    "address",
    "address_complement",
    "latitude",
    "longitude",
    "typologies",
    "phones",
    "emails",
    "websites",
    "opening_hours",
    "summary",
    "description",
    "original_source",
    "mobility",
    "parent_structure",
    "source_updated_on",
    "services",
    "publics",
    "specific_support",
    "fees",
    "national_programmes",
    "training_labels",
    "other_training_labels",
    "access_modes",
    "support_modes",
    "accessibility_url",
    "booking_url",
    "commune_ref_id",
    "coordinates_precision",
    "siret_status",
]
DERIVED_FIELDS = [
    "services_mask",
    "publics_mask",
    "specific_support_mask",
    "fees_mask",
    "national_programmes_mask",
    "access_modes_mask",
    "support_modes_mask",
    "departement_code",
    "completeness",
    "hours_status",
    "hours_warning",
    "hours_need_parser",
    "hours_on_holidays",
    *[f"hours_{kind}_{day}" for kind in ("full", "partial") for day in range(7)],
    "search_name",
    "accepts_pass_numerique",
    "updated_at",
]
UPDATE_FIELDS = [name.removesuffix("_id") if name == "commune_ref_id" else name for name in IMPORT_FIELDS]
UPDATE_FIELDS = [*UPDATE_FIELDS, *DERIVED_FIELDS]


VERSION_LABELS = {
    "1.0": "standard v1.0",
    "0.1": "standard v0.1",
    "mixte": "mélange de colonnes v0.1 et v1.0",
}


class ImportFailed(Exception):
    """The whole file was refused (unreadable, no row…); the message is in French."""


@dataclass
class ImportReport:
    path: str
    source_name: str
    file_description: str = ""
    version: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    not_in_file: int = 0
    issues: list[Issue] = field(default_factory=list)
    file_notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    row_label: str = "ligne"

    @property
    def imported(self):
        return self.created + self.updated

    @property
    def warnings(self):
        return [issue for issue in self.issues if issue.level == WARNING]

    @property
    def rejections(self):
        return [issue for issue in self.issues if issue.level == REJECTED]

    def summary_lines(self):
        lines = [
            f"Fichier : {Path(self.path).name} ({self.file_description}, {VERSION_LABELS.get(self.version, '')})",
            f"Source : {self.source_name}",
            f"{self.total} lignes lues : {self.created} lieux créés, {self.updated} mis à jour, "
            f"{self.rejected} lignes rejetées, {len(self.warnings)} avertissements.",
        ]
        if self.not_in_file:
            lines.append(f"{self.not_in_file} lieux de cette source déjà connus sont absents du fichier (conservés).")
        lines.extend(self.file_notes)
        lines.append(f"Durée : {self.duration:.1f} s")
        return lines

    def issue_lines(self, limit=20, level=None):
        issues = [issue for issue in self.issues if level is None or issue.level == level]
        lines = [
            f"{self.row_label} {issue.row}, {issue.field} : {issue.message}"
            + (f" (« {issue.value} »)" if issue.value else "")
            for issue in issues[:limit]
        ]
        if len(issues) > limit:
            lines.append(f"… et {len(issues) - limit} autres (voir le rapport CSV).")
        return lines

    def write_csv(self, path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as report_file:
            writer = csv.writer(report_file)
            writer.writerow([self.row_label, "champ", "niveau", "motif", "valeur"])
            for note in self.file_notes:
                writer.writerow(["", "", "fichier", note, ""])
            for issue in self.issues:
                writer.writerow([issue.row, issue.field, issue.level, issue.message, issue.value])
        return path


def default_source_name(path) -> str:
    """'hub-du-sud-2023-05-17.json' → 'hub-du-sud': successive exports of a source share its name."""
    name = Path(path).name.lower().removesuffix(".gz")
    stem = Path(name).stem
    return re.sub(r"[-_ ]?\d{4}(-\d{2}){0,2}$", "", stem) or stem


def default_report_path(source_name, base_dir) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(base_dir) / "reports" / f"import-{source_name}-{stamp}.csv"


def import_file(path, source_name=None, progress=None, communes=None) -> ImportReport:
    """Import one file; ``progress(done, total)`` is called as rows are validated. Returns the report.

    Raises ``ImportFailed`` when the file cannot be read at all.
    """

    started = time.monotonic()
    source_name = source_name or default_source_name(path)
    report = ImportReport(path=str(path), source_name=source_name)
    try:
        read = read_places_file(path)
    except UnreadableFile as error:
        raise ImportFailed(str(error)) from error
    report.file_description = read.description
    report.row_label = "ligne" if read.format == "csv" else "élément"
    report.total = len(read.rows)
    if not read.rows:
        raise ImportFailed(f"Le fichier {Path(path).name} ne contient aucun lieu.")
    _describe_columns(read, report)
    communes = communes if communes is not None else CommuneIndex.from_database()

    composite_ids = _needs_composite_ids(read)
    if composite_ids:
        report.file_notes.append(
            "Des identifiants « id » se répètent entre sources agrégées : chaque lieu est identifié par « source:id »."
        )
    outcomes, seen = [], {}
    for index, raw in enumerate(read.rows, start=1):
        outcome = validate_row(raw.number, raw.values, communes)
        if composite_ids and outcome.source_id:
            outcome.source_id = f"{_cell(raw, 'source')}:{outcome.source_id}"
        if outcome.source_id in seen and not outcome.rejected:
            outcome.reject("id", f"identifiant déjà utilisé par la {report.row_label} {seen[outcome.source_id]}")
        elif outcome.source_id:
            seen.setdefault(outcome.source_id, raw.number)
        outcomes.append(outcome)
        report.issues.extend(outcome.issues)
        if progress and (index % 100 == 0 or index == report.total):
            progress(index, report.total)

    valid = [outcome for outcome in outcomes if not outcome.rejected]
    report.rejected = len(outcomes) - len(valid)
    with transaction.atomic():
        _save(valid, source_name, report)
    report.duration = time.monotonic() - started
    logger.info(
        "Import des lieux %s (%s) : %d lus, %d créés, %d mis à jour, %d rejetés, %d avertissements en %.1f s",
        source_name,
        Path(path).name,
        report.total,
        report.created,
        report.updated,
        report.rejected,
        len(report.warnings),
        report.duration,
    )
    return report


def _describe_columns(read: ReadResult, report: ImportReport):
    service_values = set()
    for raw in read.rows[:500]:
        values, _ = normalise_columns(raw.values)
        service_values.update(part.strip() for part in re.split(r"[|;]", values.get("services") or "") if part)
    report.version = v01.detect_version(read.columns, service_values)
    unknown = sorted({column for raw in read.rows for column in normalise_columns(raw.values)[1]})
    if unknown:
        report.file_notes.append("Colonnes inconnues du standard, ignorées : " + ", ".join(unknown) + ".")


def _needs_composite_ids(read: ReadResult) -> bool:
    ids = [str(raw.values.get("id") or "").strip() for raw in read.rows]
    ids = [value for value in ids if value]
    if len(ids) == len(set(ids)):
        return False
    pairs = {(_cell(raw, "source"), _cell(raw, "id")) for raw in read.rows if _cell(raw, "id")}
    return len(pairs) == len(ids)


def _cell(raw, column):
    return str(raw.values.get(column) or "").strip()


def _save(outcomes, source_name, report):
    existing = dict(Place.objects.filter(source_name=source_name).values_list("source_id", "pk"))
    existing_pass = set(
        Place.objects.filter(source_name=source_name, accepts_pass_numerique=True).values_list("source_id", flat=True)
    )
    now = timezone.now()
    to_create, to_update = [], []
    for outcome in outcomes:
        place = Place(source_name=source_name, source_id=outcome.source_id, **outcome.values)
        place.hours_status = outcome.hours_assessment.status
        place.hours_warning = outcome.hours_assessment.warning
        place.hours_need_parser = outcome.hours_assessment.need_parser
        place.hours_on_holidays = outcome.hours_assessment.holidays
        place._weekly_intervals = outcome.hours_assessment.intervals
        # The Pass numérique flag is ours: a file can set it, never unset it (v1 files do not carry it).
        place.accepts_pass_numerique = outcome.accepts_pass_numerique or outcome.source_id in existing_pass
        place.refresh_derived_fields()
        place.updated_at = now
        if outcome.source_id in existing:
            place.pk = existing[outcome.source_id]
            to_update.append(place)
        else:
            place.created_at = now
            to_create.append(place)
    Place.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    # One UPDATE per place: bulk_update's CASE expressions over 50 columns are much slower.
    for place in to_update:
        Place.objects.filter(pk=place.pk).update(**{name: getattr(place, name) for name in UPDATE_FIELDS})
    store_opening_intervals(to_create + to_update)
    quality.assess_places(to_create + to_update)
    report.created, report.updated = len(to_create), len(to_update)
    report.not_in_file = len(set(existing) - {outcome.source_id for outcome in outcomes})


__all__ = ["ImportFailed", "ImportReport", "default_report_path", "default_source_name", "import_file"]
