import re

from unidecode import unidecode


def search_key(text: str) -> str:
    """Lower-case ASCII form of a name for accent- and case-insensitive search: 'Saint-Étienne' → 'saint etienne'."""
    ascii_text = unidecode(text or "").lower()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text).strip()
