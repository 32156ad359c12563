"""Creating and changing a place: one function per action, for the web pages, the API and (its rules) the import.

Each action goes: permission → validation (``cordee.places.validators``) → derived fields → save → quality
criteria → journal. Values are raw inputs by model field name (texts, lists, numbers, a ``Structure``);
the callers translate their own shapes (form fields, the standard's French names) and nothing else.

Refusals are ``cordee.core.errors``: ``Invalid`` (errors by model field name), ``NotAllowed``.
Saving, even without change, confirms the information is up to date (``source_updated_on`` is today): the
freshness criterion and the reminders to stale places read it.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from cordee.core.errors import Invalid, NotAllowed
from cordee.journal.services import record
from cordee.places import perms, quality, validators
from cordee.places.models import Place
from cordee.territories.models import Commune

WEB_SOURCE = "cordee"
API_SOURCE = "api"
# Older name of the list of writable fields.
EDITABLE_FIELDS = validators.INPUT_FIELDS
# Older names of the errors, while callers move to cordee.core.errors.
PlaceActionError = NotAllowed
PlaceActionNotAllowed = NotAllowed


def _apply(place: Place, cleaned: dict) -> list[str]:
    """Set the cleaned values; the names of the input fields that changed."""
    changed = []
    for name, value in cleaned.items():
        attribute = "structure_id" if name == "structure" else name
        value = value.pk if name == "structure" and value is not None else value
        if getattr(place, attribute) != value:
            setattr(place, attribute, value)
            changed.append(name)
    if "commune_ref_id" in changed:
        changed.remove("commune_ref_id")
        place.commune_ref = Commune.objects.select_related("departement").filter(pk=place.commune_ref_id).first()
    return sorted(name for name in changed if name not in validators.DERIVED_FIELDS)


def _commune(place: Place):
    return place.commune_ref if place.commune_ref_id else None


def _check_location(actor, place: Place, structure) -> None:
    if not perms.may_locate_place(actor, _commune(place), structure):
        raise NotAllowed(
            "Vous ne pouvez pas situer un lieu dans cette commune : elle est hors de votre territoire.",
            reason="place_out_of_territory",
            errors={"code_insee": "Commune hors de votre territoire."},
        )


def _check_structure(actor, structure) -> None:
    if not perms.may_attach_structure(actor, structure):
        raise NotAllowed(
            "Vous ne pouvez confier un lieu qu'à une structure que vous gérez ou que vous coordonnez.",
            reason="structure_not_allowed",
            errors={"structure": "Structure que vous ne gérez pas."},
        )


def _after_change(actor, place: Place, changed: list[str]) -> None:
    """Quality criteria, then the qualification's own rules when the workflow provides them."""
    quality.assess_place(place)
    hook = getattr(quality, "after_place_change", None)
    if hook is not None:
        hook(actor, place, changed)


def create_place(actor, values: dict, *, structure=None, source_name: str = WEB_SOURCE) -> Place:
    """A new place of ``structure`` (None: no structure, for coordinators and admins)."""
    _check_structure(actor, structure)
    missing = {name: "Ce champ est obligatoire." for name in ("name",) if not values.get(name)}
    if not any(values.get(name) for name in ("code_insee", "postal_code", "commune_name")):
        missing["code_insee"] = "Indiquez la commune du lieu (code INSEE, ou code postal et nom)."
    try:
        cleaned = validators.clean_values({**values, "structure": structure}, current=None)
    except Invalid as error:
        raise Invalid(error.message, reason=error.reason, errors={**missing, **error.errors}) from None
    if missing:
        raise Invalid("Certaines informations du lieu manquent.", reason="invalid_place", errors=missing)
    place = Place(source_name=source_name, source_id=str(uuid.uuid4()))
    changed = _apply(place, cleaned)
    _check_location(actor, place, structure)
    place.source_updated_on = timezone.localdate()
    with transaction.atomic():
        place.save()
        _after_change(actor, place, changed)
        record(
            actor,
            "places.place.created",
            place,
            structure_id=structure.pk if structure else None,
            fields=changed,
        )
    return place


def update_place(actor, place: Place, values: dict) -> tuple[Place, list[str]]:
    """Apply the values given; returns the place and the names of the fields that changed."""
    with transaction.atomic():
        locked = (
            Place.objects.select_for_update(of=("self",))
            .select_related("structure__commune", "commune_ref__departement")
            .get(pk=place.pk)
        )
        allowed = perms.editable_fields(actor, locked)
        if not allowed:
            raise NotAllowed("Vous ne pouvez pas modifier ce lieu.", reason="place_not_editable")
        cleaned = validators.clean_values(values, current=locked)
        previous_structure, previous_commune = locked.structure, locked.commune_ref_id
        changed = _apply(locked, cleaned)
        forbidden = sorted(set(changed) - allowed)
        if forbidden:
            raise NotAllowed(
                "Vous pouvez modifier les horaires et les informations pratiques de ce lieu, pas ces champs : "
                "demandez à un gestionnaire de la structure.",
                reason="fields_not_editable",
                errors=dict.fromkeys(forbidden, "Champ réservé aux gestionnaires de la structure."),
            )
        structure = locked.structure if locked.structure_id else None
        if "structure" in changed:
            structure = cleaned["structure"]
            _check_structure(actor, structure)
        if locked.commune_ref_id != previous_commune or (structure and structure != previous_structure):
            _check_location(actor, locked, structure)
        locked.source_updated_on = timezone.localdate()
        locked.save()
        _after_change(actor, locked, changed)
        record(actor, "places.place.updated", locked, fields=changed)
    return locked, changed


def dismiss_unrecognised(actor, place: Place, column: str) -> list[str]:
    """A person has dealt with the values an import could not read in ``column`` (reported them in the place's
    fields, or judged them wrong): they are no longer shown. The journal keeps them (they describe the place,
    never a person); an import that still sends them brings them back. Returns the values dismissed."""
    if not perms.can_edit_place(actor, place):
        raise NotAllowed("Vous ne pouvez pas modifier ce lieu.", reason="place_not_editable")
    with transaction.atomic():
        locked = Place.objects.select_for_update(of=("self",)).get(pk=place.pk)
        remaining = dict(locked.unrecognised_values or {})
        if column not in remaining:
            raise Invalid(
                "Ces valeurs ne sont plus à traiter : la page a peut-être été ouverte deux fois.",
                reason="nothing_to_dismiss",
            )
        dismissed = list(remaining.pop(column))
        Place.objects.filter(pk=locked.pk).update(unrecognised_values=remaining)
        record(actor, "places.place.unrecognised_dismissed", locked, column=column, values=dismissed)
    return dismissed
