"""Creating and editing a place from the standard's French field names (API writes), with the import's rules.

Values are checked by the importer's row validation (E.164 phones, closed lists, readable hours, INSEE
codes…), but strictly: a value the import would drop with a warning is an error here. Who may write is
decided by ``can_edit_place`` / ``can_create_place``; every write is journaled.
"""

import datetime as dt
import re
import uuid

from django.db import transaction
from django.db.models import Q

from cordee.aggregation.importing.validation import REJECTED, CommuneIndex, CommuneInfo, validate_row
from cordee.aggregation.standard import MULTI_ENUM_BY_STANDARD_NAME, MULTI_TEXT_FIELDS, STANDARD_TO_MODEL
from cordee.journal.services import record
from cordee.places import enums, quality
from cordee.places.models import Place
from cordee.places.perms import can_edit_place
from cordee.structures.models import Structure
from cordee.territories.models import Commune
from cordee.territories.normalize import search_key

API_SOURCE = "api"
LOCATION_FIELDS = ("adresse", "code_postal", "code_insee", "commune", "latitude", "longitude")
LOCATION_MODEL_FIELDS = (
    "address",
    "postal_code",
    "code_insee",
    "commune_name",
    "commune_ref_id",
    "latitude",
    "longitude",
    "coordinates_precision",
)
LIST_FIELDS = set(MULTI_ENUM_BY_STANDARD_NAME) | set(MULTI_TEXT_FIELDS)
# Fields a client may write: the standard's (except its "id", which is ours to give) and our own.
WRITABLE_FIELDS = [name for name in STANDARD_TO_MODEL if name != "id"] + ["pass_numerique", "structure"]
DROPPED_SUFFIX = re.compile(r"\s*:\s*(valeur\s+)?(ignorée?s?|conservés?, .*|conservé.*)$")


class EditError(ValueError):
    """Invalid values: ``errors`` maps each field to a French message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{name} : {message}" for name, message in errors.items()))


def _as_raw(data: dict) -> dict:
    """The request's values in the shape the importer reads (``|``-separated lists, strings)."""
    raw = {}
    for name, value in data.items():
        if name not in STANDARD_TO_MODEL:
            continue
        if value is None:
            raw[name] = ""
        elif isinstance(value, list | tuple):
            raw[name] = "|".join(str(item) for item in value)
        else:
            raw[name] = value
    return raw


def _type_errors(data: dict) -> dict[str, str]:
    errors = {}
    unknown = sorted(set(data) - set(WRITABLE_FIELDS))
    for name in unknown:
        errors[name] = "champ inconnu ou non modifiable"
    for name, value in data.items():
        if name in LIST_FIELDS and not _is_text_list(value):
            errors[name] = "une liste de textes est attendue"
        elif name in ("latitude", "longitude") and not (value is None or isinstance(value, int | float)):
            errors[name] = "un nombre est attendu"
        elif name not in LIST_FIELDS and name in STANDARD_TO_MODEL and isinstance(value, list | dict):
            errors[name] = "un texte est attendu"
    if "pass_numerique" in data and not isinstance(data["pass_numerique"], bool):
        errors["pass_numerique"] = "true ou false est attendu"
    structure = data.get("structure")
    if structure is not None and (
        not isinstance(structure, int) or not Structure.objects.filter(pk=structure).exists()
    ):
        errors["structure"] = "structure inconnue (identifiant numérique attendu)"
    return errors


def _is_text_list(value) -> bool:
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _communes_for(raw: dict) -> CommuneIndex:
    """Only the communes the row may designate, rather than the whole référentiel."""
    condition = Q(pk__in=[])
    if raw.get("code_insee"):
        condition |= Q(code_insee=str(raw["code_insee"]).strip().upper())
    if raw.get("code_postal"):
        condition |= Q(postal_code_rows__code=str(raw["code_postal"]).strip())
    if raw.get("commune"):
        condition |= Q(search_name=search_key(str(raw["commune"])))
    rows = Commune.objects.filter(condition).distinct()
    return CommuneIndex(
        CommuneInfo(c.code_insee, c.name, c.latitude, c.longitude, tuple(c.postal_code_list)) for c in rows
    )


def _validate(place: Place | None, data: dict) -> tuple[dict, object]:
    """Model values for the fields given, and the row outcome; raises EditError."""
    errors = _type_errors(data)
    if errors:
        raise EditError(errors)
    raw = standard_values(place) if place is not None else {}
    raw = {name: ("|".join(value) if isinstance(value, list) else value) for name, value in raw.items()}
    raw.update(_as_raw(data))
    raw["id"] = place.source_id if place is not None else "nouveau"
    raw.setdefault("date_maj", dt.date.today().isoformat())
    outcome = validate_row(1, raw, _communes_for(raw))
    for issue in outcome.issues:
        if issue.level == REJECTED or issue.field in data:
            message = DROPPED_SUFFIX.sub("", issue.message)
            value = f" (« {issue.value} »)" if issue.value else ""
            errors.setdefault(issue.field, f"{message}{value}")
    if errors:
        raise EditError(errors)
    return outcome.values, outcome


def _fields_of(data: dict) -> set[str]:
    fields = set()
    for name in data:
        if name in LOCATION_FIELDS:
            fields.update(LOCATION_MODEL_FIELDS)
        elif name == "pivot":
            fields.update({"pivot", "siret_status"})
        elif name in STANDARD_TO_MODEL:
            fields.add(STANDARD_TO_MODEL[name])
    return fields


@transaction.atomic
def create_place(user, data: dict) -> Place:
    """A new place from standard values; raises EditError, or PermissionError when the user may not."""
    values, _outcome = _validate(None, data)
    place = Place(source_name=API_SOURCE, source_id=str(uuid.uuid4()), **values)
    place.accepts_pass_numerique = bool(data.get("pass_numerique", False))
    place.structure_id = data.get("structure")
    if not can_edit_place(user, place):
        raise PermissionError("Vous ne pouvez pas créer de lieu pour cette structure ou ce territoire.")
    place.save()
    quality.assess_place(place)
    record(user, "places.place.created", place, fields=sorted(data))
    return place


@transaction.atomic
def update_place(user, place: Place, data: dict) -> Place:
    """Change the fields given (standard names); raises EditError, or PermissionError."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    if not can_edit_place(user, place):
        raise PermissionError("Vous ne pouvez pas modifier ce lieu.")
    values, _outcome = _validate(place, data)
    for name in _fields_of(data):
        if name in values:
            setattr(place, name, values[name])
    if "pass_numerique" in data:
        place.accepts_pass_numerique = data["pass_numerique"]
    if "structure" in data:
        place.structure_id = data["structure"]
    if not can_edit_place(user, place):
        raise PermissionError("Vous ne pouvez pas confier ce lieu à cette structure ou à ce territoire.")
    place.save()
    quality.assess_place(place)
    record(user, "places.place.updated", place, fields=sorted(data))
    return place


def standard_values(place: Place) -> dict:
    """Every field of the standard v1.0.x, by its French name, with JSON-ready values."""
    values = {}
    for standard_name, model_field in STANDARD_TO_MODEL.items():
        value = getattr(place, model_field)
        if isinstance(value, dt.date):
            value = value.isoformat()
        values[standard_name] = value
    return values


def qualification_label(place: Place) -> str:
    return enums.QualificationState(place.qualification_state).label
