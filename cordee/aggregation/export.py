"""Streaming exports of the places directory: standard v1.0.2 (CSV, JSON, GeoJSON) and data·inclusion v1.

Every writer takes any QuerySet of ``Place``, reads it with ``.iterator(chunk_size=2000)`` and yields
``str`` chunks (for a file, stdout or a ``StreamingHttpResponse``): nothing is loaded whole in memory.

Rules (see docs/places-export.md):
- ``id`` is the source's own identifier for a place that came with one (``<source>:<id>`` when two
  sources share it), else ``cordee-<pk>``; ``source`` is the source the place came with
  (``Place.original_source``), else « Cordée ». ``date_maj`` is never the export's day (``update_date``).
- A ``presentation_resume`` longer than the schema allows is cut; its whole text goes to an empty
  ``presentation_detail``.
- Every value is checked against the shipped official schema v1.0.2 (patterns, maximum lengths): a
  value the schema would reject is left out (and counted in ``ExportStats.omitted``); a place whose
  required fields cannot be filled is skipped (``ExportStats.skipped_incomplete``). An export is never
  silently invalid.
- Multi-values are joined with ``|`` in every format, as the standard's CSV and real v1 JSON files do.
"""

import datetime
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from cordee.aggregation.schema import official_schema
from cordee.aggregation.standard import (
    MULTI_ENUM_BY_STANDARD_NAME,
    SCHEMA_V102_EXPORT_VALUES,
    SIRET_PLACEHOLDER,
    STANDARD_FIELDS,
    V1_SEPARATOR,
)
from cordee.core import tabular
from cordee.places import enums
from cordee.places.models import Place
from cordee.places.services import API_SOURCE, WEB_SOURCE

CHUNK_SIZE = 2000  # rows fetched per database round trip
FLUSH_SIZE = 64 * 1024  # characters buffered before a chunk is yielded
ID_PREFIX = "cordee-"
DEFAULT_SOURCE = "Cordée"
DATA_INCLUSION_SOURCE = "cordee"
CORDEE_SOURCES = (WEB_SOURCE, API_SOURCE)
SUMMARY_MAX_LENGTH = 280  # the schema's maxLength of presentation_resume


@dataclass
class ExportStats:
    """What an export did; pass one to a writer to read it after the iteration."""

    seen: int = 0
    written: int = 0
    skipped_incomplete: int = 0
    skipped_without_point: int = 0
    services_written: int = 0
    omitted: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        parts = [f"{self.written} lieux exportés"]
        if self.services_written:
            parts.append(f"{self.services_written} services data·inclusion")
        if self.skipped_incomplete:
            parts.append(f"{self.skipped_incomplete} lieux ignorés faute de champ obligatoire")
        if self.skipped_without_point:
            parts.append(f"{self.skipped_without_point} lieux sans coordonnées ignorés")
        if self.omitted:
            details = ", ".join(f"{name} : {count}" for name, count in sorted(self.omitted.items()))
            parts.append(f"valeurs non conformes au schéma omises ({details})")
        return " ; ".join(parts)


@dataclass(frozen=True)
class FieldRule:
    name: str
    required: bool
    pattern: re.Pattern | None
    max_length: int | None

    def accepts(self, text: str) -> bool:
        if self.pattern is not None and not self.pattern.match(text):
            return False
        return self.max_length is None or len(text) <= self.max_length


@functools.cache
def field_rules(literal_schema=False) -> dict[str, FieldRule]:
    """The constraints of the schema v1.0.2, compiled as frictionless does (``^pattern$``)."""
    rules = {}
    for spec in official_schema(corrected=not literal_schema)["fields"]:
        constraints = spec.get("constraints", {})
        pattern = constraints.get("pattern")
        rules[spec["name"]] = FieldRule(
            name=spec["name"],
            required=bool(constraints.get("required")),
            pattern=re.compile(f"^{pattern}$") if pattern else None,
            max_length=constraints.get("maxLength"),
        )
    return rules


def _iterate(queryset):
    # The commune is read for places whose file left the commune or postal code empty.
    return queryset.select_related("commune_ref").iterator(chunk_size=CHUNK_SIZE)


def _clean_text(value) -> str:
    """One line of text without the ``|`` separator (kept for multi-values)."""
    return " ".join(str(value).replace(V1_SEPARATOR, " ").split())


def _number(value: float) -> str:
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.7f}".rstrip("0").rstrip(".")
    return text


def place_id(place) -> str:
    return f"{ID_PREFIX}{place.pk}"


def standard_id(place, ambiguous=frozenset()) -> str:
    """The standard's ``id``: the source's own identifier for a place that came with one (stable across
    exports), ``<source>:<id>`` when another source uses the same identifier, ``cordee-<pk>`` for a place
    created in Cordée."""
    if place.source_name in CORDEE_SOURCES or not place.source_id:
        return place_id(place)
    if place.source_id in ambiguous:
        return f"{place.source_name}:{place.source_id}"
    return place.source_id


def ambiguous_source_ids() -> frozenset:
    """Source identifiers used by places of more than one source (one grouped query per export)."""
    return frozenset(
        Place.objects.exclude(source_name__in=CORDEE_SOURCES)
        .order_by()
        .values("source_id")
        .annotate(sources=Count("pk"))
        .filter(sources__gt=1)
        .values_list("source_id", flat=True)
    )


def update_date(place) -> datetime.date:
    """``date_maj``: the date the source gave (or a person's last save in Cordée), else the day Cordée first
    knew the place; never the day of the export nor of a technical rewrite."""
    if place.source_updated_on:
        return place.source_updated_on
    known = place.created_at or place.updated_at
    return timezone.localdate(known) if known else timezone.localdate()


def _commune_fallbacks(place):
    commune = place.commune_name
    postal_code = place.postal_code
    # The referential is read only for the rare place that lacks its commune or postal code.
    if (not commune or not postal_code) and place.commune_ref_id:
        ref = place.commune_ref
        commune = commune or ref.name
        postal_code = postal_code or next(iter(ref.postal_code_list or []), "")
    return commune, postal_code


def _raw_values(place, literal_schema, ambiguous=frozenset()):
    """Standard field name → str, float or None, before the schema's checks."""
    commune, postal_code = _commune_fallbacks(place)
    summary, description = (place.summary or "").strip(), (place.description or "").strip()
    if len(summary) > SUMMARY_MAX_LENGTH and not description:
        # The summary is cut to the schema's length: its whole text goes to the detailed presentation.
        description = summary
    pivot = (place.pivot or "").strip()
    if not pivot or place.siret_status == enums.SiretStatus.INVALID:
        pivot = SIRET_PLACEHOLDER
    values = {
        "id": standard_id(place, ambiguous),
        "pivot": pivot,
        "nom": place.name,
        "commune": commune,
        "code_postal": postal_code,
        "code_insee": place.code_insee,
        "adresse": place.address,
        "complement_adresse": place.address_complement,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "typologie": V1_SEPARATOR.join(filter(None, map(_clean_text, place.typologies or []))),
        "telephone": None,  # chosen below: the schema's pattern admits one number only
        "courriels": V1_SEPARATOR.join(filter(None, map(_clean_text, place.emails or []))),
        "site_web": V1_SEPARATOR.join(filter(None, map(_clean_text, place.websites or []))),
        "horaires": place.opening_hours,
        "presentation_resume": summary,
        "presentation_detail": description,
        "source": place.original_source or DEFAULT_SOURCE,
        "structure_parente": place.parent_structure,
        "date_maj": update_date(place).isoformat(),
        "autres_formations_labels": place.other_training_labels,
        "fiche_acces_libre": place.accessibility_url,
        "prise_rdv": place.booking_url,
    }
    for name, spec in MULTI_ENUM_BY_STANDARD_NAME.items():
        spellings = SCHEMA_V102_EXPORT_VALUES.get(name, {}) if literal_schema else {}
        ordered = spec.ordered(getattr(place, spec.field))
        values[name] = V1_SEPARATOR.join(spellings.get(value, value) for value in ordered)
    return values


def standard_record(place, *, literal_schema=False, stats=None, ambiguous=frozenset()) -> dict | None:
    """The place as a record of the standard v1.0.2 (field name → str or float, ``None`` when empty),
    every value valid for the schema; ``None`` when a required field cannot be filled. ``ambiguous``:
    ``ambiguous_source_ids()``, read once per export."""
    rules = field_rules(literal_schema)
    raw = _raw_values(place, literal_schema, ambiguous)
    record = {}
    for name in STANDARD_FIELDS:
        rule = rules[name]
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
            if name == "presentation_resume" and rule.max_length and len(value) > rule.max_length:
                value = value[: rule.max_length - 1].rstrip() + "…"
        if name == "pivot" and not rule.accepts(value):
            # Required: a pivot the schema refuses (too short, punctuation…) becomes "unknown".
            if stats is not None:
                stats.omitted[name] += 1
            value = SIRET_PLACEHOLDER
        elif name == "telephone":
            value = next((phone for phone in place.phones or [] if rule.accepts(phone)), None)
            if value is None and place.phones and stats is not None:
                stats.omitted[name] += 1
        elif isinstance(value, str) and value and not rule.accepts(value):
            if stats is not None:
                stats.omitted[name] += 1
            value = None
        if value == "":
            value = None
        if value is None and rule.required:
            if stats is not None:
                stats.skipped_incomplete += 1
            return None
        record[name] = value
    return record


def standard_records(queryset, *, literal_schema=False, stats=None):
    """Records of ``standard_record`` for the places of the queryset, skipping incomplete places."""
    ambiguous = ambiguous_source_ids()
    for place in _iterate(queryset):
        if stats is not None:
            stats.seen += 1
        record = standard_record(place, literal_schema=literal_schema, stats=stats, ambiguous=ambiguous)
        if record is not None:
            yield record


def _buffered(pieces):
    """Join small strings into chunks of about FLUSH_SIZE characters."""
    buffer = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= FLUSH_SIZE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def iter_csv(queryset, *, literal_schema=False, stats=None):
    """The standard v1.0.2 CSV: UTF-8 without BOM, ``,``-separated, header in the schema's order.

    With ``literal_schema``, values are spelled as the uncorrected official schema expects
    (« Étapes numériques(La Poste) ») and checked against it. Written by ``cordee.core.tabular``: text
    that a spreadsheet would run as a formula is neutralised, numbers and E.164 phones stay exact.
    """

    def rows():
        for record in standard_records(queryset, literal_schema=literal_schema, stats=stats):
            if stats is not None:
                stats.written += 1
            yield ["" if value is None else _csv_value(value) for value in record.values()]

    yield from tabular.csv_lines(STANDARD_FIELDS, rows(), flush_size=FLUSH_SIZE)


def _csv_value(value):
    return _number(value) if isinstance(value, float) else value


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_array(items):
    """A JSON array, one item per line, streamed: ``[`` first, ``]`` last."""
    yield "[\n"
    first = True
    for item in items:
        yield ("" if first else ",\n") + _json_dumps(item)
        first = False
    yield "\n]\n"


def _compact(record) -> dict:
    return {name: value for name, value in record.items() if value is not None}


def iter_json(queryset, *, literal_schema=False, stats=None):
    """A JSON array of records of the standard: the same field names and values as the CSV (multi-values
    as ``|`` strings, dates ISO), coordinates as numbers; empty fields are left out, as in real files."""

    def records():
        for record in standard_records(queryset, literal_schema=literal_schema, stats=stats):
            if stats is not None:
                stats.written += 1
            yield _compact(record)

    yield from _buffered(_json_array(records()))


def iter_geojson(queryset, *, literal_schema=False, stats=None):
    """A GeoJSON FeatureCollection: one Point feature [longitude, latitude] per place, its properties
    the JSON record. Places without coordinates are skipped (``ExportStats.skipped_without_point``)."""

    def features():
        for record in standard_records(queryset, literal_schema=literal_schema, stats=stats):
            if record["latitude"] is None or record["longitude"] is None:
                if stats is not None:
                    stats.skipped_without_point += 1
                continue
            if stats is not None:
                stats.written += 1
            yield {
                "type": "Feature",
                "id": record["id"],
                "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
                "properties": _compact(record),
            }

    def pieces():
        yield '{"type":"FeatureCollection","features":'
        yield from _json_array(features())
        yield "}\n"

    yield from _buffered(pieces())


# data·inclusion v1 ----------------------------------------------------------------------------------
# Each place is a structure; each of its services (our 9) is a data·inclusion service of that structure.

DATA_INCLUSION_THEMATIQUES = {
    enums.Service.AIDE_DEMARCHES: [
        "numerique--acceder-a-des-services-en-ligne",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    ],
    enums.Service.OUTILS_QUOTIDIEN: ["numerique--maitriser-les-fondamentaux-du-numerique"],
    enums.Service.INSERTION_PRO: [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
    ],
    enums.Service.UTILISATION_SECURISEE: ["numerique--maitriser-les-fondamentaux-du-numerique"],
    enums.Service.PARENTALITE: [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "famille--soutien-a-la-parentalite-et-a-leducation",
    ],
    enums.Service.LOISIRS_CREATIONS: [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "remobilisation--activites-sportives-et-culturelles",
    ],
    enums.Service.COMPREHENSION_MONDE: ["numerique--maitriser-les-fondamentaux-du-numerique"],
    enums.Service.ACCES_INTERNET_MATERIEL: ["numerique--acceder-a-une-connexion-internet"],
    enums.Service.MATERIEL_PRIX_SOLIDAIRE: ["numerique--acquerir-un-equipement"],
}
DATA_INCLUSION_SERVICE_SLUGS = {
    enums.Service.AIDE_DEMARCHES: "aide-demarches",
    enums.Service.OUTILS_QUOTIDIEN: "outils-quotidien",
    enums.Service.INSERTION_PRO: "insertion-pro",
    enums.Service.UTILISATION_SECURISEE: "utilisation-securisee",
    enums.Service.PARENTALITE: "parentalite",
    enums.Service.LOISIRS_CREATIONS: "loisirs-creations",
    enums.Service.COMPREHENSION_MONDE: "comprehension-monde",
    enums.Service.ACCES_INTERNET_MATERIEL: "acces-internet-materiel",
    enums.Service.MATERIEL_PRIX_SOLIDAIRE: "materiel-prix-solidaire",
}
MATERIAL_SERVICES = {enums.Service.ACCES_INTERNET_MATERIEL, enums.Service.MATERIEL_PRIX_SOLIDAIRE}
DATA_INCLUSION_RESEAUX = {
    enums.NationalProgramme.AIDANTS_CONNECT: "aidants-connect",
    enums.NationalProgramme.CONSEILLERS_NUMERIQUES: "conseillers-numeriques",
    enums.NationalProgramme.EMMAUS_CONNECT: "emmaus",
    enums.NationalProgramme.RELAIS_EMMAUS_CONNECT: "emmaus",
    enums.NationalProgramme.FRANCE_SERVICES: "france-service",
    enums.NationalProgramme.GRANDE_ECOLE_NUMERIQUE: "grandes-ecoles-du-numerique",
    enums.NationalProgramme.CROIX_ROUGE: "croix-rouge",
    enums.NationalProgramme.POINT_ACCES_CAF: "caf",
    enums.TrainingLabel.FABRIQUES_TERRITOIRE: "fabrique-de-territoire",
    enums.TrainingLabel.ETAPES_NUMERIQUES: "la-poste",
}
DATA_INCLUSION_PUBLICS = {
    enums.Public.JEUNES: "jeunes",
    enums.Public.ETUDIANTS: "etudiants",
    enums.Public.FAMILLES_ENFANTS: "familles",
    enums.Public.SENIORS: "seniors",
    enums.Public.FEMMES: "femmes",
    enums.SpecificSupport.SURDITE: "personnes-en-situation-de-handicap",
    enums.SpecificSupport.HANDICAPS_MOTEURS: "personnes-en-situation-de-handicap",
    enums.SpecificSupport.HANDICAPS_MENTAUX: "personnes-en-situation-de-handicap",
    enums.SpecificSupport.DEFICIENCE_VISUELLE: "personnes-en-situation-de-handicap",
}
DATA_INCLUSION_MODES_ACCUEIL = {
    enums.SupportMode.AUTONOMIE: "en-presentiel",
    enums.SupportMode.INDIVIDUEL: "en-presentiel",
    enums.SupportMode.ATELIER_COLLECTIF: "en-presentiel",
    enums.SupportMode.A_DISTANCE: "a-distance",
}
DATA_INCLUSION_MODES_MOBILISATION = {
    enums.AccessMode.SE_PRESENTER: "se-presenter",
    enums.AccessMode.TELEPHONER: "telephoner",
    enums.AccessMode.MAIL: "envoyer-un-courriel",
    enums.AccessMode.FICHE_PRESCRIPTION: "envoyer-un-courriel",
    enums.AccessMode.RDV_EN_LIGNE: "utiliser-lien-mobilisation",  # only with a booking link
}
DI_NAME_MAX = 150
DI_DESCRIPTION_MAX = 10000
DI_DESCRIPTION_MIN = 5
DI_POSTAL_CODE = re.compile(r"^\d{5}$")
DI_CODE_INSEE = re.compile(r"^\w{5}$")
DI_SIRET = re.compile(r"^\d{14}$")


def _mapped(values, mapping) -> list[str] | None:
    """Mapped values without duplicates, in order; ``None`` when nothing maps (the schemas' null)."""
    mapped = list(dict.fromkeys(mapping[value] for value in values or [] if value in mapping))
    return mapped or None


def _truncated(text, limit):
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _first(values):
    return next((value for value in values or [] if value), None)


def _or_none(text):
    text = (text or "").strip()
    return text or None


def data_inclusion_structure_id(place) -> str:
    return f"{DATA_INCLUSION_SOURCE}--{place.pk}"


def _data_inclusion_location(place) -> dict:
    commune, postal_code = _commune_fallbacks(place)
    return {
        "adresse": _or_none(place.address),
        "complement_adresse": _or_none(place.address_complement),
        "commune": _or_none(commune),
        "code_postal": postal_code if DI_POSTAL_CODE.match(postal_code or "") else None,
        "code_insee": place.code_insee if DI_CODE_INSEE.match(place.code_insee or "") else None,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "telephone": _first(place.phones),
        "courriel": _first(place.emails),
        "horaires_accueil": _or_none(place.opening_hours) if place.hours_status == enums.HoursStatus.VALID else None,
    }


def data_inclusion_structure(place) -> dict | None:
    """The place as a data·inclusion v1 structure; ``None`` when its name is shorter than 3 characters."""
    name = _truncated(place.name, DI_NAME_MAX)
    if len(name) < 3:
        return None
    pivot = (place.pivot or "").strip()
    siret = (
        pivot
        if DI_SIRET.match(pivot) and pivot != SIRET_PLACEHOLDER and place.siret_status != enums.SiretStatus.INVALID
        else None
    )
    description = _truncated(place.description or place.summary, DI_DESCRIPTION_MAX)
    return {
        "source": DATA_INCLUSION_SOURCE,
        "id": data_inclusion_structure_id(place),
        "nom": name,
        "date_maj": update_date(place).isoformat(),
        "lien_source": None,
        "siret": siret,
        **_data_inclusion_location(place),
        "site_web": _first(place.websites),
        "description": description if len(description) >= DI_DESCRIPTION_MIN else None,
        "accessibilite_lieu": _or_none(place.accessibility_url),
        "reseaux_porteurs": _mapped(
            [
                *MULTI_ENUM_BY_STANDARD_NAME["dispositif_programmes_nationaux"].ordered(place.national_programmes),
                *MULTI_ENUM_BY_STANDARD_NAME["formations_labels"].ordered(place.training_labels),
            ],
            DATA_INCLUSION_RESEAUX,
        ),
    }


def _fees(place):
    fees = MULTI_ENUM_BY_STANDARD_NAME["frais_a_charge"].ordered(place.fees)
    if enums.Fee.PAYANT in fees:
        frais = "payant"
    elif fees:
        frais = "gratuit"
    else:
        frais = None
    details = []
    if len(fees) > 1 or enums.Fee.GRATUIT_SOUS_CONDITION in fees:
        details.append(", ".join(fees))
    if place.accepts_pass_numerique:
        details.append("Pass numérique accepté")
    return frais, ". ".join(details) or None


def data_inclusion_services(place) -> list[dict]:
    """One data·inclusion v1 service per service of the standard that the place offers."""
    structure_id = data_inclusion_structure_id(place)
    services = MULTI_ENUM_BY_STANDARD_NAME["services"].ordered(place.services)
    if not services or len(_truncated(place.name, DI_NAME_MAX)) < 3:
        return []
    frais, frais_precisions = _fees(place)
    specific = MULTI_ENUM_BY_STANDARD_NAME["prise_en_charge_specifique"].ordered(place.specific_support)
    publics = MULTI_ENUM_BY_STANDARD_NAME["publics_specifiquement_adresses"].ordered(place.publics)
    publics = _mapped([*publics, *specific], DATA_INCLUSION_PUBLICS) or ["tous-publics"]
    access_modes = [
        mode
        for mode in MULTI_ENUM_BY_STANDARD_NAME["modalites_acces"].ordered(place.access_modes)
        if mode != enums.AccessMode.RDV_EN_LIGNE or place.booking_url
    ]
    mobilisable_par = ["professionnels"] if enums.AccessMode.PAS_DE_PUBLIC in place.access_modes else ["usagers"]
    if enums.AccessMode.FICHE_PRESCRIPTION in place.access_modes and "professionnels" not in mobilisable_par:
        mobilisable_par.append("professionnels")
    support_modes = MULTI_ENUM_BY_STANDARD_NAME["modalites_accompagnement"].ordered(place.support_modes)
    location = _data_inclusion_location(place)
    commune = location["commune"] or ""
    records = []
    for service in services:
        if service in MATERIAL_SERVICES:
            kind = "aide-materielle"
        elif support_modes == [enums.SupportMode.ATELIER_COLLECTIF]:
            kind = "atelier"
        else:
            kind = "accompagnement"
        intro = f"{service} : {place.name}" + (f", {commune}" if commune else "") + "."
        summary = (place.summary or "").strip()
        records.append(
            {
                "source": DATA_INCLUSION_SOURCE,
                "structure_id": structure_id,
                "id": f"{structure_id}--{DATA_INCLUSION_SERVICE_SLUGS[service]}",
                "nom": service,
                "description": _truncated(f"{intro} {summary}" if summary else intro, DI_DESCRIPTION_MAX),
                "lien_source": None,
                "date_maj": update_date(place).isoformat(),
                "type": kind,
                "thematiques": DATA_INCLUSION_THEMATIQUES[service],
                "frais": frais,
                "frais_precisions": frais_precisions,
                "publics": publics,
                "publics_precisions": ("Prise en charge spécifique : " + ", ".join(specific)) if specific else None,
                "conditions_acces": None,
                **location,
                "contact_nom_prenom": None,
                "modes_accueil": _mapped(support_modes, DATA_INCLUSION_MODES_ACCUEIL),
                "zone_eligibilite": None,
                "lien_mobilisation": _or_none(place.booking_url),
                "modes_mobilisation": _mapped(access_modes, DATA_INCLUSION_MODES_MOBILISATION),
                "mobilisable_par": mobilisable_par,
                "mobilisation_precisions": None,
                "volume_horaire_hebdomadaire": None,
                "nombre_semaines": None,
            }
        )
    return records


def _data_inclusion_structures(queryset, stats):
    for place in _iterate(queryset):
        if stats is not None:
            stats.seen += 1
        structure = data_inclusion_structure(place)
        if structure is None:
            if stats is not None:
                stats.skipped_incomplete += 1
            continue
        if stats is not None:
            stats.written += 1
        yield structure


def _data_inclusion_services(queryset, stats):
    for place in _iterate(queryset):
        if stats is not None:
            stats.seen += 1
        for service in data_inclusion_services(place):
            if stats is not None:
                stats.services_written += 1
            yield service


def iter_data_inclusion_structures(queryset, *, stats=None):
    """A JSON array of data·inclusion v1 structures, one per place."""
    yield from _buffered(_json_array(_data_inclusion_structures(queryset, stats)))


def iter_data_inclusion_services(queryset, *, stats=None):
    """A JSON array of data·inclusion v1 services: one per place and service of the standard."""
    yield from _buffered(_json_array(_data_inclusion_services(queryset, stats)))


def iter_data_inclusion(queryset, *, stats=None):
    """``{"structures": [...], "services": [...]}`` in data·inclusion v1 (two passes over the queryset)."""

    def pieces():
        yield '{"structures":'
        yield from _json_array(_data_inclusion_structures(queryset, stats))
        yield ',"services":'
        yield from _json_array(_data_inclusion_services(queryset, stats))
        yield "}\n"

    yield from _buffered(pieces())
