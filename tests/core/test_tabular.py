import csv
import datetime
import io
import re
import zipfile

import pytest

from cordee.core import tabular

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tnote", "\rnote", '=HYPERLINK("http://x")', "- accueil"]
EXACT = ["-1.553", "45.9", "+33555641234", "+33555641234|+33612345678", "2024-04-02", "23096", "Accueil"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_gets_a_quote(value):
    assert tabular.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", EXACT)
def test_numbers_coordinates_phones_dates_stay_exact(value):
    assert tabular.neutralise(value) == value


def test_non_text_values_are_untouched():
    assert tabular.neutralise(-3) == -3 and tabular.neutralise(None) is None


def read_csv(text):
    return list(csv.reader(io.StringIO(text)))


def test_csv_writer_neutralises_each_cell_and_keeps_exact_values():
    rows = [["=1+2", -1.5, "+33555641234", datetime.date(2024, 4, 2), None, "a,b"]]

    text = "".join(tabular.csv_lines(["nom", "longitude", "telephone", "date_maj", "vide", "virgule"], rows))

    assert text.endswith("\r\n")
    assert read_csv(text)[1] == ["'=1+2", "-1.5", "+33555641234", "2024-04-02", "", "a,b"]


def test_csv_writer_streams_line_by_line_or_in_chunks():
    rows = ([f"lieu {n}"] for n in range(20_000))

    lines = list(tabular.csv_lines(["nom"], rows))
    chunks = list(tabular.csv_lines(["nom"], ([f"lieu {n}"] for n in range(20_000)), flush_size=tabular.FLUSH_SIZE))

    assert len(lines) == 20_001
    assert "".join(chunks) == "".join(lines) and 1 < len(chunks) < 100


def test_write_csv_counts_rows(tmp_path):
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        count = tabular.write_csv(file, ["a"], [["@x"], ["y"]])

    assert count == 2 and read_csv(path.read_text())[1:] == [["'@x"], ["y"]]


def _xlsx_cells(data: bytes) -> dict:
    """Cell reference → (type, raw value) from the first sheet, shared strings resolved."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        shared = archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in archive.namelist() else ""
    strings = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<si>(.*?)</si>", shared, re.S)]
    cells = {}
    for ref, attributes, body in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>(.*?)</c>', sheet, re.S):
        kind = re.search(r't="(\w+)"', attributes)
        kind = kind.group(1) if kind else "n"
        formula = "<f>" in body
        value = re.search(r"<v>(.*?)</v>|<t[^>]*>(.*?)</t>", body, re.S)
        raw = next(group for group in value.groups() if group is not None) if value else ""
        if kind == "inlineStr":
            kind = "s"
        elif kind == "s":
            raw = strings[int(raw)]
        cells[ref] = ("formula" if formula else kind, raw)
    return cells


def test_xlsx_writer_keeps_numbers_and_dates_and_never_writes_a_formula():
    output = io.BytesIO()
    rows = [["=1+2", -1.553, "+33555641234", datetime.date(2024, 4, 2), 12]]

    count = tabular.write_xlsx(output, ["nom", "longitude", "telephone", "date_maj", "n"], rows)

    cells = _xlsx_cells(output.getvalue())
    assert count == 1
    assert cells["A1"] == ("s", "nom")
    assert cells["A2"] == ("s", "'=1+2")
    assert cells["B2"] == ("n", "-1.553")
    assert cells["C2"] == ("s", "+33555641234")
    assert cells["D2"][0] == "n" and float(cells["D2"][1]) == 45384  # Excel serial of 2024-04-02
    assert cells["E2"] == ("n", "12")
    assert not any(kind == "formula" for kind, _ in cells.values())
