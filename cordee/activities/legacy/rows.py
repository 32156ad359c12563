"""One row of the v1 export → the fields of an activity, or the reasons why it cannot be imported.

Pure functions over strings: the importer (``importer.py``) resolves what needs the database (structure,
mediator, place, commune) and saves. Reasons are in French and name the v1 column.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from cordee.activities.legacy import mapping
from cordee.territories.time_zones import DEFAULT_TIME_ZONE, TIME_ZONES

# The header of the export, in its order. Columns may come in another order; ``permanence_*`` columns are
# optional (later exports carry them); anything else is kept in the archive and otherwise ignored.
COLUMNS = [
    "id",
    "imported_at",
    "canal",
    "activite",
    "nb_participants",
    "nb_participants_recurrents",
    "age_moins_12_ans",
    "age_de_12_a_18_ans",
    "age_de_18_a_35_ans",
    "age_de_35_a_60_ans",
    "age_plus_60_ans",
    "statut_etudiant",
    "statut_sans_emploi",
    "statut_en_emploi",
    "statut_retraite",
    "statut_heterogene",
    "themes",
    "sous_themes_sante",
    "duree",
    "accompagnement_individuel",
    "accompagnement_atelier",
    "accompagnement_redirection",
    "code_postal",
    "nom_commune",
    "date_accompagnement",
    "code_commune",
    "created_at",
    "structure_id",
    "structure_id_pg",
    "structure_type",
    "structure_statut",
    "structure_nom",
    "structure_siret",
    "structure_code_postal",
    "structure_nom_commune",
    "structure_code_commune",
    "structure_code_departement",
    "structure_code_region",
    "v1_conseiller_numerique_id",
    "annotation",
    "sous_themes_accompagner",
    "sous_themes_equipement_informatique",
    "sous_themes_traitement_texte",
    "organismes",
    "updated_at",
    "duree_minutes",
]
REQUIRED_COLUMNS = ["id", "canal", "activite", "nb_participants", "themes", "date_accompagnement"]
PERMANENCE_COLUMNS = [
    "permanence_id",
    "permanence_nom_enseigne",
    "permanence_siret",
    "permanence_adresse",
    "permanence_code_postal",
    "permanence_nom_commune",
    "permanence_code_commune",
]
EARLIEST_DATE = dt.date(2020, 1, 1)  # the programme's first reports date from late 2020
MAX_ID_LENGTH = 40  # Activity.legacy_id
MAX_PRECISION = 200  # Activity.admin_precision
MAX_NOTE = 2000

REJECTED = "rejet"
WARNING = "avertissement"


@dataclass
class Issue:
    row: int
    column: str
    level: str
    message: str
    value: str = ""
    legacy_id: str = ""


@dataclass
class Legacy:
    """What one v1 row says, in Cordée's terms; ``issues`` say what could not be used."""

    row: int
    raw: dict
    legacy_id: str = ""
    values: dict = field(default_factory=dict)  # fields of the Activity
    structure: dict = field(default_factory=dict)  # v1 structure columns (siret, name, commune…)
    permanence: dict = field(default_factory=dict)  # v1 permanence columns, when present
    mediator_v1_id: str = ""
    commune: tuple = ("", "", "")  # (code INSEE, postal code, name) of where it happened
    issues: list = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return any(issue.level == REJECTED for issue in self.issues)

    def reject(self, column, message, value=""):
        self.issues.append(Issue(self.row, column, REJECTED, message, _short(value), self.legacy_id))

    def warn(self, column, message, value=""):
        self.issues.append(Issue(self.row, column, WARNING, message, _short(value), self.legacy_id))

    def cell(self, column) -> str | None:
        """The cell's text, or None for an empty cell or a ``null``."""
        value = self.raw.get(column)
        if value is None:
            return None
        value = str(value).strip()
        return None if value.lower() in mapping.NULLS else value


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def parse_array(text: str | None) -> list[str] | None:
    """A PostgreSQL array literal ``{a,"b, c",NULL}`` → ``["a", "b, c"]``; None when it is not one.

    A JSON list is accepted too. An empty cell or ``null`` is an empty list.
    """
    if text is None:
        return []
    text = text.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            return None
        return [str(item) for item in items if item is not None] if isinstance(items, list) else None
    if not (text.startswith("{") and text.endswith("}")):
        return None
    body, items, current, quoted, escaped, was_quoted = text[1:-1], [], [], False, False, False
    if not body.strip():
        return []
    for char in body:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
            was_quoted = True
        elif char == "," and not quoted:
            items.append(("".join(current), was_quoted))
            current, was_quoted = [], False
        else:
            current.append(char)
    if quoted:
        return None
    items.append(("".join(current), was_quoted))
    values = []
    for item, was_quoted in items:
        item = item if was_quoted else item.strip()
        if not was_quoted and item.upper() == "NULL":
            continue
        values.append(item)
    return values


def parse_organisms(text: str | None) -> dict[str, int] | None:
    """``organismes``: ``null``, ``{"CAF": 1}`` or ``[{"CAF": 1}, {"CCAS": 2}]`` → {name: count}.

    None when it cannot be read."""
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if data is None:
        return {}
    records = data if isinstance(data, list) else [data]
    organisms = {}
    for record in records:
        if not isinstance(record, dict):
            return None
        for name, count in record.items():
            if not isinstance(count, int | float) or isinstance(count, bool) or count < 0:
                return None
            organisms[str(name).strip()] = organisms.get(str(name).strip(), 0) + int(count)
    return organisms


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """'2022-03-16 11:43:48.281' (UTC, as v1 stored it), ISO forms with T, Z or an offset; None if unreadable."""
    if text is None:
        return None
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if offset and offset != "Z":
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[-2:])
        return moment.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))
    return moment.replace(tzinfo=dt.UTC)


@lru_cache(maxsize=64)
def _zone(departement_code: str) -> ZoneInfo:
    return ZoneInfo(TIME_ZONES.get(departement_code, DEFAULT_TIME_ZONE))


def local_date(moment: dt.datetime, departement_code: str = "") -> dt.date:
    """The day it was in the territory: v1 stored the chosen day as local midnight in UTC (the day before)."""
    return moment.astimezone(_zone(departement_code)).date()


def parse_count(legacy: Legacy, column: str, *, required=False) -> int | None:
    text = legacy.cell(column)
    if text is None:
        if required:
            legacy.reject(column, "valeur manquante")
            return None
        return 0
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        legacy.reject(column, "nombre attendu", text)
        return None
    if number != int(number):
        legacy.reject(column, "nombre entier attendu", text)
        return None
    if number < 0:
        legacy.reject(column, "nombre négatif", text)
        return None
    return int(number)


def parse_duration(legacy: Legacy) -> int | None:
    """``duree_minutes`` when it holds a positive number, else ``duree`` (minutes or a v1 bucket)."""
    minutes_text, duree_text = legacy.cell("duree_minutes"), legacy.cell("duree")
    for column, text in (("duree_minutes", minutes_text), ("duree", duree_text)):
        if text is None:
            continue
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = None
        if number is not None:
            if number < 0:
                legacy.reject(column, "durée négative", text)
                return None
            if number > 0:
                if number > mapping.MAX_DURATION_MINUTES:
                    legacy.reject(column, "durée de plus de 24 heures", text)
                    return None
                return max(1, round(number))
            continue
        bucket = mapping.DURATION_BUCKETS.get(mapping.key(text))
        if bucket:
            return bucket
        legacy.reject(
            column, "durée illisible : des minutes ou une tranche (0-30, 30-60, 60-120, 120+) attendues", text
        )
        return None
    legacy.reject("duree", "durée manquante ou nulle", duree_text or minutes_text or "")
    return None


def read_row(number: int, raw: dict, *, today: dt.date) -> Legacy:
    """Everything the row says that does not need the database; rejections and warnings in ``issues``."""
    legacy = Legacy(row=number, raw=raw)
    legacy.legacy_id = legacy.cell("id") or ""
    values = legacy.values
    if not legacy.legacy_id:
        legacy.reject("id", "identifiant v1 manquant")
    elif len(legacy.legacy_id) > MAX_ID_LENGTH:
        legacy.reject("id", f"identifiant de plus de {MAX_ID_LENGTH} caractères", legacy.legacy_id)
    values["legacy_id"] = legacy.legacy_id

    activite = legacy.cell("activite")
    kind = mapping.KINDS.get(mapping.key(activite))
    if kind is None:
        legacy.reject(
            "activite", "type d'activité inconnu : individuel, collectif ou ponctuel attendu", activite or ""
        )
    values["kind"] = kind

    canal = legacy.cell("canal")
    location = mapping.LOCATIONS.get(mapping.key(canal))
    if location is None:
        legacy.reject("canal", "lieu inconnu : rattachement, autre lieu, distance ou domicile attendu", canal or "")
    values["location_kind"] = location

    participants = parse_count(legacy, "nb_participants", required=True)
    if participants is not None and participants < 1:
        legacy.reject("nb_participants", "au moins un participant attendu", str(participants))
    values["participants"] = participants
    returning = parse_count(legacy, "nb_participants_recurrents")
    if returning is not None and participants and returning > participants:
        legacy.reject(
            "nb_participants_recurrents",
            f"plus de participants déjà accompagnés que de participants ({participants})",
            str(returning),
        )
    values["returning"] = returning
    for columns, label in ((mapping.AGE_COLUMNS, "âge"), (mapping.STATUS_COLUMNS, "statut")):
        total = 0
        for column, name in columns.items():
            count = parse_count(legacy, column)
            values[name] = count
            total += count or 0
        if participants and total > participants:
            legacy.reject(
                next(iter(columns)),
                f"la répartition par {label} ({total}) dépasse le nombre de participants ({participants})",
                str(total),
            )
    if participants:
        values["gender_unknown"] = participants  # v1 did not ask

    values["duration_minutes"] = parse_duration(legacy)

    moment = parse_timestamp(legacy.cell("date_accompagnement"))
    if moment is None:
        legacy.reject("date_accompagnement", "date illisible", legacy.cell("date_accompagnement") or "")
    else:
        departement = legacy.cell("structure_code_departement") or ""
        day = local_date(moment, departement)
        if day > today:
            legacy.reject("date_accompagnement", "date dans le futur", legacy.cell("date_accompagnement"))
        elif day < EARLIEST_DATE:
            legacy.reject(
                "date_accompagnement",
                f"date antérieure au {EARLIEST_DATE:%d/%m/%Y}, avant le dispositif",
                legacy.cell("date_accompagnement"),
            )
        values["date"] = day

    _read_themes(legacy)
    _read_redirections(legacy)

    annotation = legacy.cell("annotation")
    if annotation:
        if "admin_procedures" in values.get("themes", []):
            values["admin_precision"] = annotation[:MAX_PRECISION]
        else:
            values["note"] = annotation[:MAX_NOTE]

    legacy.commune = (
        legacy.cell("code_commune") or "",
        legacy.cell("code_postal") or "",
        legacy.cell("nom_commune") or "",
    )
    legacy.structure = {
        name: legacy.cell(f"structure_{name}") or ""
        for name in ("id", "id_pg", "type", "statut", "nom", "siret", "code_postal", "nom_commune", "code_commune")
    }
    legacy.structure["code_departement"] = legacy.cell("structure_code_departement") or ""
    legacy.permanence = {column: legacy.cell(column) or "" for column in PERMANENCE_COLUMNS if legacy.cell(column)}
    legacy.mediator_v1_id = legacy.cell("v1_conseiller_numerique_id") or ""
    if len(legacy.mediator_v1_id) > MAX_ID_LENGTH:
        legacy.reject(
            "v1_conseiller_numerique_id", f"identifiant de plus de {MAX_ID_LENGTH} caractères", legacy.mediator_v1_id
        )
    values["legacy_mediator_id"] = legacy.mediator_v1_id
    values["is_conseiller_numerique"] = True  # v1 was the conseiller numérique programme's tool
    values["source"] = "import_v1"
    return legacy


def _read_list(legacy, column) -> list[str]:
    items = parse_array(legacy.cell(column))
    if items is None:
        legacy.reject(column, "liste illisible : un tableau PostgreSQL {a,b} attendu", legacy.cell(column))
        return []
    return items


def _read_themes(legacy: Legacy):
    values = legacy.values
    themes, equipment, subthemes = [], [], []
    v1_themes = _read_list(legacy, "themes")
    for theme in v1_themes:
        theme_key = mapping.key(theme)
        if theme_key not in mapping.THEMES:
            legacy.reject("themes", "thème v1 inconnu", theme)
            continue
        for new in mapping.THEMES[theme_key]:
            if new not in themes:
                themes.append(new)
        if theme_key in mapping.THEME_EQUIPMENT and mapping.THEME_EQUIPMENT[theme_key] not in equipment:
            equipment.append(mapping.THEME_EQUIPMENT[theme_key])
    if v1_themes and not themes and not legacy.rejected:
        legacy.warn("themes", "aucun thème du référentiel actuel (thème v1 « autre ») : activité importée sans thème")
    if not v1_themes and not legacy.rejected:
        legacy.warn("themes", "aucun thème : activité importée sans thème")
    for item in _read_list(legacy, "sous_themes_equipement_informatique"):
        device = mapping.EQUIPMENT.get(mapping.key(item))
        if device is None:
            legacy.warn("sous_themes_equipement_informatique", "matériel inconnu, compté comme « autre »", item)
            device = "other"
        if device not in equipment:
            equipment.append(device)
    health = _read_list(legacy, "sous_themes_sante")
    if health and "admin_procedures" in themes:
        subthemes.append(mapping.HEALTH_ADMIN_SUBTHEME)
    for column in ("sous_themes_accompagner", "sous_themes_traitement_texte"):
        _read_list(legacy, column)  # checked; kept in the archive only
    values["themes"] = themes
    values["equipment"] = equipment
    values["admin_subthemes"] = subthemes


def _read_redirections(legacy: Legacy):
    organisms = parse_organisms(legacy.cell("organismes"))
    redirections = []
    if organisms is None:
        legacy.reject(
            "organismes", 'JSON illisible : un objet {"organisme": nombre} ou null attendu', legacy.cell("organismes")
        )
        organisms = {}
    for name in organisms:
        redirection = mapping.organism_redirection(name)
        if redirection is None:
            legacy.warn("organismes", "organisme inconnu, compté comme redirection « autre »", name)
            redirection = "other"
        if redirection not in redirections:
            redirections.append(redirection)
    redirected = parse_count(legacy, "accompagnement_redirection")
    if redirected and not redirections:
        redirections.append("other")
    for column in ("accompagnement_individuel", "accompagnement_atelier"):
        parse_count(legacy, column)
    legacy.values["redirections"] = redirections
