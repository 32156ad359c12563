"""Importing a places file sent from the web: checks, then a background task (``run_place_import``).

The file is stored with a ``PlaceImport`` (a ``cordee.core.models.BackgroundTask``) that the task
updates as it goes (state, progress, heartbeat), then its counts, summary and report file, so a page
can show where it stands. A worker killed mid-import leaves a stale task, marked failed later.
"""

import csv
import io
import logging
import tempfile
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify

from cordee.aggregation.importing.importer import ImportFailed, import_file
from cordee.aggregation.importing.readers import UnreadableFile, read_places_file
from cordee.aggregation.models import PlaceImport
from cordee.core import tabular
from cordee.core.errors import Invalid, NotAllowed
from cordee.journal.services import record
from cordee.places import perms
from cordee.places.models import Place

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".csv", ".json", ".geojson", ".gz")
MAX_FILE_SIZE = 20 * 1024 * 1024
FIRST_ISSUES = 20


class ImportRefused(Invalid):
    """The file or the source name is not acceptable; ``errors`` holds French messages per field."""

    default_message = "Le fichier ou le nom de la source ne convient pas."
    default_reason = "import_refused"


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


def source_slug(label) -> str:
    """A plain name (« Hub du Sud ») as a source name (« hub-du-sud »)."""
    return slugify(label or "")[:100]


def known_sources() -> list[str]:
    """Sources already in the directory or already imported, for the web form's choice."""
    names = set(Place.objects.order_by().values_list("source_name", flat=True).distinct())
    names |= set(PlaceImport.objects.order_by().values_list("source_name", flat=True).distinct())
    return sorted(name for name in names if name)


def content_errors(uploaded_file) -> list[str]:
    """Read the file as the import will (streamed, with its limits): the parser's reason if it cannot."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / (Path(uploaded_file.name).name or "fichier")
        with path.open("wb") as copy:
            for chunk in uploaded_file.chunks():
                copy.write(chunk)
        uploaded_file.seek(0)
        try:
            places_file = read_places_file(path)
        except UnreadableFile as error:
            return [str(error)]
    if not places_file.row_count:
        return [f"Le fichier {places_file.name} ne contient aucun lieu."]
    return []


def start_import(user, uploaded_file, source_name, attach_identical=False) -> PlaceImport:
    """Check the file (the parser's reason at once if it is unreadable), store it and enqueue its
    import once the transaction is committed."""
    if not perms.can_import_places(user):
        raise NotAllowed("Seuls les coordinateurs et les administrateurs nationaux importent des lieux.")
    errors = {}
    if (problems := file_errors(uploaded_file)) or (problems := content_errors(uploaded_file)):
        errors["file"] = " ".join(problems)
    if problems := source_name_errors(source_name):
        errors["source_name"] = " ".join(problems)
    if errors:
        raise ImportRefused(errors=errors)
    place_import = PlaceImport(
        requested_by=user,
        source_name=source_name,
        original_name=Path(uploaded_file.name).name[:255],
        attach_identical=attach_identical,
    )
    place_import.file.save(place_import.original_name, uploaded_file, save=False)
    place_import.save()
    from cordee.aggregation.tasks import run_place_import

    transaction.on_commit(lambda: run_place_import(place_import.pk))
    return place_import


def run(place_import: PlaceImport):
    """Run the import of a stored file and record its outcome on ``place_import``."""
    place_import.start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / (Path(place_import.original_name).name or "fichier")
            with place_import.file.open("rb") as stored, path.open("wb") as copy:
                for chunk in stored.chunks():
                    copy.write(chunk)
            report = import_file(
                path,
                place_import.source_name,
                progress=place_import.beat,
                # The rules of the person who sent it; an account deleted since may write nothing.
                importer=place_import.requested_by or AnonymousUser(),
                import_ref=place_import.pk,
                attach_identical=place_import.attach_identical,
            )
            report_path = report.write_csv(Path(directory) / "rapport.csv")
            with report_path.open("rb") as report_file:
                place_import.result_file.save(f"rapport-import-{place_import.pk}.csv", File(report_file), save=False)
    except ImportFailed as error:
        place_import.fail(str(error))
        _journal(place_import)
        return place_import
    except Exception:
        logger.exception("Import de lieux %s interrompu", place_import.pk)
        place_import.fail("L'import s'est interrompu sur une erreur inattendue.")
        _journal(place_import)
        return place_import
    place_import.finish(
        progress_done=report.total,
        progress_total=report.total,
        created_count=report.created,
        updated_count=report.updated,
        unchanged_count=report.unchanged,
        departement_codes="|" + "|".join(sorted(report.departements)) + "|" if report.departements else "",
        rejected_count=report.rejected,
        warnings_count=len(report.warnings),
        summary="\n".join(report.summary_lines()),
        result_file=place_import.result_file,
    )
    _journal(place_import)
    return place_import


def _journal(place_import):
    record(
        place_import.requested_by,
        "places.import",
        place_import,
        state=str(place_import.state),
        created=place_import.created_count,
        updated=place_import.updated_count,
        rejected=place_import.rejected_count,
    )


def first_issues(place_import, limit=FIRST_ISSUES) -> list[dict]:
    """The first problems of the report file: row, field, level, reason, value."""
    if not place_import.result_file:
        return []
    issues = []
    with place_import.result_file.open("rb") as stored:
        reader = csv.reader(io.TextIOWrapper(stored, encoding="utf-8", newline=""))
        next(reader, None)
        for row in reader:
            if len(row) < 5 or row[2] == "valeurs":  # the counts of values are in the summary
                continue
            value = row[4]
            if value.startswith("'") and value[1:].startswith(tabular.FORMULA_STARTS):
                value = value[1:]  # shown as text on the page: no need for the spreadsheet guard
            issues.append({"row": row[0], "field": row[1], "level": row[2], "reason": row[3], "value": value})
            if len(issues) >= limit:
                break
    return issues
