"""Creating and editing a place from the management pages (model field names, values already cleaned).

Each action checks permissions, stamps the place's "date de mise à jour", recomputes its automatic
quality criteria and journals the names of the fields that changed (never their values).
"""

import uuid

from django.db import transaction
from django.utils import timezone

from cordee.journal.services import record
from cordee.places import perms, quality
from cordee.places.models import Place

WEB_SOURCE = "cordee"
# Fields the management form may write.
EDITABLE_FIELDS = (
    "name",
    "pivot",
    "siret_status",
    "address",
    "address_complement",
    "postal_code",
    "code_insee",
    "commune_name",
    "commune_ref",
    "latitude",
    "longitude",
    "coordinates_precision",
    "typologies",
    "phones",
    "emails",
    "websites",
    "opening_hours",
    "summary",
    "description",
    "mobility",
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
    "accepts_pass_numerique",
)


class PlaceActionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PlaceActionNotAllowed(PlaceActionError):
    pass


def _apply(place: Place, values: dict) -> list[str]:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"champs non modifiables : {sorted(unknown)}")
    changed = []
    for name, value in values.items():
        if getattr(place, name) != value:
            setattr(place, name, value)
            changed.append(name)
    return changed


def create_place(actor, structure, values: dict) -> Place:
    if not perms.can_create_place_for(actor, structure):
        raise PlaceActionNotAllowed("Vous ne pouvez pas ajouter de lieu à cette structure.")
    place = Place(source_name=WEB_SOURCE, source_id=str(uuid.uuid4()), structure=structure)
    changed = _apply(place, values)
    if not perms.can_edit_place(actor, place):
        raise PlaceActionNotAllowed("Ce lieu est hors de votre territoire : vous ne pouvez pas le créer.")
    place.source_updated_on = timezone.localdate()
    with transaction.atomic():
        place.save()
        quality.assess_place(place)
        record(actor, "places.place.created", place, structure_id=structure.pk, fields=sorted(changed))
    return place


def update_place(actor, place: Place, values: dict) -> tuple[Place, list[str]]:
    """Apply the values; returns the place and the names of the fields that changed."""
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        if not perms.can_edit_place(actor, locked):
            raise PlaceActionNotAllowed("Vous ne pouvez pas modifier ce lieu.")
        changed = _apply(locked, values)
        if not perms.can_edit_place(actor, locked):
            raise PlaceActionNotAllowed("Ce lieu serait hors de votre territoire : changez la commune.")
        # Saving without change still confirms the information is up to date.
        locked.source_updated_on = timezone.localdate()
        locked.save()
        quality.assess_place(locked)
        record(actor, "places.place.updated", locked, fields=sorted(changed))
    return locked, changed
