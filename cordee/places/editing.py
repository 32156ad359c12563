"""The API's shape of a place: the standard's French field names, translated to and from the domain's.

Writes go through ``cordee.places.services`` like the web pages' (same validators, same permissions, same
derived fields, same journal); this module only translates names and JSON types, and maps the domain's
errors back to the standard's names.
"""

import datetime as dt

from cordee.aggregation.standard import MODEL_TO_STANDARD, STANDARD_TO_MODEL
from cordee.core.errors import Invalid, NotAllowed
from cordee.places import enums, services, validators
from cordee.places.models import Place
from cordee.structures.models import Structure
from cordee.structures.roles import roles_of

API_SOURCE = services.API_SOURCE
# Our own names beside the standard's, in API payloads.
OWN_NAMES = {"pass_numerique": "accepts_pass_numerique", "structure": "structure"}
# Fields a client may write: the standard's (except provenance, ours to give) and our own.
WRITABLE_FIELDS = [MODEL_TO_STANDARD[name] for name in validators.INPUT_FIELDS if name in MODEL_TO_STANDARD] + list(
    OWN_NAMES
)
NAME_OF_MODEL_FIELD = {**MODEL_TO_STANDARD, **{model: name for name, model in OWN_NAMES.items()}}
STRUCTURE_ID = "structure_id"
# Older name of the validation error.
EditError = Invalid


def _standard_errors(errors: dict) -> dict:
    return {NAME_OF_MODEL_FIELD.get(name, name): message for name, message in errors.items()}


def _is_text_list(value) -> bool:
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(item, str) for item in value))
    )


def _to_model(data: dict) -> dict:
    """Model values from the payload's names and JSON types; raises ``Invalid`` with the standard's names."""
    errors, values = {}, {}
    for name, value in data.items():
        if name == STRUCTURE_ID:
            continue
        if name not in WRITABLE_FIELDS:
            errors[name] = "Champ inconnu ou non modifiable."
            continue
        model_name = OWN_NAMES.get(name) or STANDARD_TO_MODEL[name]
        if model_name in validators.LIST_FIELDS and not _is_text_list(value):
            errors[name] = "Une liste de textes est attendue."
        elif model_name not in validators.LIST_FIELDS and isinstance(value, list | dict):
            errors[name] = "Un texte est attendu."
        elif model_name in ("latitude", "longitude") and not (value is None or isinstance(value, int | float)):
            errors[name] = "Un nombre est attendu."
        elif model_name == "accepts_pass_numerique" and not isinstance(value, bool):
            errors[name] = "true ou false est attendu."
        elif model_name == "structure":
            structure = _structure(value)
            if structure is None and value is not None:
                errors[name] = "Structure inconnue (identifiant numérique attendu)."
            values["structure"] = structure
        else:
            values[model_name] = "" if value is None and model_name not in ("latitude", "longitude") else value
    if errors:
        raise Invalid("Certains champs ne sont pas valides.", reason="invalid_place", errors=errors)
    return values


def _structure(value):
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return None
    return Structure.objects.select_related("commune").filter(pk=value).first()


def _translate(error):
    """The same error with the standard's field names."""
    return type(error)(error.message, reason=error.reason, errors=_standard_errors(error.errors), **error.extra)


def structure_for_creation(user, data: dict):
    """The structure a new place belongs to: ``structure`` (or ``structure_id``) when given; else the only
    structure the person acts for; none for a coordinator or an admin. Ambiguous without it: ``Invalid``."""
    for name in ("structure", STRUCTURE_ID):
        if data.get(name) is not None:
            structure = _structure(data[name])
            if structure is None:
                raise Invalid(
                    "Structure inconnue.",
                    reason="unknown_structure",
                    errors={name: "Structure inconnue (identifiant numérique attendu)."},
                )
            return structure
    roles = roles_of(user)
    if roles.is_national_admin or roles.is_coordinator:
        return None
    if roles.acting_structure_id is not None:
        return Structure.objects.select_related("commune").get(pk=roles.acting_structure_id)
    raise Invalid(
        "Vous faites partie de plusieurs structures : indiquez pour laquelle vous agissez.",
        reason="structure_required",
        errors={STRUCTURE_ID: "Indiquez l'identifiant de la structure pour laquelle vous agissez."},
    )


def create_place(user, data: dict) -> Place:
    """A new place from the standard's names; raises ``Invalid`` or ``NotAllowed``."""
    try:
        structure = structure_for_creation(user, data)
        values = _to_model({name: value for name, value in data.items() if name != "structure"})
        return services.create_place(user, values, structure=structure, source_name=API_SOURCE)
    except (Invalid, NotAllowed) as error:
        raise _translate(error) from None


def update_place(user, place: Place, data: dict) -> Place:
    """Change the fields given (the standard's names); raises ``Invalid`` or ``NotAllowed``."""
    try:
        place, _changed = services.update_place(user, place, _to_model(data))
    except (Invalid, NotAllowed) as error:
        raise _translate(error) from None
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
