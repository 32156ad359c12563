"""Importing the conseiller numérique programme's v1 activity reports (CRA v1 export, CSV).

The file is streamed (millions of rows): rows are read, checked and saved ``BATCH_SIZE`` at a time, one
transaction per batch, so memory stays bounded and a failure never leaves half a batch. A row already
imported (its v1 id is on an activity) is skipped: re-importing a file, or a later export that repeats
rows, changes nothing. Every row read is archived as it was (``LegacyActivityRow``), imported or not.
Rejections and warnings go to a CSV report, written as the import goes (row, v1 id, column, level, reason
in French, value). See docs/activities-import-v1.md.

A dry run (``wet_run=False``) goes through exactly the same code inside one outer transaction that is
rolled back at the end.
"""

import csv
import hashlib
import io
import json
import logging
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from cordee.activities import rollup_switch
from cordee.activities.enums import Source
from cordee.activities.fields import MULTI_ENUM_FIELDS
from cordee.activities.legacy import mapping
from cordee.activities.legacy.models import LegacyActivityRow, LegacyMediator, LegacyRowOutcome, LegacyStructure
from cordee.activities.legacy.rows import (
    COLUMNS,
    REJECTED,
    REQUIRED_COLUMNS,
    WARNING,
    Issue,
    Legacy,
    read_row,
)
from cordee.activities.models import Activity
from cordee.aggregation.importing.readers import UnreadableFile, open_bytes
from cordee.core import tabular
from cordee.journal.services import record
from cordee.places.models import Place
from cordee.places.validators import CommuneIndex
from cordee.structures.models import Structure
from cordee.structures.validators import siret_error
from cordee.territories.models import Commune
from cordee.territories.normalize import search_key

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_FILE_SIZE = 50 * 1024**3  # decompressed; a full national export is a few gigabytes
REPORT_HEADER = ["ligne", "identifiant v1", "colonne", "niveau", "motif", "valeur"]
ARCHIVE_UPDATE_FIELDS = ["values", "file_name", "row_number", "outcome", "reason", "activity", "read_at"]


class ImportFailed(Exception):
    """The file cannot be imported at all; the message is in French."""


@dataclass
class ImportResult:
    path: str
    read: int = 0
    imported: int = 0
    rejected: int = 0
    already: int = 0
    warnings: int = 0
    structures_created: int = 0
    mediators_attached: int = 0
    unknown_mediators: Counter = field(default_factory=Counter)
    missing_columns: list = field(default_factory=list)
    extra_columns: list = field(default_factory=list)
    issues_shown: list = field(default_factory=list)  # the first issues, for the terminal
    duration: float = 0.0

    def closing_line(self) -> str:
        return f"lues : {self.read}, importées : {self.imported}, rejetées : {self.rejected}"


class ReportWriter:
    """The CSV report, written row by row (a file of millions of rows may have many issues)."""

    def __init__(self, path, keep=20):
        self.path = Path(path) if path else None
        self.keep = keep
        self.shown = []
        self._file = None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._file, lineterminator="\r\n")
            self._writer.writerow(REPORT_HEADER)

    def write(self, issue: Issue):
        if len(self.shown) < self.keep:
            self.shown.append(issue)
        if self._file:
            cells = [issue.row, issue.legacy_id, issue.column, issue.level, issue.message, issue.value]
            self._writer.writerow([tabular.neutralise(cell) for cell in cells])

    def close(self):
        if self._file:
            self._file.close()


def default_report_path(base_dir, path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(base_dir) / "reports" / f"import-cra-v1-{Path(path).stem}-{stamp}.csv"


def import_cra_v1(path, *, wet_run: bool, report_path=None, progress=None, today=None, batch_size=BATCH_SIZE):
    """Import one v1 export. ``progress(done, total)`` is called after each batch. Returns ``ImportResult``.

    Raises ``ImportFailed`` when the file cannot be read or lacks the columns without which nothing can be
    imported.
    """
    started = time.monotonic()
    path = Path(path)
    result = ImportResult(path=str(path))
    report = ReportWriter(report_path)
    try:
        total = _count_rows(path)
        context = Context(path.name, today or timezone.localdate())
        with transaction.atomic() if not wet_run else nullcontext():
            if not wet_run:
                rollup_switch.skip_rollups_in_this_transaction()  # all rolled back: lock no rollup row meanwhile
            result.mediators_attached = attach_known_mediators(context.mediators)
            for batch in _batches(path, result, batch_size, context.today):
                _import_batch(batch, context, result, report)
                if progress:
                    progress(result.read, max(total, result.read))
            if not wet_run:
                transaction.set_rollback(True)
        if wet_run:
            record(
                None,
                "activities.v1_imported",
                file=path.name,
                read=result.read,
                imported=result.imported,
                rejected=result.rejected,
                already=result.already,
                structures_created=context.structures_created,
                mediators_attached=result.mediators_attached,
            )
        for v1_id, count in sorted(result.unknown_mediators.items()):
            report.write(
                Issue(
                    0,
                    "v1_conseiller_numerique_id",
                    WARNING,
                    f"conseiller v1 inconnu de Cordée ({count} ligne{'s' if count > 1 else ''})",
                    v1_id,
                )
            )
        result.structures_created = context.structures_created
    except UnreadableFile as error:
        raise ImportFailed(str(error)) from error
    finally:
        report.close()
    result.issues_shown = report.shown
    result.duration = time.monotonic() - started
    logger.info(
        "Import CRA v1 %s%s : %s, %d déjà importées, %d structures créées, %d conseillers inconnus en %.1f s",
        path.name,
        "" if wet_run else " (simulation)",
        result.closing_line(),
        result.already,
        result.structures_created,
        len(result.unknown_mediators),
        result.duration,
    )
    return result


def attach_known_mediators(mediators: dict) -> int:
    """Activities imported earlier without mediator whose v1 id has since been mapped get their mediator."""
    waiting = (
        Activity.objects.filter(source=Source.IMPORT_V1, mediator__isnull=True)
        .exclude(legacy_mediator_id="")
        .values_list("legacy_mediator_id", flat=True)
        .distinct()
        .order_by()
    )
    attached = 0
    for v1_id in sorted(set(waiting) & set(mediators)):
        attached += Activity.objects.filter(
            source=Source.IMPORT_V1, mediator__isnull=True, legacy_mediator_id=v1_id
        ).update(mediator_id=mediators[v1_id], updated_at=timezone.now())
    return attached


# Reading


def _open_text(path):
    return io.TextIOWrapper(
        io.BufferedReader(open_bytes(path, MAX_FILE_SIZE), 256 * 1024), encoding="utf-8-sig", newline=""
    )


def _count_rows(path) -> int:
    """Lines after the header (a fast first pass over the bytes; a multi-line cell makes it an estimate)."""
    lines, last = 0, b"\n"
    with open_bytes(path, MAX_FILE_SIZE) as stream:
        while chunk := stream.read(1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return max(0, lines - 1)


def _batches(path, result, batch_size, today):
    """Lists of ``Legacy`` rows read from the file, ``batch_size`` at a time."""
    try:
        text = _open_text(path)
    except UnicodeError as error:  # pragma: no cover - the decoder fails lazily, below
        raise ImportFailed(f"Le fichier {path.name} n'est pas en UTF-8.") from error
    with text:
        try:
            first = text.readline()
        except UnicodeDecodeError as error:
            raise ImportFailed(f"Le fichier {path.name} n'est pas en UTF-8.") from error
        if not first.strip():
            raise ImportFailed(f"Le fichier {path.name} est vide.")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = [name.strip().strip('"').strip().lower() for name in next(csv.reader([first], delimiter=delimiter))]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise ImportFailed(
                f"Le fichier {path.name} n'est pas un export CRA v1 : colonnes absentes : {', '.join(missing)}."
            )
        result.missing_columns = [column for column in COLUMNS if column not in header]
        result.extra_columns = [c for c in header if c not in COLUMNS and not c.startswith("permanence_")]
        reader = csv.reader(text, delimiter=delimiter)
        batch = []
        try:
            for cells in reader:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                batch.append(_row(reader.line_num + 1, header, cells, result, today))
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
        except UnicodeDecodeError as error:
            raise ImportFailed(
                f"Le fichier {path.name} n'est pas en UTF-8 (vers la ligne {reader.line_num + 2}) : "
                "rien n'a été écrit après le dernier lot complet."
            ) from error
        except csv.Error as error:
            raise ImportFailed(f"Ligne {reader.line_num + 1} illisible : {error}.") from error
        if batch:
            yield batch


def _row(number, header, cells, result, today):
    result.read += 1
    raw = dict(zip(header, cells, strict=False))
    extra = cells[len(header) :]
    if extra and any(cell.strip().lower() not in mapping.NULLS for cell in extra):
        raw["_extra"] = extra
    legacy = None
    if len(cells) < len(header):
        legacy = Legacy(row=number, raw=raw, legacy_id=(raw.get("id") or "").strip())
        legacy.reject("", f"ligne incomplète : {len(cells)} champs au lieu de {len(header)}")
        return legacy
    legacy = read_row(number, raw, today=today)
    if "_extra" in raw:
        legacy.warn("", f"{len(extra)} champs après la dernière colonne de l'en-tête, ignorés", "|".join(extra))
    return legacy


# Resolving what needs the database


class Context:
    """Look-ups kept for the whole file: communes, mediators, structures and places already resolved."""

    def __init__(self, file_name, today):
        self.file_name = file_name
        self.today = today
        self.communes = CommuneIndex.from_database()
        self.commune_regions = dict(
            Commune.objects.values_list("code_insee", "departement__region_id").iterator(chunk_size=5000)
        )
        self.mediators = dict(LegacyMediator.objects.values_list("v1_id", "user_id"))
        self.structures = {}  # v1 id or "siret:<siret>" → (structure id, département, région) or None
        self.places = {}  # permanence key → (place id, commune) or None
        self.structures_created = 0
        self._by_siret, self._links = {}, {}

    def forget_batch(self):
        """After a failed batch, what it created was rolled back: look it up again."""
        self.structures.clear()
        self.places.clear()

    def commune(self, code_insee, postal_code, name):
        if not (code_insee or postal_code or name):
            return None
        return self.communes.find(code_insee, postal_code, name)

    def codes(self, code_insee) -> tuple[str, str]:
        region = self.commune_regions.get(code_insee) or ""
        if not code_insee:
            return "", ""
        departement = code_insee[:3] if code_insee.startswith(("97", "98")) else code_insee[:2]
        return departement, region

    @staticmethod
    def _structure_keys(legacy: Legacy) -> tuple[str, str, str]:
        """(v1 key, valid SIRET or "", SIRET as written) of the row's structure."""
        data = legacy.structure
        siret = "".join(data["siret"].split())
        valid_siret = siret if siret and siret_error(siret) is None else ""
        return data["id"] or (f"siret:{valid_siret}" if valid_siret else ""), valid_siret, siret

    def prefetch_structures(self, batch):
        """Two queries for the structures a batch names and that are not known yet (instead of two per row)."""
        keys = {self._structure_keys(legacy)[:2] for legacy in batch if not legacy.rejected}
        missing = {(v1_id, siret) for v1_id, siret in keys if v1_id and v1_id not in self.structures}
        sirets = sorted({siret for _v1_id, siret in missing if siret})
        self._by_siret = {}
        for structure in Structure.objects.filter(siret__in=sirets).order_by("pk"):
            self._by_siret.setdefault(structure.siret, structure)
        links = LegacyStructure.objects.filter(v1_id__in=sorted(v1_id for v1_id, _siret in missing))
        self._links = {link.v1_id: link for link in links.select_related("structure").order_by("pk")}

    def structure(self, legacy: Legacy):
        """(structure id, département, région) of the row's structure, found by SIRET, else by v1 id, else
        created (flagged ``created_by_import``); None when the row names none or it cannot be created."""
        v1_id, valid_siret, siret = self._structure_keys(legacy)
        if siret and not valid_siret:
            legacy.warn("structure_siret", "SIRET invalide, structure cherchée par son identifiant v1", siret)
        if not v1_id:
            legacy.warn("structure_id", "aucune structure : activité importée sans structure")
            return None
        if v1_id in self.structures:
            return self.structures[v1_id]
        structure = self._by_siret.get(valid_siret) if valid_siret else None
        link = self._links.get(v1_id)
        if structure is None and link is not None:
            structure = link.structure
        if structure is None:
            structure = self._create_structure(legacy, valid_siret)
            if structure is None:
                self.structures[v1_id] = None
                return None
            if valid_siret:
                self._by_siret[valid_siret] = structure
            LegacyStructure.objects.create(v1_id=v1_id, structure=structure, created_by_import=True)
            self.structures_created += 1
        elif link is None:
            LegacyStructure.objects.create(v1_id=v1_id, structure=structure, created_by_import=False)
        departement, region = self.codes(structure.commune_id)
        self.structures[v1_id] = (structure.pk, departement, region)
        return self.structures[v1_id]

    def _create_structure(self, legacy, siret):
        data = legacy.structure
        commune = self.commune(data["code_commune"], data["code_postal"], data["nom_commune"])
        if commune is None:
            legacy.warn(
                "structure_code_commune",
                "structure inconnue et sans commune connue : activité importée sans structure",
                data["code_commune"] or data["nom_commune"],
            )
            return None
        name = (data["nom"] or f"Structure v1 {data['id'] or siret}")[:200]
        return Structure.objects.create(
            name=name,
            siret=siret,
            kind=mapping.STRUCTURE_KINDS.get(mapping.key(data["type"]), "other"),
            postal_code=(data["code_postal"] or "")[:5],
            commune_id=commune.code_insee,
        )

    def place(self, legacy: Legacy):
        """The directory's place of the row's ``permanence_*`` columns: by SIRET and commune, else by name and
        commune. None (with a warning) when the directory has no such place."""
        data = legacy.permanence
        if not data:
            return None
        commune = self.commune(
            data.get("permanence_code_commune", ""),
            data.get("permanence_code_postal", ""),
            data.get("permanence_nom_commune", ""),
        )
        code = commune.code_insee if commune else ""
        name = data.get("permanence_nom_enseigne", "")
        siret = "".join(data.get("permanence_siret", "").split())
        cache_key = data.get("permanence_id") or f"{siret}|{search_key(name)}|{code}"
        if cache_key not in self.places:
            place = None
            candidates = Place.objects.filter(code_insee=code) if code else Place.objects.none()
            if siret:
                place = candidates.filter(pivot=siret).order_by("pk").values_list("pk", flat=True).first()
            if place is None and name:
                wanted = search_key(name)
                for pk, place_name in candidates.order_by("pk").values_list("pk", "name"):
                    if search_key(place_name) == wanted:
                        place = pk
                        break
            self.places[cache_key] = (place, code) if place else None
        found = self.places[cache_key]
        if found is None:
            legacy.warn("permanence_nom_enseigne", "lieu de la permanence absent de l'annuaire", name or siret)
        return found


# Saving


def _import_batch(batch, context, result, report):
    ids = [legacy.legacy_id for legacy in batch if legacy.legacy_id and not legacy.rejected]
    known = set()
    if ids:
        # Imported before: on an activity, or archived as imported (an activity deleted since stays deleted).
        known.update(Activity.objects.filter(legacy_id__in=ids).values_list("legacy_id", flat=True))
        imported = LegacyActivityRow.objects.filter(legacy_id__in=ids, outcome=LegacyRowOutcome.IMPORTED)
        known.update(imported.values_list("legacy_id", flat=True))
    seen = set()
    todo = []
    for legacy in batch:
        if legacy.legacy_id in known:
            result.already += 1
            continue
        if legacy.legacy_id and legacy.legacy_id in seen and not legacy.rejected:
            legacy.reject("id", "identifiant v1 répété dans le fichier : seule la première ligne est importée")
        seen.add(legacy.legacy_id)
        todo.append(legacy)
    issues = {id(legacy): list(legacy.issues) for legacy in todo}
    try:
        with transaction.atomic():
            saved = _save(todo, context, result)
    except DatabaseError:
        # One row the database refuses: save the others one by one, reject that one.
        context.forget_batch()
        saved = []
        for legacy in todo:
            legacy.issues = list(issues[id(legacy)])
            try:
                with transaction.atomic():
                    saved.extend(_save([legacy], context, result))
            except DatabaseError as error:
                context.forget_batch()
                legacy.issues = list(issues[id(legacy)])
                legacy.reject("", f"refusée par la base de données : {str(error).splitlines()[0][:200]}")
                with transaction.atomic():
                    saved.extend(_save([legacy], context, result))
    for legacy in saved:
        for issue in legacy.issues:
            report.write(issue)
            if issue.level == WARNING:
                result.warnings += 1
        if legacy.rejected:
            result.rejected += 1
        else:
            result.imported += 1


def _save(batch, context, result) -> list[Legacy]:
    """Write one batch: activities of the valid rows, the archive of every row. Returns the rows written."""
    activities, archive = [], []
    local_mediators = Counter()
    context.prefetch_structures(batch)
    for legacy in batch:
        activity = None if legacy.rejected else _activity(legacy, context, local_mediators)
        archive.append((legacy, activity))
        if activity is not None:
            activities.append(activity)
    Activity.objects.bulk_create(activities, batch_size=500)
    now = timezone.now()
    rows = [
        LegacyActivityRow(
            legacy_id=_archive_key(legacy),
            values=_compact(legacy.raw),
            file_name=context.file_name[:255],
            row_number=legacy.row,
            outcome=LegacyRowOutcome.REJECTED if activity is None else LegacyRowOutcome.IMPORTED,
            reason="; ".join(
                f"{issue.column or 'ligne'} : {issue.message}" for issue in legacy.issues if issue.level == REJECTED
            ),
            activity=activity,
            read_at=now,
        )
        for legacy, activity in archive
    ]
    LegacyActivityRow.objects.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=["legacy_id"], update_fields=ARCHIVE_UPDATE_FIELDS
    )
    result.unknown_mediators.update(local_mediators)
    return batch


def _activity(legacy: Legacy, context: Context, unknown_mediators: Counter) -> Activity | None:
    values = dict(legacy.values)
    mediator_id = context.mediators.get(legacy.mediator_v1_id) if legacy.mediator_v1_id else None
    if legacy.mediator_v1_id and mediator_id is None:
        unknown_mediators[legacy.mediator_v1_id] += 1
    elif not legacy.mediator_v1_id:
        legacy.warn("v1_conseiller_numerique_id", "aucun conseiller : activité importée sans médiateur")
    structure = context.structure(legacy)
    place = context.place(legacy) if values["location_kind"] in ("place", "elsewhere") else None
    commune = None
    if values["location_kind"] != "remote":
        commune = context.commune(*legacy.commune)
        if commune is None and any(legacy.commune):
            legacy.warn(
                "code_commune",
                "commune inconnue : activité importée sans commune",
                legacy.commune[0] or legacy.commune[2],
            )
    code = commune.code_insee if commune else (place[1] if place else "")
    departement, region = context.codes(code) if code else ("", "")
    if not departement and structure:
        departement, region = structure[1], structure[2]
    activity = Activity(
        mediator_id=mediator_id,
        structure_id=structure[0] if structure else None,
        place_id=place[0] if place else None,
        commune_id=code or None,
        departement_code=departement,
        region_code=region,
        **values,
    )
    for spec in MULTI_ENUM_FIELDS:
        ordered = spec.ordered(getattr(activity, spec.field))
        setattr(activity, spec.field, ordered)
        setattr(activity, spec.mask_field, spec.mask(ordered))
    return activity


def _archive_key(legacy: Legacy) -> str:
    """The v1 id; a row without a usable one is archived under a hash of its cells (the same row read twice
    is stored once)."""
    if legacy.legacy_id and len(legacy.legacy_id) <= 40:
        return legacy.legacy_id
    digest = hashlib.sha256(json.dumps(legacy.raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"sans-id:{digest[:40]}"


def _compact(raw: dict) -> dict:
    """The row's cells as read, without the empty ones and the ``null`` ones."""
    return {
        name: value
        for name, value in raw.items()
        if isinstance(value, list) or str(value).strip().lower() not in mapping.NULLS
    }


__all__ = ["ImportFailed", "ImportResult", "default_report_path", "import_cra_v1"]
