"""Reading places files: JSON (list, ``{"data": [...]}`` or GeoJSON) or CSV in UTF-8, UTF-16 or
Latin-1/cp1252, with ``,``, ``;`` or tab as delimiter, optionally gzip-compressed. Every value comes out
as a string (or None).

Files are streamed, never loaded whole: ``read_places_file`` scans the file once (format, encoding,
columns, number of rows) and refuses it early with a French message; ``PlacesFile.rows()`` then streams
the rows again, as many times as needed. Memory stays bounded whatever the size of the file. Limits:
``MAX_EXPANDED_SIZE`` bytes once decompressed (a "decompression bomb" is refused as soon as it goes
past it) and ``MAX_ROWS`` places.
"""

import codecs
import csv
import gzip
import io
import itertools
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson

CSV_DELIMITERS = [",", ";", "\t"]
DELIMITER_NAMES = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
GZIP_MAGIC = b"\x1f\x8b"
MAX_EXPANDED_SIZE = 200 * 1024 * 1024
MAX_ROWS = 100_000
SNIFF_SIZE = 64 * 1024
CHUNK_SIZE = 256 * 1024
# Bytes that never appear in a text file (NUL and most C0 controls; tab, CR, LF and form feed are text).
BINARY_BYTES = frozenset(range(0, 9)) | frozenset(range(14, 32)) - {27}


class UnreadableFile(Exception):
    """The file cannot be read at all; the message is in French."""


@dataclass
class RawRow:
    number: int  # line in the CSV file (header = 1) or position in the JSON list (from 1)
    values: dict


class _Bounded(io.RawIOBase):
    """A readable stream that refuses to give more than ``limit`` bytes (decompressed size)."""

    def __init__(self, stream, limit, name, raw=None):
        self.stream, self.limit, self.name, self.count, self.raw = stream, limit, name, 0, raw

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            data = self.stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as error:
            raise UnreadableFile(f"Le fichier compressé {self.name} est abîmé : {error}.") from error
        self.count += len(data)
        if self.count > self.limit:
            raise UnreadableFile(
                f"Le fichier {self.name} dépasse {self.limit // (1024 * 1024)} Mo une fois décompressé : "
                "il est refusé. Découpez-le en plusieurs fichiers."
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.stream.close()
        if self.raw is not None:
            self.raw.close()
        super().close()


class _Utf8(io.RawIOBase):
    """Bytes in UTF-8 read from a text stream (a file in UTF-16 or Latin-1 given to the JSON parser)."""

    def __init__(self, text):
        self.text, self.pending = text, b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer):
            chunk = self.text.read(CHUNK_SIZE // 4)
            if not chunk:
                break
            self.pending += chunk.lstrip("\ufeff").encode("utf-8") if not self.pending else chunk.encode("utf-8")
        data, self.pending = self.pending[: len(buffer)], self.pending[len(buffer) :]
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.text.close()
        super().close()


@dataclass
class PlacesFile:
    path: Path
    format: str
    encoding: str
    codec: str = "utf-8"
    delimiter: str = ""
    json_prefix: str = "item"
    columns: list[str] = field(default_factory=list)
    row_count: int = 0
    max_size: int = 0

    @property
    def name(self):
        return self.path.name

    @property
    def description(self):
        text = f"{self.format.upper()}, encodage {self.encoding}"
        if self.delimiter:
            text += f", séparateur {DELIMITER_NAMES[self.delimiter]}"
        return text

    def open_bytes(self):
        return open_bytes(self.path, self.max_size)

    def open_text(self):
        return io.TextIOWrapper(io.BufferedReader(self.open_bytes(), CHUNK_SIZE), encoding=self.codec, newline="")

    def open_utf8(self):
        """UTF-8 bytes whatever the file's encoding (what the JSON parser reads)."""
        return io.BufferedReader(_Utf8(self.open_text()), CHUNK_SIZE)

    def rows(self) -> Iterator[RawRow]:
        """The rows, streamed from the file (one more pass over it)."""
        if self.format == "csv":
            yield from _csv_rows(self)
        else:
            yield from _json_rows(self)


# Kept for callers that knew the earlier name.
ReadResult = PlacesFile


def open_bytes(path, max_size=None):
    """The file's bytes, decompressed if it is gzip, as a stream that refuses to go past ``max_size``."""
    path = Path(path)
    max_size = max_size or MAX_EXPANDED_SIZE
    try:
        raw = path.open("rb")
    except OSError as error:
        raise UnreadableFile(f"Impossible de lire le fichier {path.name} : {error.strerror}.") from error
    if raw.read(2) == GZIP_MAGIC:
        raw.seek(0)
        return _Bounded(gzip.GzipFile(fileobj=raw, mode="rb"), max_size, path.name, raw=raw)
    raw.seek(0)
    return _Bounded(raw, max_size, path.name)


def read_places_file(path, *, max_rows=None, max_size=None) -> PlacesFile:
    """Scan the file once: format, encoding, columns, number of rows. Raises ``UnreadableFile``."""
    path = Path(path)
    max_rows = max_rows or MAX_ROWS
    max_size = max_size or MAX_EXPANDED_SIZE
    with open_bytes(path, max_size) as stream:
        sample = stream.read(SNIFF_SIZE)
    encoding, codec = _sniff_encoding(sample, path.name)
    text_sample = sample.decode(codec, errors="ignore").lstrip("\ufeff")
    if not text_sample.strip():
        raise UnreadableFile(f"Le fichier {path.name} est vide.")
    if text_sample.lstrip()[:1] in ("[", "{"):
        places_file = PlacesFile(path, "json", encoding, codec, max_size=max_size)
        _with_fallbacks(places_file, lambda: _scan_json(places_file, text_sample.lstrip()[:1], max_rows))
    else:
        places_file = PlacesFile(path, "csv", encoding, codec, max_size=max_size)
        places_file = _scan_csv(places_file, max_rows)
    return places_file


def _sniff_encoding(sample: bytes, name) -> tuple[str, str]:
    """(label, codec) from the first bytes; refuses binary content."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16", "utf-16"
    even, odd = sample[0::2][:4096], sample[1::2][:4096]
    if len(sample) >= 8:
        # UTF-16 without BOM: for Latin text, every other byte is NUL, and only those.
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "UTF-16", "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "UTF-16", "utf-16-be"
    head = sample[:4096]
    if any(byte in BINARY_BYTES for byte in head):
        raise UnreadableFile(
            f"Le fichier {name} n'est pas un fichier de lieux : il contient des données binaires "
            "(image, tableur, archive…). Envoyez un fichier CSV ou JSON au standard des lieux de médiation numérique."
        )
    if sample.startswith(codecs.BOM_UTF8):
        return "UTF-8", "utf-8-sig"
    return "UTF-8", "utf-8"


def _stringify(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value if item not in (None, ""))
    return str(value)


def _too_many(name, max_rows):
    return UnreadableFile(
        f"Le fichier {name} contient plus de {max_rows:,} lieux".replace(",", "\u00a0")
        + " : il est refusé. Découpez-le en plusieurs fichiers."
    )


# JSON


def _scan_json(places_file, first_char, max_rows):
    name = places_file.name
    if first_char == "{":
        places_file.json_prefix = _json_list_prefix(places_file)
    columns, count = {}, 0
    try:
        for item in _json_items(places_file):
            count += 1
            if count > max_rows:
                raise _too_many(name, max_rows)
            if isinstance(item, dict):
                for key in item:
                    columns.setdefault(str(key), None)
    except ijson.JSONError as error:
        raise UnreadableFile(f"Le fichier {name} n'est pas un JSON valide : {_json_reason(error)}.") from error
    places_file.columns = list(columns)
    places_file.row_count = count


def _json_reason(error) -> str:
    text = str(error).strip()
    return text[:200] if text else "structure incorrecte"


def _json_list_prefix(places_file) -> str:
    """Where the list of places is in an object: GeoJSON ``features`` or ``data``."""
    try:
        with places_file.open_utf8() as stream:
            for prefix, event, value in ijson.parse(stream):
                if event == "map_key" and prefix == "" and value in ("features", "data"):
                    return "features.item" if value == "features" else "data.item"
    except ijson.JSONError as error:
        raise UnreadableFile(
            f"Le fichier {places_file.name} n'est pas un JSON valide : {_json_reason(error)}."
        ) from error
    raise UnreadableFile(f"Le fichier {places_file.name} ne contient pas de liste de lieux.")


def _json_items(places_file):
    with places_file.open_utf8() as stream:
        if places_file.json_prefix == "item":
            # A bare list: check that the document is one.
            parser = ijson.parse(stream, use_float=True)
            first = next(parser, None)
            if first is None or first[1] != "start_array":
                raise UnreadableFile(f"Le fichier {places_file.name} ne contient pas de liste de lieux.")
            yield from ijson.items(_chain_events(first, parser), "item", use_float=True)
            return
        yield from ijson.items(stream, places_file.json_prefix, use_float=True)


def _chain_events(first, parser):
    yield first
    yield from parser


def _json_rows(places_file):
    geojson = places_file.json_prefix == "features.item"
    for index, item in enumerate(_json_items(places_file), start=1):
        if geojson and isinstance(item, dict):
            item = _feature_properties(item)
        if not isinstance(item, dict):
            item = {}
        # JSON numbers lose leading zeros: 1300 was the postal code 01300.
        values = {}
        for key, value in item.items():
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and key.lower()
                in (
                    "code_postal",
                    "code_insee",
                )
            ):
                value = f"{int(value):05d}"
            values[str(key)] = value if isinstance(value, float) else _stringify(value)
        yield RawRow(index, values)


def _feature_properties(feature):
    properties = dict(feature.get("properties") or {})
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "Point" and len(geometry.get("coordinates") or []) >= 2:
        properties.setdefault("longitude", geometry["coordinates"][0])
        properties.setdefault("latitude", geometry["coordinates"][1])
    return properties


# CSV


def detect_delimiter(header_line: str) -> str:
    """The delimiter is the most frequent candidate in the header (which never holds multi-values)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


CSV_FALLBACKS = [("Windows-1252 (Latin-1)", "cp1252"), ("ISO-8859-1 (Latin-1)", "latin-1")]


def _with_fallbacks(places_file, scan):
    """Run ``scan``; a UTF-8 file that does not decode is scanned again as Windows-1252, then Latin-1."""
    candidates = [(places_file.encoding, places_file.codec)]
    if places_file.codec.startswith("utf-8"):
        candidates += CSV_FALLBACKS
    for encoding, codec in candidates:
        places_file.encoding, places_file.codec = encoding, codec
        try:
            return scan()
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(f"Le fichier {places_file.name} n'est pas un texte lisible (encodage inconnu).")


def _scan_csv(places_file, max_rows) -> PlacesFile:
    def scan():
        count = 0
        for _ in _csv_rows(places_file):
            count += 1
            if count > max_rows:
                raise _too_many(places_file.name, max_rows)
        places_file.row_count = count

    _with_fallbacks(places_file, scan)
    return places_file


def _csv_rows(places_file):
    name = places_file.name
    with places_file.open_text() as text:
        header_line = text.readline()
        if header_line.startswith("\ufeff"):
            header_line = header_line[1:]
        delimiter = detect_delimiter(header_line)
        places_file.delimiter = delimiter
        reader = csv.reader(itertools.chain([header_line], text), delimiter=delimiter)
        try:
            header = next(reader)
        except (StopIteration, csv.Error) as error:
            raise UnreadableFile(f"Le fichier {name} n'a pas de ligne d'en-tête lisible.") from error
        header = [column.strip() for column in header]
        places_file.columns = header
        try:
            while True:
                line = reader.line_num + 1
                cells = next(reader, None)
                if cells is None:
                    break
                if not any(cell.strip() for cell in cells):
                    continue
                values = {column: cells[index] if index < len(cells) else None for index, column in enumerate(header)}
                yield RawRow(line, values)
        except csv.Error as error:
            raise UnreadableFile(
                f"Le fichier {name} est mal formé vers la ligne {reader.line_num} : {error}."
            ) from error


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
