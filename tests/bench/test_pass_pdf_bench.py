"""Pass numérique books as PDFs (``make bench``; never part of ``make test``).

Writes ``SAMPLE_BOOKS`` books of 10 passes into a ZIP with ``cordee.pass_numerique.pdf.write_books_zip`` (what the
printing task does), measures the time per book, the peak of traced Python memory and the process's peak RSS, and
extrapolates to an order of 1,000 books × 10 passes (the work is linear: one PDF per book, nothing kept between
books). Writes the figures to docs/benchmarks.md between the pass-pdf markers.
"""

import datetime as dt
import io
import os
import platform
import resource
import time
import tracemalloc
from pathlib import Path

import pytest

from cordee.pass_numerique import codes, pdf

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- pass-pdf-bench:begin -->", "<!-- pass-pdf-bench:end -->"
SAMPLE_BOOKS = 30
MEMORY_BOOKS = 5
ORDER_BOOKS = 1_000
PASSES_PER_BOOK = 10

pytestmark = pytest.mark.bench


def books(count):
    for number in range(1, count + 1):
        cards = []
        for position in range(1, PASSES_PER_BOOK + 1):
            shown = codes.display(codes.generate())
            cards.append(
                pdf.PassCard(code=shown, check_url=f"https://cordee.example/pass/{shown}/", position=position)
            )
        yield pdf.BookSheet(
            number=f"PN-00001-{number:04d}",
            funder="Conseil départemental de la Creuse",
            value_cents=1000,
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 12, 31),
            conditions="Personnes de plus de 16 ans résidant en Creuse, orientées par un travailleur social.",
            cards=cards,
        )


def test_book_pdfs_benchmark():
    pdf.render_books(list(books(1)))  # fonts and styles loaded once, as in a running worker
    archive = io.BytesIO()
    start = time.perf_counter()
    written = pdf.write_books_zip(archive, books(SAMPLE_BOOKS))
    elapsed = time.perf_counter() - start
    # Memory on a few more books, apart: tracing slows Python down and would spoil the time.
    tracemalloc.start()
    pdf.write_books_zip(io.BytesIO(), books(MEMORY_BOOKS))
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert written == SAMPLE_BOOKS
    per_book = elapsed / SAMPLE_BOOKS
    size = len(archive.getvalue()) / SAMPLE_BOOKS
    block = "\n".join(
        [
            BEGIN,
            f"Mesuré le {dt.date.today():%d/%m/%Y} sur {platform.machine()} ({platform.python_version()}, "
            f"{os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f} pendant la mesure), "
            "`pytest -m bench tests/bench/test_pass_pdf_bench.py`.",
            "",
            "| mesure | valeur |",
            "|---|---|",
            f"| carnets écrits (échantillon) | {SAMPLE_BOOKS} × {PASSES_PER_BOOK} pass |",
            f"| temps par carnet (PDF balisé, 1 couverture + 2 pages) | {per_book * 1000:.0f} ms |",
            f"| taille par carnet dans le ZIP | {size / 1024:.0f} Kio |",
            f"| pic de mémoire Python (tracemalloc, {MEMORY_BOOKS} carnets) | {traced_peak / 1024 / 1024:.0f} Mio |",
            f"| pic de mémoire du processus (RSS) | {rss_peak:.0f} Mio |",
            f"| extrapolé à {ORDER_BOOKS:,} carnets × {PASSES_PER_BOOK} pass".replace(",", "\u202f")
            + f" | {per_book * ORDER_BOOKS / 60:.0f} min, {size * ORDER_BOOKS / 1024 / 1024:.0f} Mio de ZIP, "
            "mémoire constante (un carnet à la fois) |",
            END,
        ]
    )
    text = DOC.read_text()
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Carnets de Pass numérique en PDF\n\n" + block + "\n"
    DOC.write_text(text)
