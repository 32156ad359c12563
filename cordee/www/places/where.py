"""Read the "Où ?" field of the public search: a commune, a postal code or an address.

We have no geocoder: an address is placed at the centre of its commune, found from its postal code or its
commune name. Only the territories' lookups are used (``Commune.objects.by_postal_code``, ``autocomplete``).
"""

import re
from dataclasses import dataclass, field

from cordee.territories.models import Commune
from cordee.territories.normalize import search_key

POSTAL_CODE_RE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
MAX_CHOICES = 8
# An address often starts with a number or a street word: we then say we only use its commune.
STREET_WORDS = {
    "rue",
    "avenue",
    "av",
    "bd",
    "boulevard",
    "place",
    "chemin",
    "impasse",
    "allee",
    "route",
    "quai",
    "cours",
    "square",
    "lieu",
    "lotissement",
    "residence",
}
MAX_SUFFIX_WORDS = 5


@dataclass
class Where:
    """Where to search: a commune (or a point), or what to ask the person."""

    commune: Commune | None = None
    lat: float | None = None
    lon: float | None = None
    label: str = ""  # "Guéret (23)", "votre position"
    notice: str = ""  # what we did with the text, when it was not a plain commune name
    choices: list[Commune] = field(default_factory=list)  # homonyms to choose from
    error: str = ""

    @property
    def found(self) -> bool:
        return self.lat is not None and self.lon is not None


def _label(commune: Commune) -> str:
    return f"{commune.name} ({commune.departement_id})"


def _at(commune: Commune, notice: str = "") -> Where:
    if commune.latitude is None or commune.longitude is None:
        return Where(error=f"Nous ne savons pas situer {commune.name} sur la carte : essayez une commune voisine.")
    return Where(commune=commune, lat=commune.latitude, lon=commune.longitude, label=_label(commune), notice=notice)


def _communes():
    return Commune.objects.select_related("departement")


def resolve(text: str = "", *, code_insee: str = "", lat: float | None = None, lon: float | None = None) -> Where:
    """Find where to search from what the person gave: a commune chosen in a list (``code_insee``), their
    position (``lat``/``lon``, from "Autour de moi") or the text of the "Où ?" field."""
    if code_insee:
        commune = _communes().filter(code_insee=code_insee.strip().upper()).first()
        if commune is not None:
            return _at(commune)
    text = " ".join((text or "").split())
    if not text:
        if lat is not None and lon is not None:
            return Where(lat=lat, lon=lon, label="votre position")
        return Where(error="Indiquez une commune, un code postal ou une adresse, ou choisissez « Autour de moi ».")

    postal = POSTAL_CODE_RE.search(text)
    if postal:
        return _by_postal_code(text, postal)
    return _by_name(text)


def _by_postal_code(text: str, match) -> Where:
    code = match.group(1)
    communes = list(_communes().by_postal_code(code)[:50])
    if not communes:
        return Where(error=f"Aucune commune n'a le code postal {code}. Vérifiez-le, ou indiquez le nom de la commune.")
    # Paris, Lyon, Marseille: the arrondissement of the postal code is more precise than the whole city.
    parents = {commune.parent_id for commune in communes if commune.parent_id}
    communes = [commune for commune in communes if commune.code_insee not in parents]
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" ,;-()")
    before, after = search_key(text[: match.start()]), search_key(text[match.end() :])
    if after:
        # "23000 Guéret", "12 rue X, 23000 Guéret (Creuse)": the commune name follows the postal code.
        named = [commune for commune in communes if _name_matches(commune, after)]
        if named:
            notice = _address_notice(named[0]) if before else ""
            return _at(named[0], notice)
    elif before and not _looks_like_address(before):
        named = [commune for commune in communes if _name_matches(commune, before)]
        if named:
            return _at(named[0])
    commune = communes[0]
    if rest and _looks_like_address(search_key(rest)):
        return _at(commune, _address_notice(commune))
    if len(communes) > 1:
        others = ", ".join(c.name for c in communes[1:4])
        return _at(
            commune,
            f"Le code postal {code} couvre plusieurs communes ({commune.name}, {others}…) : "
            f"nous cherchons autour de {commune.name}, la plus peuplée. Augmentez le rayon au besoin.",
        )
    return _at(commune)


def _name_matches(commune: Commune, key: str) -> bool:
    name = commune.search_name or search_key(commune.name)
    return name == key or name.startswith(key) or key.startswith(name)


def _looks_like_address(key: str) -> bool:
    words = key.split()
    return bool(words) and (words[0].isdigit() or bool(STREET_WORDS.intersection(words)))


def _address_notice(commune: Commune) -> str:
    return (
        "Nous ne savons pas encore situer une adresse précise : nous cherchons autour du centre de "
        f"{commune.name}. Les distances sont comptées depuis le centre de la commune."
    )


def _by_name(text: str) -> Where:
    key = search_key(text)
    if not key:
        return Where(error="Indiquez le nom d'une commune, un code postal ou une adresse.")
    where = _by_commune_name(key)
    if where is not None:
        return where
    # An address without postal code: "12 rue de la Paix, Guéret" or "12 rue de la Paix Guéret".
    parts = [search_key(part) for part in re.split(r"[,;]", text) if search_key(part)]
    candidates = [parts[-1]] if len(parts) > 1 else []
    words = key.split()
    candidates += [" ".join(words[-size:]) for size in range(min(MAX_SUFFIX_WORDS, len(words) - 1), 0, -1)]
    for candidate in candidates:
        if candidate.isdigit() or candidate in STREET_WORDS:
            continue
        where = _by_commune_name(candidate, exact_only=True)
        if where is not None and where.error == "":
            if where.found:
                where.notice = _address_notice(where.commune)
            return where
    return Where(
        error=f"Nous n'avons trouvé aucune commune nommée « {text} ». Vérifiez l'orthographe, "
        "ou indiquez le code postal."
    )


def _by_commune_name(key: str, *, exact_only: bool = False) -> Where | None:
    matches = list(_communes().only_communes().autocomplete(key)[:50])
    exact = [commune for commune in matches if commune.search_name == key]
    if len(exact) > 1:
        return Where(choices=exact[:MAX_CHOICES], label=exact[0].name)
    if exact:
        return _at(exact[0])
    if matches and not exact_only:
        return _at(matches[0])
    return None
