import re

from unidecode import unidecode

# Formats of the INSEE and postal codes (the same rules for imports, searches and the API).
POSTAL_CODE_RE = re.compile(r"^\d{5}$")
CODE_INSEE_RE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")
DEPARTEMENT_RE = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$")


def search_key(text: str) -> str:
    """Lower-case ASCII form of a name for accent- and case-insensitive search: 'Saint-Étienne' → 'saint etienne'."""
    ascii_text = unidecode(text or "").lower()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text).strip()


def departement_code_from(code_insee: str = "", postal_code: str = "") -> str:
    """Code of the département: from the INSEE code when known, else from the postal code."""
    code = (code_insee or "").strip().upper()
    if len(code) == 5:
        return code[:3] if code.startswith("97") or code.startswith("98") else code[:2]
    postal = (postal_code or "").strip()
    if len(postal) == 5 and postal.isdigit():
        if postal.startswith("97") or postal.startswith("98"):
            return postal[:3]
        if postal.startswith("20"):
            return "2A" if int(postal) < 20200 else "2B"
        return postal[:2]
    return ""
