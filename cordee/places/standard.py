"""Mapping between the national standard (LaMednum ``standard-mediation-num`` v1.0.x) and ``Place``.

The standard's French field names appear only here: the importer and the exporters use this module.
Multi-valued fields are ``|``-separated in v1 files (``;`` in v0.1 files, see ``importing/v01.py``).
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import models

from cordee.places import enums

V1_SEPARATOR = "|"
SIRET_PLACEHOLDER = "00000000000000"


@dataclass(frozen=True)
class MultiEnumField:
    """A multi-valued field whose values come from a closed list, stored as a JSON list plus a bitmask."""

    standard_name: str
    field: str
    choices: type[models.TextChoices]
    mask_field: str | None = None

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(self.choices.values)

    @cached_property
    def bits(self) -> dict[str, int]:
        return {value: 1 << index for index, value in enumerate(self.values)}

    def mask(self, values) -> int:
        mask = 0
        for value in values or ():
            mask |= self.bits.get(value, 0)
        return mask

    def ordered(self, values) -> list[str]:
        """Known values, without duplicates, in the standard's order."""
        present = set(values)
        return [value for value in self.values if value in present]


MULTI_ENUM_FIELDS = [
    MultiEnumField("services", "services", enums.Service, "services_mask"),
    MultiEnumField("publics_specifiquement_adresses", "publics", enums.Public, "publics_mask"),
    MultiEnumField("prise_en_charge_specifique", "specific_support", enums.SpecificSupport, "specific_support_mask"),
    MultiEnumField("frais_a_charge", "fees", enums.Fee, "fees_mask"),
    MultiEnumField(
        "dispositif_programmes_nationaux", "national_programmes", enums.NationalProgramme, "national_programmes_mask"
    ),
    MultiEnumField("formations_labels", "training_labels", enums.TrainingLabel),
    MultiEnumField("modalites_acces", "access_modes", enums.AccessMode, "access_modes_mask"),
    MultiEnumField("modalites_accompagnement", "support_modes", enums.SupportMode, "support_modes_mask"),
    MultiEnumField("itinerance", "mobility", enums.Mobility),
]
MULTI_ENUM_BY_FIELD = {spec.field: spec for spec in MULTI_ENUM_FIELDS}
MULTI_ENUM_BY_STANDARD_NAME = {spec.standard_name: spec for spec in MULTI_ENUM_FIELDS}

# Free-text multi-valued fields (JSON lists on the model).
MULTI_TEXT_FIELDS = {
    "typologie": "typologies",
    "telephone": "phones",
    "courriels": "emails",
    "site_web": "websites",
}

# Single-valued fields.
SCALAR_FIELDS = {
    "id": "source_id",
    "pivot": "pivot",
    "nom": "name",
    "commune": "commune_name",
    "code_postal": "postal_code",
    "code_insee": "code_insee",
    "adresse": "address",
    "complement_adresse": "address_complement",
    "latitude": "latitude",
    "longitude": "longitude",
    "horaires": "opening_hours",
    "presentation_resume": "summary",
    "presentation_detail": "description",
    "source": "original_source",
    "structure_parente": "parent_structure",
    "date_maj": "source_updated_on",
    "autres_formations_labels": "other_training_labels",
    "fiche_acces_libre": "accessibility_url",
    "prise_rdv": "booking_url",
}

# Every field of the standard v1.0.x, in the schema's order, with the model field it maps to.
STANDARD_TO_MODEL = {
    "id": "source_id",
    "pivot": "pivot",
    "nom": "name",
    "commune": "commune_name",
    "code_postal": "postal_code",
    "code_insee": "code_insee",
    "adresse": "address",
    "complement_adresse": "address_complement",
    "latitude": "latitude",
    "longitude": "longitude",
    "typologie": "typologies",
    "telephone": "phones",
    "courriels": "emails",
    "site_web": "websites",
    "horaires": "opening_hours",
    "presentation_resume": "summary",
    "presentation_detail": "description",
    "source": "original_source",
    "itinerance": "mobility",
    "structure_parente": "parent_structure",
    "date_maj": "source_updated_on",
    "services": "services",
    "publics_specifiquement_adresses": "publics",
    "prise_en_charge_specifique": "specific_support",
    "frais_a_charge": "fees",
    "dispositif_programmes_nationaux": "national_programmes",
    "formations_labels": "training_labels",
    "autres_formations_labels": "other_training_labels",
    "modalites_acces": "access_modes",
    "modalites_accompagnement": "support_modes",
    "fiche_acces_libre": "accessibility_url",
    "prise_rdv": "booking_url",
}
STANDARD_FIELDS = list(STANDARD_TO_MODEL)
MODEL_TO_STANDARD = {model: standard for standard, model in STANDARD_TO_MODEL.items()}

# Spellings met in real files or in the official schema, mapped to our canonical value.
VALUE_ALIASES = {
    "formations_labels": {
        "Étapes numériques(La Poste)": enums.TrainingLabel.ETAPES_NUMERIQUES.value,
    },
}
# What an exporter must write so that the file validates against the official schema v1.0.2
# (its pattern lacks the space, see docs/standard-defects.md).
SCHEMA_V102_EXPORT_VALUES = {
    "formations_labels": {
        enums.TrainingLabel.ETAPES_NUMERIQUES.value: "Étapes numériques(La Poste)",
    },
}
