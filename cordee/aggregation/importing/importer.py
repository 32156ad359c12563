"""Importing a places file (standard v1.0.x or v0.1, CSV or JSON) into the directory.

One file is one transaction: valid rows are created or updated in place (by ``source_name`` and the
row's ``id``), rejected rows are reported, nothing is half-written if the import fails.
Usable from the ``import_places`` command and from a background task (``import_file``).
"""

import datetime as dt
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cordee.aggregation.importing import v01
from cordee.aggregation.importing.readers import UnreadableFile, read_places_file
from cordee.aggregation.importing.validation import (
    PLACEHOLDER_DATE_MESSAGE,
    REJECTED,
    WARNING,
    CommuneIndex,
    Issue,
    normalise_columns,
    parse_date,
    text_value,
    validate_row,
)
from cordee.aggregation.importing.values import ValueStats
from cordee.core import tabular
from cordee.journal.services import record
from cordee.places import contacts, perms, quality
from cordee.places.models import Place, store_opening_intervals
from cordee.territories.normalize import search_key

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
    "location_warning",
    "unrecognised_values",
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
    "identity_key",
    "accepts_pass_numerique",
    "updated_at",
]
UPDATE_FIELDS = [name.removesuffix("_id") if name == "commune_ref_id" else name for name in IMPORT_FIELDS]
UPDATE_FIELDS = [*UPDATE_FIELDS, *DERIVED_FIELDS, "source_fingerprint"]


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
    unchanged: int = 0
    rejected: int = 0
    not_in_file: int = 0
    skipped: int = 0
    personal_contacts: int = 0  # rows with a contact that looks like a person's (cordee.places.contacts)
    identical: int = 0
    attached: int = 0
    departements: set = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)
    file_notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    row_label: str = "ligne"
    location_flags: int = 0
    placeholder_dates: int = 0
    value_stats: ValueStats = field(default_factory=ValueStats)

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
            f"{self.total} lignes lues : {self.created} lieux créés, {self.updated} modifiés, "
            f"{self.unchanged} inchangés, {self.rejected} lignes rejetées, {len(self.warnings)} avertissements.",
        ]
        if self.location_flags:
            lines.append(
                f"{self.location_flags} lieux à la localisation à vérifier (commune corrigée ou douteuse, "
                "coordonnées loin de leur commune) : signalés sur leur fiche."
            )
        if self.placeholder_dates:
            lines.append(f"{self.placeholder_dates} dates fictives (1970-01-01, 0000-00-00) tenues pour manquantes.")
        if self.skipped:
            lines.append(f"{self.skipped} lieux déjà chargés depuis une autre source, laissés de côté.")
        if self.personal_contacts:
            lines.append(
                f"{self.personal_contacts} lieux publient un contact qui semble personnel (adresse prénom.nom, "
                "numéro de portable) : proposez-leur un contact générique (voir le rapport)."
            )
        if self.attached:
            lines.append(
                f"{self.attached} lignes identiques à des lieux déjà présents (même nom, adresse et commune) "
                "rattachées à ces lieux : mis à jour au lieu d'être créés en double."
            )
        elif self.identical:
            lines.append(
                f"{self.identical} lignes identiques à des lieux déjà présents sous une autre source ou un autre "
                "identifiant (même nom, adresse et commune) : créées en double. Pour les rattacher à ces lieux, "
                "relancez avec --attach-identical (en ligne : cochez « Rattacher les lieux identiques »)."
            )
        if self.not_in_file:
            lines.append(f"{self.not_in_file} lieux de cette source déjà connus sont absents du fichier (conservés).")
        lines.extend(self.file_notes)
        lines.extend(self.value_stats.lines())
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

    def report_rows(self):
        """The report's rows: file notes first, then every issue (row, field, level, reason, value)."""
        for note in self.file_notes:
            yield ["", "", "fichier", note, ""]
        for issue in self.issues:
            yield [issue.row, issue.field, issue.level, issue.message, issue.value]
        for line in self.value_stats.lines():
            yield ["", "", "valeurs", line, ""]

    @property
    def report_header(self):
        return [self.row_label, "champ", "niveau", "motif", "valeur"]

    def write_csv(self, path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as report_file:
            tabular.write_csv(report_file, self.report_header, self.report_rows())
        return path


def default_source_name(path) -> str:
    """'hub-du-sud-2023-05-17.json' → 'hub-du-sud': successive exports of a source share its name."""
    name = Path(path).name.lower().removesuffix(".gz")
    stem = Path(name).stem
    return re.sub(r"[-_ ]?\d{4}(-\d{2}){0,2}$", "", stem) or stem


def default_report_path(source_name, base_dir) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(base_dir) / "reports" / f"import-{source_name}-{stamp}.csv"


def import_file(
    path,
    source_name=None,
    progress=None,
    communes=None,
    *,
    max_rows=None,
    importer=None,
    import_ref=None,
    skip=None,
    attach_identical=False,
) -> ImportReport:
    """Import one file; ``progress(done, total)`` is called as rows are validated. Returns the report.

    The file is streamed: a first pass checks it and surveys its ids and columns, a second one
    validates and saves the rows ``BATCH_SIZE`` at a time, in one transaction. Memory stays bounded.
    With ``importer`` (a web import), rows that would create or change a place outside the importer's
    territories, or a place they may not edit, are refused (``cordee.places.perms``). Every place created
    or changed is journaled (``places.imported``, with ``import_ref`` when given). ``skip(source_id)``
    tells which valid rows to leave out (places already loaded from another source); they are counted.
    A new row identical to a place already present under another source or id (same name, address and
    commune) is counted and warned about; with ``attach_identical`` it updates that place instead of
    creating a double (``IdentityCheck``).
    Raises ``ImportFailed`` when the file cannot be read at all (or is over the limits of ``readers``).
    """

    started = time.monotonic()
    source_name = source_name or default_source_name(path)
    report = ImportReport(path=str(path), source_name=source_name)
    limits = {"max_rows": max_rows} if max_rows else {}
    try:
        read = read_places_file(path, **limits)
        report.file_description = read.description
        report.row_label = "ligne" if read.format == "csv" else "élément"
        report.total = read.row_count
        if not read.row_count:
            raise ImportFailed(f"Le fichier {Path(path).name} ne contient aucun lieu.")
        survey = _survey(read, report)
        communes = communes if communes is not None else CommuneIndex.from_database()
        if survey.composite_ids:
            report.file_notes.append(
                "Des identifiants « id » se répètent entre sources agrégées : "
                "chaque lieu est identifié par « source:id »."
            )
        with transaction.atomic():
            guard = ImportGuard(importer) if importer is not None else None
            journal = ImportJournal(importer, import_ref)
            _validate_and_save(
                read, source_name, communes, survey, report, progress, guard, journal, skip, attach_identical
            )
    except UnreadableFile as error:
        raise ImportFailed(str(error)) from error
    report.duration = time.monotonic() - started
    logger.info(
        "Import des lieux %s (%s) : %d lus, %d créés, %d modifiés, %d inchangés, %d rejetés, "
        "%d avertissements en %.1f s",
        source_name,
        Path(path).name,
        report.total,
        report.created,
        report.updated,
        report.unchanged,
        report.rejected,
        len(report.warnings),
        report.duration,
    )
    return report


def _validate_and_save(
    read, source_name, communes, survey, report, progress, guard=None, journal=None, skip=None, attach_identical=False
):
    existing = {
        source_id: (pk, fingerprint, accepts_pass)
        for source_id, pk, fingerprint, accepts_pass in Place.objects.filter(source_name=source_name).values_list(
            "source_id", "pk", "source_fingerprint", "accepts_pass_numerique"
        )
    }
    now = timezone.now()
    identity = IdentityCheck(source_name, survey.ids, attach_identical)
    seen, valid = {}, []
    for index, raw in enumerate(read.rows(), start=1):
        outcome = validate_row(raw.number, raw.values, communes)
        if survey.composite_ids and outcome.source_id:
            outcome.source_id = f"{outcome.source}:{outcome.source_id}"
        winner = survey.winners.get(outcome.source_id)
        if winner is not None and winner != raw.number:
            outcome.reject(
                "id",
                f"identifiant répété ; gardé à sa place : {report.row_label} {winner} "
                f"({survey.rank_texts[winner]}, la plus récente, puis la plus complète)",
                outcome.source_id,
            )
        if outcome.source_id:
            seen.setdefault(outcome.source_id, raw.number)
        report.issues.extend(outcome.issues)
        if not outcome.rejected and any(
            issue.message.startswith(contacts.PERSONAL_WARNING) for issue in outcome.issues
        ):
            report.personal_contacts += 1
        _count_flags(outcome, report)
        for column, match in outcome.value_matches:
            report.value_stats.add(column, match, _shown(match))
        if outcome.rejected:
            report.rejected += 1
        elif skip is not None and skip(outcome.source_id):
            report.skipped += 1
        else:
            valid.append(outcome)
        if len(valid) >= BATCH_SIZE:
            _save_allowed(valid, guard, source_name, existing, now, report, journal, identity)
            valid = []
        if progress and (index % 100 == 0 or index == report.total):
            progress(index, report.total)
    if valid:
        _save_allowed(valid, guard, source_name, existing, now, report, journal, identity)
    if guard is not None:
        report.issues.sort(key=lambda issue: issue.row)
    report.not_in_file = len(set(existing) - set(seen))


def _count_flags(outcome, report):
    """Rows whose place is flagged for its location, and placeholder dates, counted for the summary."""
    if outcome.values.get("location_warning"):
        report.location_flags += 1
    if any(issue.field == "date_maj" and issue.message == PLACEHOLDER_DATE_MESSAGE for issue in outcome.issues):
        report.placeholder_dates += 1


def _shown(match):
    return ", ".join(str(value) if value is not True else "Pass numérique" for _target, value in match.targets)


@dataclass
class Survey:
    """What the first pass learnt: whether ids need their source, and which row wins for a repeated id."""

    composite_ids: bool = False
    ids: set = field(default_factory=set)  # every id of the file (as the rows will be saved under)
    winners: dict = field(default_factory=dict)  # repeated id → number of the row kept
    rank_texts: dict = field(default_factory=dict)  # row number → why it is kept ("du 2024-03-01")


# The columns that make a file a places file of the standard: without them it is another format.
IDENTIFYING_COLUMNS = ["id", "nom"]
EXPECTED_COLUMNS = "« id », « nom », « adresse », « code_postal », « commune », « date_maj »"


def _survey(read, report) -> Survey:
    """One streamed pass: standard version, unknown columns, foreign formats (refused whole), whether ids
    need their source (``source:id``) because they repeat across the sources aggregated in the file, and
    which row of a repeated id is kept: the newest by ``date_maj``, then the most complete, then the last."""
    service_values, unknown, mapped = set(), set(), set()
    without_identity = 0
    first_source, by_id, by_pair = {}, {}, {}  # id → its first source; id or (source, id) → [rank, repeats]
    composite = False
    for index, raw in enumerate(read.rows()):
        values, extra = normalise_columns(raw.values)
        unknown.update(extra)
        mapped.update(values)
        if index < 500:
            service_values.update(part.strip() for part in re.split(r"[|;]", values.get("services") or "") if part)
        row_id = text_value(values.get("id"))
        if not row_id and not text_value(values.get("nom")):
            without_identity += 1
        if row_id:
            source = text_value(values.get("source"))
            composite = composite or first_source.setdefault(row_id, source) != source
            rank = (parse_date(values.get("date_maj")) or dt.date.min, len(values), raw.number)
            for table, key in ((by_id, row_id), (by_pair, f"{source}:{row_id}")):
                if key in table:
                    table[key] = [max(table[key][0], rank), True]
                else:
                    table[key] = [rank, False]
    _refuse_foreign_format(read, mapped, without_identity)
    report.version = v01.detect_version(read.columns, service_values)
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        report.file_notes.append(
            f"{len(unknown)} colonne{plural} inconnue{plural} du standard, ignorée{plural} : "
            + ", ".join(sorted(unknown))
            + "."
        )
    # Ids repeated across the sources aggregated in the file: each place is keyed by "source:id".
    keyed = by_pair if composite else by_id
    survey = Survey(composite_ids=composite, ids=set(keyed))
    for key, (rank, repeated) in keyed.items():
        if repeated:
            date, _filled, number = rank
            survey.winners[key] = number
            survey.rank_texts[number] = f"du {date.isoformat()}" if date != dt.date.min else "sans date"
    return survey


def _refuse_foreign_format(read, mapped, without_identity):
    """A file of another format is refused whole, with what was expected and what was found."""
    found = ", ".join(f"« {column} »" for column in read.columns[:12]) + (" …" if len(read.columns) > 12 else "")
    if not mapped & set(IDENTIFYING_COLUMNS):
        raise ImportFailed(
            f"Le fichier {read.name} ne suit pas le standard des lieux de médiation numérique : aucune colonne "
            f"« id » ni « nom ». Colonnes attendues : {EXPECTED_COLUMNS}… ; colonnes trouvées : {found}. "
            "Rien n'a été importé."
        )
    if without_identity * 2 > read.row_count:
        raise ImportFailed(
            f"Le fichier {read.name} ne suit pas le standard des lieux de médiation numérique : "
            f"{without_identity} {('lignes' if read.format == 'csv' else 'éléments')} sur {read.row_count} "
            "n'ont ni identifiant « id » ni nom « nom ». "
            f"Colonnes attendues : {EXPECTED_COLUMNS}… ; colonnes trouvées : {found}. Rien n'a été importé."
        )


# Part of every fingerprint: change it when the validation rules change, so that the next import of an
# unchanged file rewrites its places with the new rules.
FINGERPRINT_VERSION = "2"


def row_fingerprint(outcome) -> str:
    """A hash of what a valid row would write: equal fingerprints mean nothing to rewrite."""
    assessment = outcome.hours_assessment
    payload = {
        "version": FINGERPRINT_VERSION,
        "values": outcome.values,
        "pass": outcome.accepts_pass_numerique,
        "hours": [assessment.status, assessment.warning, assessment.need_parser, assessment.holidays]
        if assessment
        else None,
    }
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _save_allowed(outcomes, guard, source_name, existing, now, report, journal, identity=None):
    if identity is not None:
        identity.resolve(outcomes, existing, report)
    if guard is not None:
        outcomes = guard.filter(outcomes, existing, report)
    if outcomes:
        _save_chunk(outcomes, source_name, existing, now, report, journal)


def _save_chunk(outcomes, source_name, existing, now, report, journal=None):
    to_create, to_update, attached = [], [], set()
    for outcome in outcomes:
        fingerprint = row_fingerprint(outcome)
        known = existing.get(outcome.source_id)
        if known and known[1] == fingerprint:
            report.unchanged += 1
            continue
        place = Place(source_name=source_name, source_id=outcome.source_id, **outcome.values)
        place.source_fingerprint = fingerprint
        place.hours_status = outcome.hours_assessment.status
        place.hours_warning = outcome.hours_assessment.warning
        place.hours_need_parser = outcome.hours_assessment.need_parser
        place.hours_on_holidays = outcome.hours_assessment.holidays
        place._weekly_intervals = outcome.hours_assessment.intervals
        # The Pass numérique flag is ours: a file can set it, never unset it (v1 files do not carry it).
        place.accepts_pass_numerique = outcome.accepts_pass_numerique or bool(known and known[2])
        place.refresh_derived_fields()
        place.updated_at = now
        if known:
            place.pk = known[0]
            to_update.append(place)
            if outcome.attached_from:
                attached.add(place.pk)
        else:
            place.created_at = now
            to_create.append(place)
    Place.objects.bulk_create(to_create)
    # One UPDATE per changed place: bulk_update's CASE expressions over 50 columns are much slower.
    for place in to_update:
        fields = [*UPDATE_FIELDS, "source_name", "source_id"] if place.pk in attached else UPDATE_FIELDS
        Place.objects.filter(pk=place.pk).update(**{name: getattr(place, name) for name in fields})
    store_opening_intervals(to_create + to_update)
    quality.assess_places(to_create + to_update)
    report.created += len(to_create)
    report.updated += len(to_update)
    report.departements.update(place.departement_code for place in to_create + to_update if place.departement_code)
    if journal is not None:
        journal.record(to_create, "created")
        journal.record(to_update, "updated")


def identity_of(name, address, code_insee, commune_name) -> tuple:
    """Same name, address and commune, whatever the case, accents and punctuation."""
    return (search_key(name), search_key(address), code_insee or search_key(commune_name))


class IdentityCheck:
    """Rows that would create a place identical to one already present under another source, or under
    another id of this source (an id that is not in the file): counted and warned about, or, when asked
    (``attach``), written onto that place, which then belongs to this source and id."""

    def __init__(self, source_name, file_ids, attach):
        self.source_name, self.file_ids, self.attach = source_name, file_ids, attach
        self.claimed = set()

    def resolve(self, outcomes, existing, report):
        new = [outcome for outcome in outcomes if outcome.source_id not in existing]
        if not new:
            return
        candidates = {}
        rows = (
            Place.objects.filter(search_name__in={search_key(outcome.values["name"]) for outcome in new})
            .order_by("pk")
            .values_list(
                "pk",
                "source_name",
                "source_id",
                "accepts_pass_numerique",
                "name",
                "address",
                "code_insee",
                "commune_name",
            )
        )
        for pk, source_name, source_id, accepts_pass, *identity in rows:
            if pk in self.claimed or (source_name == self.source_name and source_id in self.file_ids):
                continue
            candidates.setdefault(identity_of(*identity), (pk, source_name, source_id, accepts_pass))
        for outcome in new:
            values = outcome.values
            key = identity_of(values["name"], values["address"], values["code_insee"], values["commune_name"])
            found = candidates.pop(key, None)
            if found is None:
                continue
            pk, source_name, source_id, accepts_pass = found
            report.identical += 1
            if self.attach:
                self.claimed.add(pk)
                existing[outcome.source_id] = (pk, "", accepts_pass)
                outcome.attached_from = (source_name, source_id)
                report.attached += 1
                continue
            outcome.warn(
                "nom",
                f"identique au lieu n° {pk} déjà présent (source « {source_name} », id « {source_id} ») : même nom, "
                "adresse et commune ; créé en double faute de rattachement",
                values["name"],
            )
            report.issues.append(outcome.issues[-1])


class ImportGuard:
    """The importer's rule, checked a chunk of rows at a time (a few queries per chunk)."""

    def __init__(self, user):
        self.user = user
        self.communes = perms.importable_commune_codes(user)

    def filter(self, outcomes, existing, report) -> list:
        known = [Place(pk=existing[outcome.source_id][0]) for outcome in outcomes if outcome.source_id in existing]
        editable = perms.importable_place_ids(self.user, known)
        allowed = []
        for outcome in outcomes:
            commune = outcome.values.get("commune_ref_id")
            known_place = existing.get(outcome.source_id)
            if known_place and editable is not None and known_place[0] not in editable:
                outcome.reject(
                    "id", "lieu existant que vous ne pouvez pas modifier : rien n'est écrit pour cette ligne"
                )
            elif self.communes is not None and commune not in self.communes:
                outcome.reject("commune", "lieu hors de vos territoires : rien n'est écrit pour cette ligne")
            else:
                allowed.append(outcome)
                continue
            report.issues.append(outcome.issues[-1])
            report.rejected += 1
        return allowed


class ImportJournal:
    """Each place an import creates or changes gets a journal entry (who, which import)."""

    def __init__(self, actor, import_ref):
        self.actor, self.import_ref = actor, import_ref

    def record(self, places, change):
        details = {"change": change}
        if self.import_ref is not None:
            details["import"] = self.import_ref
        for place in places:
            record(self.actor, "places.imported", place, **details)


__all__ = ["ImportFailed", "ImportReport", "default_report_path", "default_source_name", "import_file"]
