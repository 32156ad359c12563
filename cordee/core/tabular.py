"""The one CSV and XLSX writer of the platform, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula by a spreadsheet (CSV/formula injection): it is written with a leading ``'``. Values that are
exact data stay as they are, so exports still validate against the national schema: numbers (also
written as text, such as ``-1.55``), E.164 phone numbers (``+33555641234``, several joined by ``|``),
dates and identifiers. JSON and GeoJSON exports do not go through this module and stay exact.

- ``csv_lines(header, rows)`` yields the CSV line by line (for ``StreamingHttpResponse`` or a file);
- ``write_csv(file, header, rows)`` writes it to an open text file;
- ``write_xlsx(file, header, rows)`` writes an XLSX workbook (xlsxwriter, constant memory).
"""

import csv
import datetime
import decimal
import io
import re
from collections.abc import Iterable, Iterator

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Exact values that may start like a formula but are plain data: signed decimal numbers and E.164
# phone numbers, alone or joined by "|" (the standard's separator for multi-valued fields).
_NUMBER = r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
EXACT_VALUE = re.compile(rf"{_NUMBER}(?:\|{_NUMBER})*")
FLUSH_SIZE = 64 * 1024


def neutralise(value):
    """The value to write in a cell: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not EXACT_VALUE.fullmatch(value):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e16 else str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_lines(header: Iterable[str], rows: Iterable[Iterable], *, flush_size: int = 0) -> Iterator[str]:
    """The CSV (``,``-separated, ``\\r\\n`` line ends), one line at a time, cells neutralised.

    With ``flush_size``, lines are joined into chunks of about that many characters (fewer writes when
    streaming, e.g. ``FLUSH_SIZE``).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    def lines():
        yield line([_text(cell) for cell in header])
        for row in rows:
            yield line([_text(cell) for cell in row])

    if not flush_size:
        yield from lines()
        return
    chunk, size = [], 0
    for piece in lines():
        chunk.append(piece)
        size += len(piece)
        if size >= flush_size:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def write_csv(file, header: Iterable[str], rows: Iterable[Iterable]) -> int:
    """Write the CSV to an open text file (opened with ``newline=""``); returns the number of rows."""
    lines = 0
    for line in csv_lines(header, rows):
        file.write(line)
        lines += 1
    return max(lines - 1, 0)


def write_xlsx(file, header: Iterable[str], rows: Iterable[Iterable], *, sheet_name: str = "Données") -> int:
    """Write an XLSX workbook with one sheet to a path or a binary file; returns the number of rows.

    Numbers stay numbers, dates are real dates, every text cell is written as text (never a formula)
    and neutralised as in the CSV, so that a copy back to CSV stays safe.
    """
    workbook = xlsxwriter.Workbook(
        file, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for column, title in enumerate(header):
        sheet.write_string(0, column, str(title), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, column, value)
            elif isinstance(value, int | float | decimal.Decimal):
                sheet.write_number(count, column, value)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(count, column, value.replace(tzinfo=None), datetime_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, column, value, date_format)
            else:
                sheet.write_string(count, column, neutralise(str(value)))
    workbook.close()
    return count
