import html
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


# An HTML character reference with its semicolon: "&amp;", "&#39;", "&eacute;". Without the semicolon
# ("R&D", "Loisirs&Co") the text is left alone.
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,30});")
_SAINT = re.compile(r"\b(st|ste)\b")


def unescape_entities(text: str) -> str:
    """Source texts escaped for HTML, sometimes twice, as people wrote them: 'Clic&amp;amp;Co' → 'Clic&Co'.

    The templates escape once when they show the text; a source's own escaping would show as "&amp;".
    """
    text = text or ""
    for _ in range(3):  # "&amp;amp;" needs two passes; three is plenty
        unescaped = _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
        if unescaped == text:
            break
        text = unescaped
    return text


def letters_key(name: str) -> str:
    """Letters and digits only, 'st' read as 'saint': 'St-Donat-sur-lHerbasse' → 'saintdonatsurlherbasse'."""
    words = unidecode(name or "").lower()
    words = _SAINT.sub(lambda match: "saint" if match.group(1) == "st" else "sainte", words)
    return re.sub(r"[^a-z0-9]+", "", words)


def official_commune_name(source_name: str, official_name: str) -> str:
    """The name of the commune as the référentiel writes it when the source wrote the same name differently.

    Sources lose apostrophes, accents and capitals ('Saint-Donat-sur-lHerbasse', 'SAINT DONAT SUR L HERBASSE'):
    both become "Saint-Donat-sur-l'Herbasse". A name that says something else ('Marseille 11e') is kept.
    """
    if not official_name:
        return source_name or ""
    if not source_name or letters_key(source_name) == letters_key(official_name):
        return official_name
    return source_name


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
