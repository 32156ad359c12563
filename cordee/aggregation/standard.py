"""Mapping between the national standard (LaMednum ``standard-mediation-num`` v1.0.x) and ``Place``.

The standard's French field names appear only here: the importer and the exporters use this module.
Multi-valued fields are ``|``-separated in v1 files (``;`` in v0.1 files, see ``importing/v01.py``).
How ``Place`` stores its closed lists (JSON list plus bitmask) is ``cordee.places.fields``.
"""

from cordee.places import enums
from cordee.places.fields import MULTI_ENUM_BY_FIELD

V1_SEPARATOR = "|"
SIRET_PLACEHOLDER = "00000000000000"


# Closed-list multi-valued fields, by the standard's name (how they are stored: ``cordee.places.fields``).
MULTI_ENUM_STANDARD_NAMES = {
    "services": "services",
    "publics_specifiquement_adresses": "publics",
    "prise_en_charge_specifique": "specific_support",
    "frais_a_charge": "fees",
    "dispositif_programmes_nationaux": "national_programmes",
    "formations_labels": "training_labels",
    "modalites_acces": "access_modes",
    "modalites_accompagnement": "support_modes",
    "itinerance": "mobility",
}
MULTI_ENUM_BY_STANDARD_NAME = {
    standard_name: MULTI_ENUM_BY_FIELD[field] for standard_name, field in MULTI_ENUM_STANDARD_NAMES.items()
}

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


# Columns of v0.1 whose values an import reads into v1 fields (for the labels of unrecognised values).
LEGACY_COLUMN_LABELS = {
    "publics_accueillis": "publics accueillis (v0.1)",
    "conditions_acces": "conditions d'accès (v0.1)",
    "labels_nationaux": "labels nationaux (v0.1)",
}


def unrecognised_values(place) -> list[tuple[str, str, list[str]]]:
    """(column, its label, values as the file wrote them) that an import could not read, for the page of the
    place's managers."""
    from cordee.places.models import Place

    rows = []
    for column, values in sorted((place.unrecognised_values or {}).items()):
        model_field = STANDARD_TO_MODEL.get(column)
        label = Place._meta.get_field(model_field).verbose_name if model_field else LEGACY_COLUMN_LABELS.get(column)
        rows.append((column, str(label or column).capitalize(), list(values)))
    return rows
