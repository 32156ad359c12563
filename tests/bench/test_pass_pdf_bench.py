"""Pass numérique books as PDFs: a whole order of 1,000 books × 10 passes (``make bench``; never in ``make test``).

In its own process (``pass_books.py run``, so that the peak memory is the printing's own), on a fresh SQLite
database: the order is issued (timed), then printed by the printing job as the background task runs it (one tagged
PDF per book in a ZIP, progress saved). Checks that every book was printed and the progress moved, and writes
the wall times, the ZIP's size and the process's peak resident memory to docs/benchmarks.md between the
pass-pdf markers, with the machine's load before and after.

Environment: BENCH_NOTE (a sentence on the machine's load for the report).
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import serving

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench" / "pass-pdf"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- pass-pdf-bench:begin -->", "<!-- pass-pdf-bench:end -->"

pytestmark = pytest.mark.bench


def _run(database_url):
    completed = subprocess.run(
        [sys.executable, "-m", "tests.bench.pass_books", "run", str(WORK)],
        env=serving.env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads([line for line in completed.stdout.splitlines() if line.startswith("{")][-1])


def test_order_books_pdfs_benchmark():
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "books.sqlite3"
    for path in WORK.glob("books.sqlite3*"):
        path.unlink()
    load_before = serving.load_average()
    figures = _run(f"sqlite:///{database}")
    load_after = serving.load_average()
    print(json.dumps(figures, indent=1))
    block = "\n".join(
        [
            BEGIN,
            f"Mesuré le {dt.date.today():%d/%m/%Y} avec `make bench` (`tests/bench/test_pass_pdf_bench.py`, "
            f"étapes dans `tests/bench/pass_books.py`) sur {serving.machine()}, Python {platform.python_version()}, "
            "SQLite ; un seul processus, comme le travail d'impression en tâche de fond.",
            "",
            f"**Charge de la machine** (1 / 5 / 15 min, comme `uptime`) : {load_before} au départ, {load_after} à la "
            f"fin. {os.environ.get('BENCH_NOTE', '')}",
            "",
            "| mesure | valeur |",
            "|---|---|",
            f"| commande | {figures['books']:,} carnets × 10 pass = {figures['passes']:,} pass |".replace(
                ",", "\u202f"
            ),
            f"| émission (confirmation : codes, carnets, pass, événements) | {figures['issue_seconds']} s |",
            f"| impression de toute la commande (un PDF balisé PDF/UA par carnet, 1 couverture + 2 pages, dans un "
            f"ZIP) | **{figures['print_seconds']} s**, soit {figures['per_book_ms']} ms par carnet |",
            f"| carnets imprimés, avancement enregistré, relevés de l'avancement vus en cours | "
            f"{figures['books_printed']}, {figures['progress']}, {figures['progress_seen']} |",
            f"| taille du ZIP | {figures['zip_mib']} Mio |",
            f"| pic de mémoire résidente du processus (`ru_maxrss`) : avant l'émission, après l'émission, à la fin "
            f"| {figures['peak_rss_before_issue_mib']} Mio, {figures['peak_rss_after_issue_mib']} Mio, "
            f"**{figures['peak_rss_mib']} Mio** |",
            "",
            "Ce qui rend l'impression plus rapide : la feuille de style analysée une fois par processus, les polices "
            "chargées une fois (une `FontConfiguration` partagée), des codes QR en PNG d'un pixel par module (nets à "
            "l'impression : `image-rendering: crisp-edges`), et le sous-ensemble des polices fait par HarfBuzz "
            "(`libharfbuzz-subset0`, installé par `bin/ensure-system-packages`) au lieu de fontTools. La mémoire "
            "reste plate : un carnet à la fois, écrit aussitôt dans le ZIP.",
            END,
        ]
    )
    serving.replace_block(DOC, BEGIN, END, block, "## Carnets de Pass numérique en PDF")
    assert figures["job_state"] == "done", figures
    assert figures["books_printed"] == figures["books"], figures
    assert figures["progress"] == f"{figures['books']}/{figures['books']}", figures
