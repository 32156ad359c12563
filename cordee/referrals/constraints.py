"""The person's constraints a referral carries: what the receiving place needs to know to welcome them.

One table for the form, the API and the pages: each key with its French label and its kind of value. Anything else
sent by a program is refused with a message naming the key, so that a place never reads a key it cannot
understand (and a key such as « items » never reaches a template).
"""

from cordee.core.errors import Invalid

TEXT_MAX_LENGTH = 200
MAX_DISTANCE_KM = 100
# key → (French label, kind: "text", "km" or "yes")
CONSTRAINTS = {
    "availability": ("Disponibilités", "text"),
    "max_distance_km": ("Distance maximale", "km"),
    "accessibility": ("Besoins d'accessibilité", "text"),
    "language": ("Langue parlée", "text"),
    "holds_pass_numerique": ("A des Pass numérique", "yes"),
}


def clean(values) -> dict:
    """The constraints as stored (known keys only, empty values left out); ``Invalid`` naming what is wrong."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        raise _invalid('Un objet est attendu, par exemple {"availability": "le mardi matin"}.')
    unknown = sorted(str(key) for key in values if key not in CONSTRAINTS)
    if unknown:
        raise _invalid(f"Contrainte(s) inconnue(s) : {', '.join(unknown)}. Possibles : {', '.join(CONSTRAINTS)}.")
    cleaned = {}
    for key, value in values.items():
        label, kind = CONSTRAINTS[key]
        if kind == "text":
            if not isinstance(value, str) or len(value.strip()) > TEXT_MAX_LENGTH:
                raise _invalid(f"{label} : un texte d'au plus {TEXT_MAX_LENGTH} caractères est attendu.")
            value = value.strip()
        elif kind == "km":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DISTANCE_KM
            ):
                raise _invalid(f"{label} : un nombre entier de kilomètres, de 1 à {MAX_DISTANCE_KM}, est attendu.")
        elif not isinstance(value, bool):
            raise _invalid(f"{label} : true ou false est attendu.")
        if value not in ("", None, False):
            cleaned[key] = value
    return cleaned


def described(values: dict) -> list[tuple[str, str]]:
    """(French label, value as a person reads it) of stored constraints, in the table's order."""
    rows = []
    for key, (label, kind) in CONSTRAINTS.items():
        value = (values or {}).get(key)
        if value in (None, "", False):
            continue
        rows.append((label, "oui" if kind == "yes" else f"{value} km" if kind == "km" else str(value)))
    return rows


def _invalid(message: str) -> Invalid:
    return Invalid(message, reason="invalid_constraints", errors={"constraints": message})
