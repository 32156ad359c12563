"""Validation and normalisation of one row of a places file (standard v1.0.x or v0.1).

Nothing is silently dropped: every value we cannot keep gives a warning (row, field, why), and a row we
cannot save at all is rejected with the reason.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from unidecode import unidecode

from cordee.aggregation.importing import synonyms, v01
from cordee.aggregation.importing import values as value_tables
from cordee.aggregation.standard import (
    MODEL_TO_STANDARD,
    MULTI_ENUM_BY_STANDARD_NAME,
    MULTI_TEXT_FIELDS,
    SCALAR_FIELDS,
    SIRET_PLACEHOLDER,
)
from cordee.places import contacts, enums, hours
from cordee.places.validators import (  # noqa: F401 (CommuneIndex, CommuneInfo: the import's look-up)
    CommuneIndex,
    CommuneInfo,
    FieldError,
    check_point,
    commune_name_keys,
    phone_number,
)
from cordee.structures.validators import siret_error
from cordee.territories.normalize import (
    CODE_INSEE_RE,
    POSTAL_CODE_RE,
    departement_code_from,
    official_commune_name,
    unescape_entities,
)

REJECTED = "rejet"
WARNING = "avertissement"
RNA = re.compile(r"^W\d{9}$")
CONTACT_SEPARATORS = re.compile(r"\s*,\s*|\s+/\s+|\s+ou\s+")
SUMMARY_MAX_LENGTH = 280
MAX_LENGTHS = {
    "name": 255,
    "commune_name": 150,
    "address": 255,
    "address_complement": 255,
    "original_source": 255,
    "parent_structure": 255,
}
# Dates a system writes for "no date": the Unix epoch (1970-01-01, or 1969-12-31 once shifted to a time zone west
# of Greenwich) and zeros. Read as a missing date, counted in the report.
PLACEHOLDER_DATE = re.compile(
    r"^\s*(1970-01-01|1969-12-31|01/01/1970|31/12/1969|0000-00-00|00/00/0000)([ T][\d:.]*(Z|[+-]\d\d:?\d\d)?)?\s*$"
)
PLACEHOLDER_DATE_MESSAGE = "date fictive (origine des horloges ou zéros), pas une date : tenue pour manquante"
URL_FIELDS = {"fiche_acces_libre": "accessibility_url", "prise_rdv": "booking_url"}
_email_validator = EmailValidator()
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class Issue:
    row: int
    field: str
    message: str
    level: str = WARNING
    value: str = ""


@dataclass
class RowOutcome:
    row: int
    source_id: str = ""
    source: str = ""
    values: dict = field(default_factory=dict)
    accepts_pass_numerique: bool = False
    hours_assessment: hours.HoursAssessment | None = None
    attached_from: tuple | None = None  # (source, id) of the identical place this row updates
    value_matches: list = field(default_factory=list)  # [(column, values.Match)] for the report
    issues: list[Issue] = field(default_factory=list)

    @property
    def rejected(self):
        return any(issue.level == REJECTED for issue in self.issues)

    def warn(self, column, message, value=""):
        self.issues.append(Issue(self.row, column, message, WARNING, _short(value)))

    def reject(self, column, message, value=""):
        self.issues.append(Issue(self.row, column, message, REJECTED, _short(value)))


def _short(value):
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _prefix_of_each_other(first, second):
    return first.startswith(second) or second.startswith(first)


KNOWN_COLUMNS = (
    frozenset(SCALAR_FIELDS) | set(MULTI_TEXT_FIELDS) | set(MULTI_ENUM_BY_STANDARD_NAME) | v01.LEGACY_COLUMNS
)


@functools.lru_cache(maxsize=2048)
def standard_column(column: str) -> str | None:
    """The standard's name of a column ('Code Postal', 'pivot (siret ou rna)', 'Courriels' → 'code_postal',
    'pivot', 'courriels'), '' for a column dropped on purpose, None for an unknown one."""
    key = column_key(column)
    name = v01.COLUMN_ALIASES.get(key, key)
    if name in v01.IGNORED_COLUMNS:
        return ""
    return name if name in KNOWN_COLUMNS else None


def column_key(column) -> str:
    return re.sub(r"[^a-z0-9]+", "_", unidecode(str(column)).lower()).strip("_")


def normalise_columns(raw: dict) -> tuple[dict, list[str]]:
    """Values by standard column name (v0.1, misspelt and aliased names renamed); also the unknown columns."""
    values, unknown = {}, []
    for column, value in raw.items():
        name = standard_column(column)
        if name == "":
            continue
        if name is None:
            unknown.append(column)
            continue
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            continue
        # The standard's own column wins over an alias of it (a v0.1 twin, "siret" next to "pivot"…).
        if name in values and column_key(column) != name:
            continue
        values[name] = value
    return values, unknown


def split_multi(value) -> list[str]:
    return value_tables.split_values(value)


def split_contacts(value) -> list[str]:
    """Phones, e-mails and websites: also separated by ``,``, `` / `` or `` ou `` in real files."""
    return [part for item in split_multi(value) for part in CONTACT_SEPARATORS.split(item) if part]


def validate_row(number: int, raw: dict, communes: CommuneIndex) -> RowOutcome:
    values, _unknown = normalise_columns(raw)
    outcome = RowOutcome(row=number)
    place = outcome.values

    outcome.source_id = _text(values.get("id"))
    outcome.source = _text(values.get("source"))
    if not outcome.source_id:
        outcome.reject("id", "identifiant manquant : sans lui, une nouvelle importation créerait un doublon")
    place["name"] = _text(values.get("nom"))
    if not place["name"]:
        outcome.reject("nom", "nom du lieu manquant")

    _location(outcome, values, communes)
    _scalars(outcome, values)
    _pivot(outcome, values.get("pivot"))
    _contacts(outcome, values)
    _multi_enums(outcome, values)
    _hours(outcome, values.get("horaires"))
    return outcome


def _text(value):
    return "" if value is None else unescape_entities(str(value)).strip()


text_value = _text


def _location(outcome, values, communes):
    place = outcome.values
    postal_code = _text(values.get("code_postal")).replace(" ", "")
    if postal_code and len(postal_code) == 4 and postal_code.isdigit():
        postal_code = "0" + postal_code
    if postal_code and not POSTAL_CODE_RE.match(postal_code):
        outcome.warn("code_postal", "le code postal doit compter 5 chiffres : valeur ignorée", postal_code)
        postal_code = ""
    code_insee = _text(values.get("code_insee")).upper()
    if code_insee and not CODE_INSEE_RE.match(code_insee):
        outcome.warn("code_insee", "code INSEE invalide (ex. 23096 ou 2A004) : valeur ignorée", code_insee)
        code_insee = ""
    commune_name = _text(values.get("commune"))
    address = _text(values.get("adresse"))

    latitude = _coordinate(outcome, "latitude", values.get("latitude"), -90, 90)
    longitude = _coordinate(outcome, "longitude", values.get("longitude"), -180, 180)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        latitude = longitude = None

    match = communes.resolve(code_insee, postal_code, commune_name, latitude, longitude)
    commune = match.commune
    notes = list(match.notes)
    if commune is not None:
        place["commune_ref_id"] = commune.code_insee
        if match.corrected_code:
            code_insee = commune.code_insee
        code_insee = code_insee or commune.code_insee
        commune_name = _commune_name(commune_name, commune.name)
        postal_code = postal_code or (commune.postal_codes[0] if len(commune.postal_codes) == 1 else "")
    elif code_insee and communes.by_code:
        outcome.warn("code_insee", "code INSEE inconnu du référentiel des communes", code_insee)
    for note in notes:
        outcome.warn("code_insee", note, match.corrected_code or code_insee)

    if not address and not commune_name and commune is None:
        outcome.reject("adresse", "ni adresse ni commune : impossible de situer le lieu")
    elif not commune_name and not postal_code:
        outcome.reject("commune", "ni commune ni code postal : impossible de situer le lieu")
    elif not address:
        outcome.warn("adresse", "adresse manquante : le lieu est situé à la commune")

    place.update(postal_code=postal_code, code_insee=code_insee, commune_name=commune_name, address=address)

    if latitude is not None:
        latitude, longitude, note = check_point(commune, latitude, longitude)
        if note:
            notes.append(note)
            outcome.warn("latitude", note, f"{values.get('latitude')}, {values.get('longitude')}")
        place.update(latitude=latitude, longitude=longitude, coordinates_precision=enums.CoordinatesPrecision.ADDRESS)
    elif commune is not None and commune.latitude is not None:
        place.update(
            latitude=commune.latitude,
            longitude=commune.longitude,
            coordinates_precision=enums.CoordinatesPrecision.COMMUNE,
        )
    else:
        place.update(latitude=None, longitude=None, coordinates_precision=enums.CoordinatesPrecision.UNKNOWN)
    place["location_warning"] = _short_warning(notes)


def _commune_name(source_name, official_name):
    """The référentiel's name when the source wrote the same one ("Couronne (La)", "ST DENIS"), else the source's."""
    if source_name and commune_name_keys(source_name)[1] == commune_name_keys(official_name)[1]:
        return official_name
    return official_commune_name(source_name, official_name)


def _short_warning(notes):
    text = " ; ".join(dict.fromkeys(notes))
    return text if len(text) <= 500 else text[:499] + "…"


def _coordinate(outcome, column, value, low, high):
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        outcome.warn(column, "ce n'est pas un nombre : valeur ignorée", value)
        return None
    if not low <= number <= high:
        outcome.warn(column, f"doit être comprise entre {low} et {high} : valeur ignorée", value)
        return None
    return number


def _scalars(outcome, values):
    place = outcome.values
    for column in ("complement_adresse", "source", "structure_parente", "presentation_detail"):
        place[SCALAR_FIELDS[column]] = _text(values.get(column))
    summary = _text(values.get("presentation_resume"))
    if len(summary) > SUMMARY_MAX_LENGTH:
        outcome.warn(
            "presentation_resume",
            f"résumé de {len(summary)} caractères (le standard v1 en autorise {SUMMARY_MAX_LENGTH}) : conservé",
        )
    place["summary"] = summary
    place["other_training_labels"] = " | ".join(split_multi(values.get("autres_formations_labels")))
    for model_field, max_length in MAX_LENGTHS.items():
        if len(place.get(model_field, "")) > max_length:
            column = MODEL_TO_STANDARD[model_field]
            outcome.warn(column, f"texte tronqué à {max_length} caractères")
            place[model_field] = place[model_field][: max_length - 1] + "…"
    place["source_updated_on"] = _date(outcome, values.get("date_maj"))
    for column, model_field in URL_FIELDS.items():
        place[model_field] = _url(outcome, column, values.get(column)) or ""


def _date(outcome, value):
    text = _text(value)
    if not text:
        outcome.warn("date_maj", "date de mise à jour manquante (obligatoire dans le standard)")
        return None
    if PLACEHOLDER_DATE.match(text):
        outcome.warn("date_maj", PLACEHOLDER_DATE_MESSAGE, text)
        return None
    date = parse_date(text)
    if date is None:
        outcome.warn("date_maj", "date illisible (attendu AAAA-MM-JJ) : valeur ignorée", text)
    return date


def parse_date(value) -> dt.date | None:
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text[:19] if "T" in text else text, pattern).date()
        except ValueError:
            continue
    return None


def _url(outcome, column, value, warn=True):
    text = _text(value)
    if not text:
        return None
    candidate = text if re.match(r"^https?://", text, re.IGNORECASE) else f"https://{text}"
    try:
        _url_validator(candidate)
    except ValidationError:
        if warn:
            outcome.warn(column, "adresse web invalide : valeur ignorée", text)
        return None
    if len(candidate) > 500:
        outcome.warn(column, "adresse web de plus de 500 caractères : valeur ignorée", text)
        return None
    return candidate


def _pivot(outcome, value):
    pivot = re.sub(r"\s", "", _text(value))
    place = outcome.values
    place["pivot"] = pivot[:20]
    if not pivot:
        place["siret_status"] = enums.SiretStatus.MISSING
    elif pivot == SIRET_PLACEHOLDER:
        place["siret_status"] = enums.SiretStatus.PLACEHOLDER
    elif RNA.match(pivot.upper()):
        place["pivot"] = pivot.upper()
        place["siret_status"] = enums.SiretStatus.RNA
    else:
        error = siret_error(pivot)
        if error:
            place["siret_status"] = enums.SiretStatus.INVALID
            outcome.warn("pivot", f"SIRET invalide : {error} (conservé, marqué invalide)", pivot)
        else:
            place["siret_status"] = enums.SiretStatus.VALID


def _contacts(outcome, values):
    place = outcome.values
    phones = []
    departement = departement_code_from(place.get("code_insee", ""), place.get("postal_code", ""))
    for text in split_contacts(values.get("telephone")):
        try:
            formatted, corrected = phone_number(text, place.get("postal_code", ""), departement)
        except FieldError:
            outcome.warn("telephone", "numéro de téléphone invalide : ignoré", text)
            continue
        if corrected:
            outcome.warn("telephone", f"indicatif pays erroné, numéro corrigé en {formatted}", text)
        if formatted not in phones:
            phones.append(formatted)
    place["phones"] = phones

    emails = []
    for text in split_contacts(values.get("courriels")):
        try:
            _email_validator(text)
        except ValidationError:
            outcome.warn("courriels", "adresse électronique invalide : ignorée", text)
            continue
        if text.lower() not in emails:
            emails.append(text.lower())
    place["emails"] = emails
    for contact in contacts.personal_contacts(emails, phones):
        column = "courriels" if contact.kind == contacts.EMAIL else "telephone"
        outcome.warn(
            column, f"{contacts.PERSONAL_WARNING} : ce contact {contact.reason} ; {contacts.ADVICE}", contact.value
        )

    websites = []
    for text in split_contacts(values.get("site_web")):
        url = _url(outcome, "site_web", text)
        if url and url not in websites:
            websites.append(url)
    place["websites"] = websites


ENUM_COLUMNS = [*MULTI_ENUM_BY_STANDARD_NAME, *sorted(v01.LEGACY_COLUMNS)]


def _multi_enums(outcome, values):
    """Closed-list columns (v1 and their v0.1 forerunners), read tolerantly (``values``); what stays
    unrecognised is kept on the place (``unrecognised_values``), never dropped."""
    place = outcome.values
    found = {column: [] for column in MULTI_ENUM_BY_STANDARD_NAME}
    other_labels, unrecognised = [], {}
    for column in ENUM_COLUMNS:
        group = value_tables.table(synonyms.TABLE_OF_COLUMN[column])
        for raw in value_tables.split_values(values.get(column)):
            for match in group.match(raw):
                outcome.value_matches.append((column, match))
                if match.how == value_tables.UNRECOGNISED:
                    unrecognised.setdefault(column, []).append(match.raw)
                    outcome.warn(column, "valeur non reconnue : conservée dans « valeurs non reconnues »", match.raw)
                    continue
                if match.how == value_tables.FUZZY:
                    shown = ", ".join(str(value) for _target, value in match.targets)
                    outcome.warn(column, f"valeur rapprochée de « {shown} »", match.raw)
                for target, value in match.targets:
                    if target == v01.PASS_NUMERIQUE:
                        outcome.accepts_pass_numerique = True
                    elif target == v01.OTHER_LABEL:
                        other_labels.append(str(value))
                    else:
                        found[target].append(str(value))
    for column, spec in MULTI_ENUM_BY_STANDARD_NAME.items():
        place[spec.field] = spec.ordered(found[column])
    if other_labels:
        existing = [label for label in place["other_training_labels"].split(" | ") if label]
        place["other_training_labels"] = " | ".join(dict.fromkeys(existing + other_labels))
    typologies = []
    for raw in value_tables.split_values(values.get("typologie")):
        code, how = value_tables.typology(raw)
        outcome.value_matches.append(("typologie", value_tables.Match(raw, how)))
        if code not in typologies:
            typologies.append(code)
    place["typologies"] = typologies
    place["unrecognised_values"] = {column: list(dict.fromkeys(raws)) for column, raws in unrecognised.items()}


def _hours(outcome, value):
    place = outcome.values
    place["opening_hours"] = _text(value)
    outcome.hours_assessment = hours.assess(place["opening_hours"], place.get("latitude"), place.get("longitude"))
    if outcome.hours_assessment.status == enums.HoursStatus.INVALID:
        outcome.warn("horaires", f"{outcome.hours_assessment.warning} : conservés, exclus du filtre « ouvert »")
