"""Reading the values of the standard's closed lists as real files write them.

One normalisation (``value_key``) and one table per group of columns (``cordee.aggregation.importing.synonyms``,
plus the standard's own v1 and v0.1 values). A value is looked up:

1. as written (``exact``);
2. by its key: case, accents, apostrophes, non-breaking spaces, punctuation, plural "s", a data·inclusion
   slug (``numerique--prendre-en-main-un-ordinateur``, ``seniors-65``) do not matter (``normalisé``);
3. split on weaker separators (``,``, `` - ``, `` et ``) when the whole is unknown and some of its parts
   are known (``normalisé``; the other parts go on to 4 and 5);
4. by a close spelling, only above ``FUZZY_THRESHOLD`` (``rapproché``, reported row by row);
5. in a sentence holding several known values (``lu dans un texte``);

and otherwise stays ``non reconnu``: the importer keeps it on the place (``Place.unrecognised_values``).
"""

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from cordee.aggregation.importing import synonyms, v01
from cordee.aggregation.standard import MULTI_ENUM_BY_STANDARD_NAME, VALUE_ALIASES
from cordee.territories.normalize import search_key, unescape_entities

EXACT = "exact"
NORMALISED = "normalisé"
FUZZY = "rapproché"
IN_TEXT = "lu dans un texte"
UNRECOGNISED = "non reconnu"
OUTCOMES = [EXACT, NORMALISED, FUZZY, IN_TEXT, UNRECOGNISED]
PLURALS = {
    EXACT: "exacts",
    NORMALISED: "normalisés",
    FUZZY: "rapprochés",
    IN_TEXT: "lus dans un texte",
    UNRECOGNISED: "non reconnus",
}

FUZZY_THRESHOLD = 90
STRONG_SEPARATORS = re.compile(r"\s*(?:[|;\n\r\t•]|\\n)\s*|\s+/\s+")
# Tried one after the other: a comma list whose values hold " et " is still split on its commas only.
WEAK_SEPARATORS = [re.compile(r"\s*,\s*"), re.compile(r"\s+-\s+"), re.compile(r"\s+et\s+")]
SLUG_PREFIX = re.compile(r"^[a-z0-9-]+--(?=[a-z0-9])")
MIN_TEXT_WORDS = 4


def value_key(text) -> str:
    """'Seniors (+ 65 ans)' → 'senior 65 an'; 'numerique--prendre-en-main-un-ordinateur' → 'prendre en main un
    ordinateur'; 'Aidants Connect' → 'aidant connect'. Equal keys: same value for a person reading it."""
    text = str(text or "").strip().lower()
    text = SLUG_PREFIX.sub("", text)
    words = search_key(text).split()
    return " ".join(word[:-1] if len(word) > 3 and word[-1] in "sx" else word for word in words)


def split_values(value) -> list[str]:
    """The values of a multi-valued cell: ``|``, ``;``, `` / ``, new lines; a Python or JSON list written as text
    (``['conseiller-numerique']``) gives its items."""
    if value is None:
        return []
    text = unescape_entities(str(value)).replace("\u00a0", " ").strip()
    if len(text) > 1 and text[0] in "[(" and text[-1] in ")]":
        items = _literal_list(text)
        if items is not None:
            return [part for item in items for part in split_values(item)]
    return [part.strip(" \"'") for part in STRONG_SEPARATORS.split(text) if part.strip(" \"'")]


def _literal_list(text):
    for parse in (json.loads, ast.literal_eval):
        try:
            items = parse(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(items, (list, tuple)):
            return [str(item) for item in items if item not in (None, "")]
    return None


@dataclass
class Match:
    raw: str
    how: str
    targets: list = field(default_factory=list)  # [(v1 column or special target, value)]
    matched: str = ""  # the known spelling a fuzzy match chose


class ValueTable:
    """The known spellings of one group of columns, each with its targets."""

    def __init__(self, entries):
        self.exact, self.by_key, self.by_compact = {}, {}, {}
        for spelling, targets in entries:
            self.exact.setdefault(spelling, targets)
            key = value_key(spelling)
            if key:
                self.by_key.setdefault(key, targets)
                # Without spaces: a slug that dropped an apostrophe ("laide", "sequiper") is still known.
                self.by_compact.setdefault(key.replace(" ", ""), targets)
        self.keys = list(self.by_key)
        # Spellings of two words or more, longest first: what a sentence may contain.
        self.phrases = sorted((key for key in self.keys if " " in key), key=len, reverse=True)

    def match(self, raw) -> list[Match]:
        raw = raw.strip()
        found = self._known(raw)
        if found:
            return [found]
        for separator in WEAK_SEPARATORS:
            parts = [part for part in separator.split(raw) if part.strip(" .")]
            if len(parts) > 1:
                known = [self._known(part) for part in parts]
                if any(known):
                    # The parts known as written or by their key; the others go on (close spelling, text).
                    return [
                        Match(part, NORMALISED, match.targets) if match else self._fuzzy(part)
                        for part, match in zip(parts, known, strict=True)
                    ]
        return [self._fuzzy(raw)]

    def _known(self, raw):
        if raw in self.exact:
            return Match(raw, EXACT, self.exact[raw])
        key = value_key(raw)
        if key in self.by_key:
            return Match(raw, NORMALISED, self.by_key[key])
        if key and key.replace(" ", "") in self.by_compact:
            return Match(raw, NORMALISED, self.by_compact[key.replace(" ", "")])
        return None

    def _fuzzy(self, raw):
        key = value_key(raw)
        if not key:
            return Match(raw, UNRECOGNISED)
        best = process.extractOne(key, self.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is not None:
            return Match(raw, FUZZY, self.by_key[best[0]], matched=best[0])
        if len(key.split()) >= MIN_TEXT_WORDS:
            targets = self._in_text(key)
            if targets:
                return Match(raw, IN_TEXT, targets)
        return Match(raw, UNRECOGNISED)

    def _in_text(self, key):
        text, targets = f" {key} ", []
        for phrase in self.phrases:
            needle = f" {phrase} "
            if needle in text:
                text = text.replace(needle, " | ")
                targets.extend(target for target in self.by_key[phrase] if target not in targets)
        return targets


@cache
def table(name) -> ValueTable:
    """The table of a group (``synonyms.TABLE_OF_COLUMN``): the standard's values, v0.1 values, synonyms."""
    columns = [column for column, group in synonyms.TABLE_OF_COLUMN.items() if group == name]
    entries = []
    for column in columns:
        if column in MULTI_ENUM_BY_STANDARD_NAME:
            entries += [(value, [(column, value)]) for value in MULTI_ENUM_BY_STANDARD_NAME[column].values]
            entries += [(alias, [(column, value)]) for alias, value in VALUE_ALIASES.get(column, {}).items()]
            for old, values in v01.OLD_VALUES_IN_V1_COLUMNS.get(column, {}).items():
                entries.append((old, [(column, str(value)) for value in values]))
        for old, targets in v01.LEGACY_VALUES.get(column, {}).items():
            entries.append((old, [(target, value) for target, value in targets]))
    for target, spellings in synonyms.SYNONYMS[name].items():
        entries += [(spelling, [target]) for spelling in spellings]
    return ValueTable(entries)


@cache
def typology_keys() -> dict:
    known = {}
    for code, labels in synonyms.TYPOLOGIES.items():
        for spelling in [code, *labels]:
            known.setdefault(value_key(spelling), code)
    return known


def typology(raw) -> tuple[str, str]:
    """(code or the value as written, how): structure types are free text, known ones become their code."""
    if raw in synonyms.TYPOLOGIES:
        return raw, EXACT
    code = typology_keys().get(value_key(raw))
    return (code, NORMALISED) if code else (raw, UNRECOGNISED)


class ValueStats:
    """Per column: how many values were read exactly, normalised, matched fuzzily, read in a text or left
    unrecognised, with a few examples of each (for the import report)."""

    EXAMPLES = 3

    def __init__(self):
        self.counts = {}
        self.examples = {}

    def add(self, column, match: Match, shown=""):
        self.counts.setdefault(column, Counter())[match.how] += 1
        if match.how == EXACT:
            return
        examples = self.examples.setdefault((column, match.how), [])
        text = match.raw if not shown else f"{match.raw} → {shown}"
        if len(examples) < self.EXAMPLES and text not in examples:
            examples.append(text)

    def lines(self) -> list[str]:
        lines = []
        for column in sorted(self.counts):
            counts = self.counts[column]
            parts = [f"{counts[how]} {PLURALS[how] if counts[how] > 1 else how}" for how in OUTCOMES if counts[how]]
            line = f"Valeurs de « {column} » : " + ", ".join(parts)
            examples = [
                f"{how} : " + " ; ".join(f"« {text} »" for text in self.examples[(column, how)])
                for how in OUTCOMES[1:]
                if (column, how) in self.examples
            ]
            lines.append(line + (" (" + " — ".join(examples) + ")" if examples else "") + ".")
        return lines
