"""The fields of a place a person may write, and their validators: one set for the web, the API and the import.

Validators are pure functions: they take a raw value (text, list, number) and return the cleaned value, or
raise ``FieldError`` with a French message. ``clean_values`` applies them to a dict of model field names and
derives the fields that follow from others (SIRET status, commune of the référentiel, coordinates
precision); it gathers every error in ``Invalid(errors={field: message})``.

The field lists derive from the model (``Place``'s editable fields, which follow the standard's fields;
``cordee.aggregation.standard`` maps them to the standard's French names): a field added to the model is
writable everywhere at once, unless it is listed below as provenance, derived or workflow state.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Q

from cordee.core.errors import Invalid
from cordee.places import enums, hours
from cordee.places.fields import MULTI_ENUM_BY_FIELD
from cordee.places.models import Place
from cordee.structures.validators import SIRET_PLACEHOLDER, siret_error
from cordee.territories.geo import haversine_km
from cordee.territories.normalize import (
    CODE_INSEE_RE,
    POSTAL_CODE_RE,
    departement_code_from,
    search_key,
)

# --- Field lists ------------------------------------------------------------------------------------------

# Fields that record where the data comes from: ours to fill, nobody writes them.
PROVENANCE_FIELDS = frozenset({"source_name", "source_id", "original_source", "parent_structure", "source_updated_on"})
# Fields the domain derives from the inputs.
DERIVED_FIELDS = ("commune_ref", "siret_status", "coordinates_precision", "location_warning")
# Fields a workflow or the hours assessment owns.
STATE_FIELDS = frozenset(
    {"qualification_state", "hours_status", "hours_warning", "hours_need_parser", "hours_on_holidays"}
)
# Every field a person may write (model names), in the model's order (the standard's, then ours).
INPUT_FIELDS = tuple(
    field.name
    for field in Place._meta.concrete_fields
    if field.editable
    and not field.primary_key
    and field.name not in PROVENANCE_FIELDS | STATE_FIELDS | set(DERIVED_FIELDS)
)
LOCATION_FIELDS = ("address", "postal_code", "code_insee", "commune_name", "latitude", "longitude")
# Multi-valued fields (JSON lists on the model).
LIST_FIELDS = frozenset(
    field.name for field in Place._meta.concrete_fields if field.editable and field.get_internal_type() == "JSONField"
)
URL_FIELDS = ("accessibility_url", "booking_url")
# Hours, contact and practical information: what the whole team of the structure (médiateurs and conseillers
# numériques too) keeps up to date. Name, address, identifiers, structure and commitments stay with its
# gestionnaires and the coordinators.
PRACTICAL_FIELDS = frozenset(
    {
        "opening_hours",
        "phones",
        "emails",
        "websites",
        "booking_url",
        "accessibility_url",
        "summary",
        "description",
        "access_modes",
        "support_modes",
    }
)
MAX_LENGTHS = {
    "name": 255,
    "commune_name": 150,
    "address": 255,
    "address_complement": 255,
    "summary": 280,
    "accessibility_url": 500,
    "booking_url": 500,
}
RNA = re.compile(r"^W\d{9}$")
MULTI_SEPARATORS = re.compile(r"[\n|;]")
# Overseas territories have their own numbering regions: "0262…" is a Réunion number.
PHONE_REGIONS = {
    "971": "GP",
    "972": "MQ",
    "973": "GF",
    "974": "RE",
    "975": "PM",
    "976": "YT",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}
# The first three digits of a national number (after the trunk 0) that belong to an overseas département
# (ARCEP numbering plan): fixed lines 0590/0594/0596/0262/0269/0508, mobiles 069x and 0639.
OVERSEAS_PREFIXES = {
    "590": "GP",
    "690": "GP",
    "691": "GP",
    "594": "GF",
    "694": "GF",
    "596": "MQ",
    "696": "MQ",
    "697": "MQ",
    "262": "RE",
    "263": "RE",
    "692": "RE",
    "693": "RE",
    "269": "YT",
    "639": "YT",
    "508": "PM",
}
_email_validator = EmailValidator()
_url_validator = URLValidator(schemes=["http", "https"])


class FieldError(ValueError):
    """A value that cannot be kept, with a French message for the person who typed it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- Pure validators -----------------------------------------------------------------------------------


def text(value, max_length: int | None = None, label: str = "Ce texte") -> str:
    cleaned = "" if value is None else str(value).strip()
    if max_length and len(cleaned) > max_length:
        raise FieldError(f"{label} compte {len(cleaned)} caractères : {max_length} au plus.")
    return cleaned


def split_lines(value) -> list[str]:
    """A list from a list, or from a text with one value per line (or ``|``/``;``-separated), without repeats."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else MULTI_SEPARATORS.split(str(value))
    values = []
    for item in items:
        item = str(item).strip()
        if item and item not in values:
            values.append(item)
    return values


def phone_region(postal_code: str = "", departement: str = "") -> str:
    """Numbering region of a place: that of its département (or collectivité), else of its postal code."""
    return PHONE_REGIONS.get(departement or (postal_code or "")[:3], "FR")


def parse_phone(value: str, region: str):
    """The phone number written, if it is a valid one of that numbering region (or international), else None."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _national_digits(value: str) -> tuple[str, str]:
    """(the 9 digits after the trunk 0 or the country code, the country code written or ""), or ("", "")."""
    compact = re.sub(r"[^\d+]", "", value or "").replace("+", "00", 1) if value else ""
    if re.fullmatch(r"0\d{9}", compact):
        return compact[1:], ""
    match = re.fullmatch(r"00(33|262|269|590|594|596|508)0?(\d{9})", compact)
    if match:
        return match.group(2), match.group(1)
    return "", ""


def phone_number(value: str, postal_code: str = "", departement: str = "") -> tuple[str, bool]:
    """(E.164 number, corrected): a number read in the French (or overseas) national format.

    The overseas départements have their own country codes, but real files write their numbers as French ones
    ("+33596…", "+33 262…", "+269 269…") or in the national format ("05 96…", "0639…") with no place to tell.
    The first three digits of the national number say where it is (ARCEP plan: 0596 and 0696 Martinique, 0262
    and 0692 La Réunion, 0269 and 0639 Mayotte…): such a number becomes +596, +590, +594, +262 or +508, and
    ``corrected`` says the country code written was another one. Otherwise the number is read in the place's
    region (``departement``, else ``postal_code``), then as a French one.
    """
    national, written_code = _national_digits(value)
    overseas = OVERSEAS_PREFIXES.get(national[:3]) if national else None
    if overseas:
        # Saint-Barthélemy and Saint-Martin share Guadeloupe's numbers (+590): read them in the place's region.
        region = phone_region(postal_code, departement)
        if phonenumbers.country_code_for_region(region) != phonenumbers.country_code_for_region(overseas):
            region = overseas
        # Saint-Pierre-et-Miquelon numbers have 6 digits after +508: "05 08 41 23 45" is +508 41 23 45.
        number = parse_phone("+508" + national[3:] if overseas == "PM" else "0" + national, region)
        if number is not None:
            corrected = bool(written_code) and written_code != str(number.country_code)
            return _e164(number), corrected
    for region in dict.fromkeys([phone_region(postal_code, departement), "FR"]):
        number = parse_phone(value, region)
        if number is not None:
            return _e164(number), False
    raise FieldError(f"Numéro de téléphone invalide : « {value} ». Indiquez 10 chiffres, ex. 05 55 52 00 00.")


def phones(values, postal_code: str = "", departement: str = "") -> list[str]:
    cleaned = []
    for value in split_lines(values):
        number, _corrected = phone_number(value, postal_code, departement)
        if number not in cleaned:
            cleaned.append(number)
    return cleaned


def email(value: str) -> str:
    try:
        _email_validator(value)
    except ValidationError:
        raise FieldError(f"Adresse électronique invalide : « {value} » (format nom@domaine.fr).") from None
    return value.lower()


def emails(values) -> list[str]:
    return list(dict.fromkeys(email(value) for value in split_lines(values)))


def url(value, max_length: int = 500) -> str:
    """An http(s) address, ``https://`` added when missing; "" for nothing."""
    value = text(value)
    if not value:
        return ""
    candidate = value if re.match(r"^https?://", value, re.IGNORECASE) else f"https://{value}"
    try:
        _url_validator(candidate)
    except ValidationError:
        raise FieldError(f"Adresse web invalide : « {value} ».") from None
    if len(candidate) > max_length:
        raise FieldError(f"Adresse web trop longue : {max_length} caractères au plus.")
    return candidate


def urls(values) -> list[str]:
    return list(dict.fromkeys(url(value) for value in split_lines(values)))


def pivot_status(value) -> tuple[str, str, str]:
    """(pivot, SIRET status, why it is invalid or ""): never raises (the import keeps invalid ones, marked)."""
    pivot = re.sub(r"\s", "", text(value)).upper()[:20]
    if not pivot:
        return "", enums.SiretStatus.MISSING, ""
    if pivot == SIRET_PLACEHOLDER:
        return pivot, enums.SiretStatus.PLACEHOLDER, "Indiquez le vrai SIRET du lieu, ou laissez le champ vide."
    if RNA.match(pivot):
        return pivot, enums.SiretStatus.RNA, ""
    error = siret_error(pivot)
    if error:
        return (
            pivot,
            enums.SiretStatus.INVALID,
            (f"SIRET invalide : {error}. Un numéro RNA commence par W suivi de 9 chiffres."),
        )
    return pivot, enums.SiretStatus.VALID, ""


def pivot(value) -> tuple[str, str]:
    """(pivot, SIRET status) of a SIRET or RNA number a person typed; a wrong one is an error."""
    cleaned, status, error = pivot_status(value)
    if error:
        raise FieldError(error)
    return cleaned, status


def postal_code(value) -> str:
    cleaned = text(value).replace(" ", "")
    if len(cleaned) == 4 and cleaned.isdigit():
        cleaned = "0" + cleaned
    if cleaned and not POSTAL_CODE_RE.match(cleaned):
        raise FieldError("Le code postal compte 5 chiffres.")
    return cleaned


def code_insee(value) -> str:
    cleaned = text(value).upper()
    if cleaned and not CODE_INSEE_RE.match(cleaned):
        raise FieldError(f"Code INSEE invalide : « {cleaned} » (ex. 23096 ou 2A004).")
    return cleaned


def coordinate(value, low: float, high: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError("Un nombre est attendu.")
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise FieldError(f"Un nombre est attendu, pas « {value} ».") from None
    if not low <= number <= high:
        raise FieldError(f"Le nombre doit être compris entre {low} et {high}.")
    return number


def opening_hours(value) -> str:
    expression = text(value)
    if expression:
        valid, message = hours.parse(expression)
        if not valid:
            raise FieldError(message[0].upper() + message[1:] + ".")
    return expression


def closed_list(field: str, values) -> list[str]:
    """Values of a multi-valued field of the standard (aliases accepted), in the standard's order."""
    spec = MULTI_ENUM_BY_FIELD[field]
    kept = []
    for value in split_lines(values):
        if value not in spec.bits:
            raise FieldError(f"Valeur inconnue du standard : « {value} ».")
        kept.append(value)
    return spec.ordered(kept)


def boolean(value) -> bool:
    if not isinstance(value, bool):
        raise FieldError("Oui ou non (true ou false) est attendu.")
    return value


# --- Communes -------------------------------------------------------------------------------------------

# How far (km) a place's coordinates may lie from its commune's point (the town hall or the main village) before
# they are flagged: 50 km holds the widest communes of metropolitan France (Arles: Salin-de-Giraud is 35 km
# from the town hall) with a margin for points geocoded a little off (in the real files, 3 of the 10,900 rows lie
# 40 to 41 km away, the next ones 53 km and more); Guyane's communes are as large as départements, Polynésie's
# spread over several islands.
MAX_DISTANCE_KM = 50.0
MAX_DISTANCE_KM_BY_DEPARTEMENT = {"973": 200.0, "987": 250.0, "988": 80.0}
ARTICLES = ("la", "le", "les", "l")
_ARTICLE_AFTER = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<article>l'|l’|la|le|les)\s*\)\s*$", re.IGNORECASE)
CLOSE_SPELLING = 0.85  # difflib ratio between two names without their article: a typo, a lost "s" or accent
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# A municipal arrondissement as the référentiel names it ("Paris 14e Arrondissement", "Marseille 1er
# Arrondissement"), and as files write it ("PARIS 14", "Lyon 7ème", "Marseille 1er arr."), in search_key form.
_ARRONDISSEMENT_NAME = re.compile(r"^(?P<city>.+?) (?P<number>\d{1,2})(?:er|e) arrondissement$")
_ARRONDISSEMENT_WRITTEN = re.compile(
    r"^(?P<city>[a-z][a-z ]*?) ?(?P<number>\d{1,2}) ?(?:er|e|eme|em|ieme)?(?: ?(?:arrondissement|arrdt|arrt|arr))?$"
)


@dataclass
class CommuneInfo:
    code_insee: str
    name: str
    latitude: float | None
    longitude: float | None
    postal_codes: tuple

    @property
    def departement(self) -> str:
        return departement_code_from(self.code_insee)


@dataclass
class CommuneMatch:
    """The commune a place designates, and what a person should know about how it was found (French)."""

    commune: CommuneInfo | None
    notes: list = field(default_factory=list)
    corrected_code: str = ""  # the INSEE code written, when it was replaced by the commune's


def _arrondissement_of(name: str, pattern) -> tuple[str, int] | None:
    """(city, number) of a municipal arrondissement's name, as the référentiel (``_ARRONDISSEMENT_NAME``) or a file
    (``_ARRONDISSEMENT_WRITTEN``) writes it; None for any other name."""
    match = pattern.match(search_key(name))
    return (match["city"].strip(), int(match["number"])) if match else None


def _prefix_of_each_other(first, second):
    return first.startswith(second) or second.startswith(first)


def commune_name_keys(name: str) -> tuple[str, str]:
    """(key, key without the leading article) of a commune name, for comparisons.

    The article may come first or last ("La Couronne", "Couronne (La)"), "St" is "Saint", accents, case,
    hyphens and apostrophes do not count: "Couronne (La)" and "LA COURONNE" → ("lacouronne", "couronne").
    """
    name = (name or "").strip()
    match = _ARTICLE_AFTER.match(name)
    if match:
        name = f"{match.group('article')} {match.group('name')}"
    words = [_SAINTS.get(word, word) for word in search_key(name).split()]
    key = "".join(words)
    bare = "".join(words[1:]) if len(words) > 1 and words[0] in ARTICLES else key
    return key, bare


def max_distance_km(departement: str) -> float:
    return MAX_DISTANCE_KM_BY_DEPARTEMENT.get(departement, MAX_DISTANCE_KM)


def distance_km(commune: CommuneInfo | None, latitude, longitude) -> float | None:
    """Distance from a point to a commune's point (None when either is unknown)."""
    if commune is None or commune.latitude is None or latitude is None or longitude is None:
        return None
    return haversine_km(latitude, longitude, commune.latitude, commune.longitude)


def _near(commune, latitude, longitude) -> bool:
    distance = distance_km(commune, latitude, longitude)
    return distance is not None and distance <= max_distance_km(commune.departement)


class CommuneIndex:
    """In-memory look-up of communes by INSEE code, postal code and normalised name.

    Rules (``resolve``), the same for a file import and the place forms:

    1. a known INSEE code wins, unless the postal code and the coordinates both designate another commune while
       lying far from the coded one (a Puy-de-Dôme code for Le Mont-Dore, Nouvelle-Calédonie): the code is
       then corrected, and said so; a code whose département is not the postal code's, or whose commune is not
       the one the name designates among those of the postal code, is kept, and flagged;
    2. among the communes of the postal code: the same name (article first, last or missing, "St" for
       "Saint"), a name starting like it ("MARSEILLE 11"), a name holding it (a commune merged into a new one:
       "Ambleville" in 16300 is Lignières-Ambleville), a spelling close enough (``CLOSE_SPELLING``);
    3. the same name in the département of the postal code (a neighbour's postal code, a CEDEX one);
    4. the only commune of the postal code, or the one nearest to the coordinates;
    5. anywhere else only when the postal code says nothing (none, or unknown) or the coordinates confirm it:
       the only commune of that name, or the one near the coordinates; else a municipal arrondissement written
       with its number ("PARIS 14", "Lyon 7ème", "Marseille 1er arr.").
    """

    def __init__(self, communes=()):
        self.by_code = {}
        self.by_postal_code = {}
        self.by_name = {}
        self.by_key = {}
        self.by_bare_key = {}
        self.by_arrondissement = {}
        for commune in communes:
            self.by_code[commune.code_insee] = commune
            for code in commune.postal_codes:
                self.by_postal_code.setdefault(code, []).append(commune)
            self.by_name.setdefault(search_key(commune.name), []).append(commune)
            key, bare = commune_name_keys(commune.name)
            self.by_key.setdefault(key, []).append(commune)
            self.by_bare_key.setdefault(bare, []).append(commune)
            arrondissement = _arrondissement_of(commune.name, _ARRONDISSEMENT_NAME)
            if arrondissement:
                self.by_arrondissement[arrondissement] = commune

    @classmethod
    def from_database(cls):
        """The whole référentiel (an import)."""
        from cordee.territories.models import Commune

        rows = Commune.objects.values_list("code_insee", "name", "latitude", "longitude", "postal_codes")
        return cls(
            CommuneInfo(code, name, lat, lon, tuple(p for p in (postal or "").split("|") if p))
            for code, name, lat, lon, postal in rows.iterator(chunk_size=5000)
        )

    @classmethod
    def for_values(cls, code_insee="", postal_code="", name=""):
        """Only the communes one place may designate (a form, an API call)."""
        from cordee.territories.models import Commune

        condition = Q(pk__in=[])
        if code_insee:
            condition |= Q(code_insee=code_insee)
        if postal_code:
            condition |= Q(postal_code_rows__code=postal_code)
            departement = departement_code_from(postal_code=postal_code)
            if departement and name:
                condition |= Q(departement_id=departement)
        if name:
            words = _words_without_article(name)
            variants = {search_key(name), words, *(f"{article} {words}" for article in ARTICLES)}
            written = _arrondissement_of(name, _ARRONDISSEMENT_WRITTEN)
            if written:
                variants |= {f"{written[0]} {written[1]}{suffix} arrondissement" for suffix in ("e", "er")}
            condition |= Q(search_name__in=sorted(variants))
        rows = Commune.objects.filter(condition).distinct().order_by("code_insee")
        return cls(CommuneInfo(c.code_insee, c.name, c.latitude, c.longitude, tuple(c.postal_code_list)) for c in rows)

    def find(self, code_insee, postal_code, name, latitude=None, longitude=None):
        return self.resolve(code_insee, postal_code, name, latitude, longitude).commune

    def resolve(self, code_insee, postal_code, name, latitude=None, longitude=None) -> CommuneMatch:
        coded = self.by_code.get(code_insee) if code_insee else None
        if coded is None:
            return CommuneMatch(self._by_postal_code_and_name(postal_code, name, latitude, longitude, code_insee))
        if not postal_code or postal_code not in self.by_postal_code or postal_code in coded.postal_codes:
            return CommuneMatch(coded, self._name_disagreement(coded, postal_code, name, latitude, longitude))
        other = self._by_postal_code_and_name(postal_code, name, latitude, longitude)
        agreeing = other is not None and other.code_insee != coded.code_insee and _near(other, latitude, longitude)
        if agreeing and not _near(coded, latitude, longitude):
            note = (
                f"code INSEE {code_insee} ({coded.name}, {coded.departement}) corrigé en {other.code_insee} "
                f"({other.name}, {other.departement}) : le code postal et les coordonnées désignent cette commune"
            )
            return CommuneMatch(other, [note], corrected_code=code_insee)
        if coded.departement != departement_code_from(postal_code=postal_code):
            note = (
                f"le code INSEE {code_insee} ({coded.name}, {coded.departement}) ne correspond pas au code postal "
                f"{postal_code} : commune à vérifier"
            )
            return CommuneMatch(coded, [note])
        return CommuneMatch(coded)

    def _name_disagreement(self, coded, postal_code, name, latitude, longitude) -> list:
        """A note when the name written designates another commune of the postal code than the INSEE code."""
        if not name or _same_or_prefix(name, coded.name) or _holds(coded.name, name):
            return []
        key, bare = commune_name_keys(name)
        candidates = self.by_postal_code.get(postal_code, []) if postal_code else []
        named = self._named_among(candidates, name, key, bare, latitude, longitude) if candidates and key else None
        if named is None or named.code_insee == coded.code_insee:
            return []
        if search_key(coded.name).startswith(search_key(named.name) + " "):
            return []  # a municipal arrondissement of the commune named: "Lyon 7ème arrondissement" for 69387
        return [
            f"le nom « {name} » désigne {named.name} ({named.code_insee}), le code INSEE {coded.code_insee} "
            f"{coded.name} : commune à vérifier"
        ]

    def _by_postal_code_and_name(self, postal_code, name, latitude, longitude, unknown_code=""):
        key, bare = commune_name_keys(name)
        same_name = self._same_name(key, bare)
        candidates = self.by_postal_code.get(postal_code, []) if postal_code else []
        if candidates and key:
            found = self._named_among(candidates, name, key, bare, latitude, longitude)
            if found is not None:
                return found
        departement = departement_code_from(unknown_code, postal_code)
        if departement:
            in_departement = [c for c in same_name if c.departement == departement]
            found = self._one_or_nearest(in_departement, latitude, longitude)
            if found is not None:
                return found
        if candidates:
            if len(candidates) == 1:
                return candidates[0]
            near = [c for c in candidates if _near(c, latitude, longitude)]
            if near:
                return min(near, key=lambda c: distance_km(c, latitude, longitude))
            # The postal code is known and names other communes: a namesake elsewhere only if the point is there.
            near = [c for c in same_name if _near(c, latitude, longitude)]
            return near[0] if len(near) == 1 else None
        return self._one_or_nearest(same_name, latitude, longitude) or self._arrondissement(name)

    def _arrondissement(self, name):
        """ "PARIS 14", "Lyon 7ème", "Marseille 1er arr." → that municipal arrondissement, or None."""
        written = _arrondissement_of(name, _ARRONDISSEMENT_WRITTEN)
        return self.by_arrondissement.get(written) if written else None

    def _same_name(self, key, bare):
        """Communes of that name, with or without its article ("Le Mont-Dore" is also "Mont-Dore")."""
        if not key:
            return []
        found = {}
        for commune in self.by_key.get(key, []) + self.by_bare_key.get(bare, []) + self.by_bare_key.get(key, []):
            found[commune.code_insee] = commune
        return sorted(found.values(), key=lambda c: c.code_insee)

    def _named_among(self, candidates, name, key, bare, latitude, longitude):
        """The commune of the postal code that the name designates, or None."""
        keys = [commune_name_keys(c.name) for c in candidates]
        for test in (
            lambda k: k[0] == key,
            lambda k: k[1] == bare or k[1] == key or k[0] == bare,
        ):
            exact = [c for c, k in zip(candidates, keys, strict=True) if test(k)]
            if exact:
                return self._one_or_nearest(exact, latitude, longitude) or exact[0]
        # "MARSEILLE 11" in 13011 → Marseille rather than nothing.
        words = search_key(name)
        close = [c for c in candidates if _prefix_of_each_other(words, search_key(c.name))]
        if close:
            return min(close, key=lambda c: len(c.name))
        # A commune merged into a new one keeps its name in the new one's: "Ambleville" → "Lignières-Ambleville".
        holding = [c for c in candidates if _holds(c.name, name)]
        if len(holding) == 1:
            return holding[0]
        # A spelling close enough among the few communes of the postal code: "Sarge Le Mans" → Sargé-lès-le-Mans.
        scores = sorted(
            (
                (SequenceMatcher(None, bare, k[1]).ratio(), c.code_insee, c)
                for c, k in zip(candidates, keys, strict=True)
            ),
            reverse=True,
        )
        if scores and scores[0][0] >= CLOSE_SPELLING and (len(scores) == 1 or scores[1][0] < CLOSE_SPELLING):
            return scores[0][2]
        return None

    @staticmethod
    def _one_or_nearest(communes, latitude, longitude):
        if len(communes) == 1:
            return communes[0]
        near = [c for c in communes if _near(c, latitude, longitude)]
        if near:
            return min(near, key=lambda c: distance_km(c, latitude, longitude))
        return None


def _words_without_article(name):
    """The words of a name without its leading article, for the database look-up of ``for_values``."""
    match = _ARTICLE_AFTER.match((name or "").strip())
    words = search_key(match.group("name") if match else name).split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def check_point(commune: CommuneInfo | None, latitude, longitude) -> tuple[float | None, float | None, str]:
    """(latitude, longitude, note): coordinates checked against their commune's point.

    Swapped latitude and longitude are put back when that brings the point near its commune; coordinates still
    farther than ``max_distance_km`` are kept, with a note for the place's managers and the import report.
    """
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return latitude, longitude, ""
    distance = distance_km(commune, latitude, longitude)
    if distance is None or distance <= max_distance_km(commune.departement):
        return latitude, longitude, ""
    if abs(longitude) <= 90 and _near(commune, longitude, latitude):
        return longitude, latitude, "latitude et longitude inversées dans la source : remises dans l'ordre"
    limit = max_distance_km(commune.departement)
    kilometres = f"{distance:,.0f}".replace(",", "\u202f")  # thin space between thousands, as French writes them
    note = (
        f"coordonnées à {kilometres} km du centre de {commune.name} ({commune.departement}), plus de "
        f"{limit:.0f} km : position à vérifier"
    )
    return latitude, longitude, note


def commune(index: CommuneIndex, code: str, postal: str, name: str) -> CommuneInfo | None:
    """The commune a person designated, checked strictly (a file import is lenient with ``index.resolve``).

    Raises ``FieldError`` whose ``field`` says which input to correct.
    """
    if code and code not in index.by_code:
        raise FieldError(f"Aucune commune n'a le code INSEE « {code} ».", field="code_insee")
    if not (code or postal or name):
        return None
    found = index.find(code, postal, name)
    if found is None:
        raise FieldError(
            "Commune introuvable avec ce code postal et ce nom : indiquez son code INSEE.", field="code_insee"
        )
    if not code and name and not _same_or_prefix(name, found.name):
        raise FieldError(f"Le code postal {postal} est celui de {found.name}. Vérifiez la commune.", "commune_name")
    return found


def _holds(official, given):
    """Whether the official name holds the given one as whole words ("Lignières-Ambleville" holds "Ambleville")."""
    words = search_key(given)
    return bool(words) and re.search(rf"\b{re.escape(words)}\b", search_key(official)) is not None


def _same_or_prefix(given, official):
    given_key, given_bare = commune_name_keys(given)
    key, bare = commune_name_keys(official)
    if given_key in (key, bare) or given_bare in (key, bare):
        return True
    written = _arrondissement_of(given, _ARRONDISSEMENT_WRITTEN)
    if written and written == _arrondissement_of(official, _ARRONDISSEMENT_NAME):
        return True  # "Paris 14ème" for "Paris 14e Arrondissement"
    return _prefix_of_each_other(search_key(given), search_key(official))


# --- A place's values -------------------------------------------------------------------------------------


def _scalar(name, value):
    if name in URL_FIELDS:
        return url(value, MAX_LENGTHS[name])
    if name == "opening_hours":
        return opening_hours(value)
    if name in MULTI_ENUM_BY_FIELD:
        return closed_list(name, value)
    if name in ("emails",):
        return emails(value)
    if name == "websites":
        return urls(value)
    if name == "typologies":
        return split_lines(value)
    if name == "accepts_pass_numerique":
        return boolean(value)
    return text(value, MAX_LENGTHS.get(name))


def _location(values: dict, current, cleaned: dict, errors: dict) -> None:
    """Address, commune and point: resolved together as soon as one of them is given."""
    given = {name: values[name] for name in LOCATION_FIELDS if name in values}
    if not given:
        return
    merged = {name: getattr(current, name, None) if current is not None else None for name in LOCATION_FIELDS}
    merged.update(given)
    for name, validator in (("postal_code", postal_code), ("code_insee", code_insee)):
        try:
            merged[name] = validator(merged[name])
        except FieldError as error:
            errors[name] = error.message
    point = {}
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        try:
            point[name] = coordinate(merged[name], low, high)
        except FieldError as error:
            errors[name] = error.message
    for name in ("address", "address_complement", "commune_name"):
        if name in merged:
            try:
                merged[name] = text(merged[name], MAX_LENGTHS.get(name))
            except FieldError as error:
                errors[name] = error.message
    if errors.keys() & set(LOCATION_FIELDS):
        return
    index = CommuneIndex.for_values(merged["code_insee"], merged["postal_code"], merged["commune_name"])
    try:
        found = commune(index, merged["code_insee"], merged["postal_code"], merged["commune_name"])
    except FieldError as error:
        errors[error.field] = error.message
        return
    if found is not None:
        merged["code_insee"], merged["commune_name"] = found.code_insee, found.name
        if not merged["postal_code"] and len(found.postal_codes) == 1:
            merged["postal_code"] = found.postal_codes[0]
    latitude, longitude = point["latitude"], point["longitude"]
    if (latitude is None) != (longitude is None):
        errors["longitude" if latitude is not None else "latitude"] = "Indiquez la latitude et la longitude."
        return
    commune_id = found.code_insee if found else None
    if current is not None and _same_point((latitude, longitude), (current.latitude, current.longitude)):
        latitude, longitude = current.latitude, current.longitude  # shown rounded, kept exact
    unchanged = (
        current is not None
        and (latitude, longitude) == (current.latitude, current.longitude)
        and commune_id == current.commune_ref_id
    )
    if unchanged:
        precision = current.coordinates_precision
    elif latitude is not None and not (latitude == 0 and longitude == 0):
        precision = enums.CoordinatesPrecision.ADDRESS
    elif found is not None and found.latitude is not None:
        latitude, longitude = found.latitude, found.longitude
        precision = enums.CoordinatesPrecision.COMMUNE
    else:
        latitude = longitude = None
        precision = enums.CoordinatesPrecision.UNKNOWN
    warning = ""
    if precision == enums.CoordinatesPrecision.ADDRESS:
        latitude, longitude, warning = check_point(found, latitude, longitude)
    cleaned.update({name: merged[name] for name in ("address", "postal_code", "code_insee", "commune_name")})
    cleaned.update(latitude=latitude, longitude=longitude, coordinates_precision=precision, commune_ref_id=commune_id)
    cleaned["location_warning"] = warning


COORDINATE_DECIMALS = 6  # about 10 cm: what the forms show


def _same_point(first, second) -> bool:
    """The same point at the precision the forms show (None for no point)."""
    if None in first or None in second:
        return first == second
    return all(
        round(a, COORDINATE_DECIMALS) == round(b, COORDINATE_DECIMALS) for a, b in zip(first, second, strict=True)
    )


def clean_values(values: dict, current=None) -> dict:
    """Cleaned and derived model values for the fields given; raises ``Invalid`` listing every field at fault.

    ``current`` is the place being changed (None for a new one): the location is resolved with its other
    location fields, and the phones are read in its region.
    """
    unknown = sorted(set(values) - set(INPUT_FIELDS))
    errors = dict.fromkeys(unknown, "Champ inconnu ou non modifiable.")
    cleaned: dict = {}
    _location(values, current, cleaned, errors)
    for name, value in values.items():
        if name in LOCATION_FIELDS or name in unknown or name == "structure":
            continue
        try:
            if name == "pivot":
                cleaned["pivot"], cleaned["siret_status"] = pivot(value)
            elif name == "phones":
                postal = cleaned.get("postal_code", getattr(current, "postal_code", ""))
                code = cleaned.get("code_insee", getattr(current, "code_insee", ""))
                cleaned["phones"] = phones(value, postal, departement_code_from(code, postal))
            else:
                cleaned[name] = _scalar(name, value)
        except FieldError as error:
            errors[name] = error.message
    if "name" in values and not cleaned.get("name") and "name" not in errors:
        errors["name"] = "Indiquez le nom du lieu."
    if "structure" in values:
        cleaned["structure"] = values["structure"]
    if errors:
        raise Invalid("Certaines informations du lieu ne sont pas valides.", reason="invalid_place", errors=errors)
    return cleaned
