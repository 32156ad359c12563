"""Importing a places file sent from the web: checks, then a background task (``run_place_import``).

The file is stored with a ``PlaceImport`` that the task updates as it goes (state, progress, counts,
report), so a page can show where it stands.
"""

import csv
import io
import logging
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from cordee.aggregation.enums import ImportState
from cordee.aggregation.importing.importer import ImportFailed, import_file
from cordee.aggregation.models import PlaceImport
from cordee.journal.services import record
from cordee.places import perms

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".csv", ".json", ".geojson", ".gz")
MAX_FILE_SIZE = 20 * 1024 * 1024
PROGRESS_STEPS = 50  # progress saved at most every 2 %
FIRST_ISSUES = 20


class ImportRefused(ValidationError):
    """The file or the source name is not acceptable; messages are in French, per field."""


def file_errors(uploaded_file) -> list[str]:
    errors = []
    if not uploaded_file.name.lower().endswith(ALLOWED_EXTENSIONS):
        errors.append("Le fichier doit être au format CSV, JSON ou GeoJSON (éventuellement compressé en .gz).")
    if uploaded_file.size > MAX_FILE_SIZE:
        errors.append("Le fichier dépasse la taille maximale de 20 Mo.")
    elif not uploaded_file.size:
        errors.append("Le fichier est vide.")
    return errors


def source_name_errors(source_name) -> list[str]:
    try:
        validate_slug(source_name or "")
    except ValidationError:
        return ["Le nom de la source ne peut contenir que des lettres sans accents, des chiffres, « - » et « _ »."]
    return []


def start_import(user, uploaded_file, source_name) -> PlaceImport:
    """Store the file and enqueue its import once the transaction is committed."""
    if not perms.can_import_places(user):
        raise PermissionDenied("Seuls les coordinateurs et les administrateurs nationaux importent des lieux.")
    errors = {}
    if problems := file_errors(uploaded_file):
        errors["file"] = problems
    if problems := source_name_errors(source_name):
        errors["source_name"] = problems
    if errors:
        raise ImportRefused(errors)
    place_import = PlaceImport(
        requested_by=user, source_name=source_name, original_name=Path(uploaded_file.name).name[:255]
    )
    place_import.file.save(place_import.original_name, uploaded_file, save=False)
    place_import.save()
    from cordee.aggregation.tasks import run_place_import

    transaction.on_commit(lambda: run_place_import(place_import.pk))
    return place_import


def _progress_saver(place_import):
    last_saved = {"done": -1}

    def progress(done, total):
        step = max(1, total // PROGRESS_STEPS)
        if done == total or done - last_saved["done"] >= step:
            PlaceImport.objects.filter(pk=place_import.pk).update(progress_done=done, progress_total=total)
            last_saved["done"] = done

    return progress


def run(place_import: PlaceImport):
    """Run the import of a stored file and record its outcome on ``place_import``."""
    place_import.state = ImportState.RUNNING
    place_import.started_at = timezone.now()
    place_import.save(update_fields=["state", "started_at"])
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / (Path(place_import.original_name).name or "fichier")
            with place_import.file.open("rb") as stored:
                path.write_bytes(stored.read())
            report = import_file(path, place_import.source_name, progress=_progress_saver(place_import))
            report_path = report.write_csv(Path(directory) / "rapport.csv")
            report_csv = report_path.read_text(encoding="utf-8")
    except ImportFailed as error:
        _finish(place_import, ImportState.FAILED, error_message=str(error))
        return place_import
    except Exception:
        logger.exception("Import de lieux %s interrompu", place_import.pk)
        _finish(place_import, ImportState.FAILED, error_message="L'import s'est interrompu sur une erreur inattendue.")
        return place_import
    _finish(
        place_import,
        ImportState.DONE,
        progress_done=report.total,
        progress_total=report.total,
        created_count=report.created,
        updated_count=report.updated,
        rejected_count=report.rejected,
        warnings_count=len(report.warnings),
        summary="\n".join(report.summary_lines()),
        report_csv=report_csv,
    )
    return place_import


def _finish(place_import, state, **values):
    place_import.refresh_from_db(fields=["progress_done", "progress_total"])
    values.update(state=state, finished_at=timezone.now())
    for name, value in values.items():
        setattr(place_import, name, value)
    place_import.save()
    record(
        place_import.requested_by,
        "places.import",
        place_import,
        state=state.value,
        created=place_import.created_count,
        updated=place_import.updated_count,
        rejected=place_import.rejected_count,
    )


def first_issues(place_import, limit=FIRST_ISSUES) -> list[dict]:
    """The first problems of the CSV report: row, field, level, reason, value."""
    if not place_import.report_csv:
        return []
    reader = csv.reader(io.StringIO(place_import.report_csv))
    next(reader, None)
    issues = []
    for row in reader:
        if len(row) < 5:
            continue
        issues.append({"row": row[0], "field": row[1], "level": row[2], "reason": row[3], "value": row[4]})
        if len(issues) >= limit:
            break
    return issues
