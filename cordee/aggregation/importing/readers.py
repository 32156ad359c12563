"""Reading places files: JSON (list, ``{"data": [...]}`` or GeoJSON) or CSV in UTF-8 or Latin-1/cp1252,
with ``,``, ``;`` or tab as delimiter. Every value comes out as a string (or None)."""

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

CSV_DELIMITERS = [",", ";", "\t"]
DELIMITER_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}


class UnreadableFile(Exception):
    """The file cannot be read at all; the message is in French."""


@dataclass
class RawRow:
    number: int  # line in the CSV file (header = 1) or position in the JSON list (from 1)
    values: dict


@dataclass
class ReadResult:
    format: str
    encoding: str
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)

    @property
    def description(self):
        text = f"{self.format.upper()}, encodage {self.encoding}"
        if self.delimiter:
            text += f", séparateur {DELIMITER_NAMES[self.delimiter]}"
        return text


GZIP_MAGIC = b"\x1f\x8b"


def read_places_file(path) -> ReadResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"Impossible de lire le fichier {path.name} : {error.strerror}.") from error
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise UnreadableFile(f"Le fichier compressé {path.name} est abîmé : {error}.") from error
    if not data.strip():
        raise UnreadableFile(f"Le fichier {path.name} est vide.")
    text, encoding = decode(data)
    if text.lstrip()[:1] in ("[", "{"):
        return _read_json(text, encoding, path.name)
    return _read_csv(text, encoding, path.name)


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252, else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1 (Latin-1)"


def _stringify(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value if item not in (None, ""))
    return str(value)


def _read_json(text, encoding, name) -> ReadResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"Le fichier {name} n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno})."
        ) from error
    if isinstance(data, dict):
        if data.get("type") == "FeatureCollection":
            data = [_feature_properties(feature) for feature in data.get("features", [])]
        elif isinstance(data.get("data"), list):
            data = data["data"]
        else:
            raise UnreadableFile(f"Le fichier {name} ne contient pas de liste de lieux.")
    if not isinstance(data, list):
        raise UnreadableFile(f"Le fichier {name} ne contient pas de liste de lieux.")
    rows, columns = [], {}
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            item = {}
        # JSON numbers lose leading zeros: 1300 was the postal code 01300.
        values = {}
        for key, value in item.items():
            if isinstance(value, int) and not isinstance(value, bool) and key.lower() in ("code_postal", "code_insee"):
                value = f"{value:05d}"
            values[str(key)] = value if isinstance(value, float) else _stringify(value)
            columns.setdefault(str(key), None)
        rows.append(RawRow(index, values))
    return ReadResult(format="json", encoding=encoding, columns=list(columns), rows=rows)


def _feature_properties(feature):
    properties = dict(feature.get("properties") or {})
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "Point" and len(geometry.get("coordinates") or []) >= 2:
        properties.setdefault("longitude", geometry["coordinates"][0])
        properties.setdefault("latitude", geometry["coordinates"][1])
    return properties


def detect_delimiter(header_line: str) -> str:
    """The delimiter is the most frequent candidate in the header (which never holds multi-values)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(text, encoding, name) -> ReadResult:
    header_line = text.splitlines()[0] if text else ""
    delimiter = detect_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise UnreadableFile(f"Le fichier {name} n'a pas de ligne d'en-tête lisible.") from error
    header = [column.strip() for column in header]
    rows = []
    try:
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            values = {column: cells[index] if index < len(cells) else None for index, column in enumerate(header)}
            rows.append(RawRow(line, values))
    except csv.Error as error:
        raise UnreadableFile(f"Le fichier {name} est mal formé vers la ligne {reader.line_num} : {error}.") from error
    return ReadResult(format="csv", encoding=encoding, delimiter=delimiter, columns=header, rows=rows)
