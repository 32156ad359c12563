"""Files an import must refuse quickly and clearly, with memory bounded: bombs, huge files, odd encodings."""

import gzip
import json
import tracemalloc

import pytest

from cordee.aggregation.importing import readers
from cordee.aggregation.importing.importer import ImportFailed, import_file
from cordee.places.models import Place
from tests.places.test_import import V1_HEADER, v1_row, write_json

pytestmark = pytest.mark.django_db


def write_bomb(tmp_path, expanded_mib=64):
    path = tmp_path / "lieux.json.gz"
    with gzip.open(path, "wb", compresslevel=9) as bomb:
        bomb.write(b"[")
        block = b" " * (1024 * 1024)
        for _ in range(expanded_mib):
            bomb.write(block)
        bomb.write(b"]")
    return path


def test_a_decompression_bomb_is_refused_without_expanding_it(tmp_path):
    path = write_bomb(tmp_path)
    assert path.stat().st_size < 200_000

    tracemalloc.start()
    with pytest.raises(readers.UnreadableFile, match="dépasse 16 Mo une fois décompressé"):
        readers.read_places_file(path, max_size=16 * 1024 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert peak < 8 * 1024 * 1024


def test_the_import_refuses_a_bomb_with_a_french_message(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_EXPANDED_SIZE", 8 * 1024 * 1024)
    with pytest.raises(ImportFailed, match="Découpez-le"):
        import_file(write_bomb(tmp_path, expanded_mib=16), source_name="bombe")


def test_too_many_rows_are_refused_before_anything_is_written(tmp_path):
    path = write_json(tmp_path, [v1_row(id=str(n)) for n in range(11)])

    with pytest.raises(ImportFailed, match="plus de 10 lieux"):
        import_file(path, source_name="trop", max_rows=10)

    assert not Place.objects.exists()


def test_rows_are_streamed_not_loaded(tmp_path):
    rows = [v1_row(id=str(n), nom=f"Lieu {n}") for n in range(20_000)]
    path = tmp_path / "lieux.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    places_file = readers.read_places_file(path)
    tracemalloc.start()
    first = next(places_file.rows())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert places_file.row_count == 20_000 and first.values["nom"] == "Lieu 0"
    assert peak < path.stat().st_size / 4  # one row and a few buffers, not the whole file


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_are_read(tmp_path, encoding):
    path = tmp_path / "lieux.csv"
    row = "a,21230096600018,Médiathèque,Guéret,23000,23096,1 rue A,46.1,1.8,,,,2024-04-02,,,,"
    path.write_bytes((V1_HEADER + "\n" + row + "\n").encode(encoding))

    read = readers.read_places_file(path)

    assert read.encoding == "UTF-16" and read.row_count == 1
    assert next(read.rows()).values["nom"] == "Médiathèque"


def test_utf16_json_is_read(tmp_path):
    path = tmp_path / "lieux.json"
    path.write_bytes(json.dumps([v1_row()], ensure_ascii=False).encode("utf-16"))

    report = import_file(path, source_name="seize")

    assert report.created == 1 and Place.objects.get().name == "Médiathèque André Lejeune"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(200),  # an XLSX renamed .csv
    ],
)
def test_a_binary_file_named_csv_is_not_a_places_file(tmp_path, content):
    path = tmp_path / "lieux.csv"
    path.write_bytes(content)

    with pytest.raises(ImportFailed, match="n'est pas un fichier de lieux : il contient des données binaires"):
        import_file(path, source_name="binaire")


@pytest.mark.parametrize(
    "content,reason",
    [
        ('[{"id": "a", "nom": "x"', "JSON valide"),
        ('{"id": "a"}', "ne contient pas de liste de lieux"),
        ('[{"id": "a",, }]', "JSON valide"),
    ],
)
def test_malformed_json_says_why(tmp_path, content, reason):
    path = tmp_path / "lieux.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(readers.UnreadableFile, match=reason) as refused:
        readers.read_places_file(path)

    assert "lieux.json" in str(refused.value)


def test_latin1_json_falls_back(tmp_path):
    path = tmp_path / "lieux.json"
    path.write_bytes(json.dumps([v1_row(nom="Médiathèque")], ensure_ascii=False).encode("cp1252"))

    read = readers.read_places_file(path)

    assert read.encoding.startswith("Windows-1252") and next(read.rows()).values["nom"] == "Médiathèque"
