"""Benchmark of the statistics pages and of report entry at national scale (``make bench``; never in ``make test``).

For PostgreSQL (BENCH_DASHBOARDS_PG, default 10,000,000 activities) and SQLite (BENCH_DASHBOARDS_SQLITE, default
1,000,000): build the database with ``generate_activities`` (kept between runs: only the missing activities are
added), then in process time the département dashboard (12 months), the national one, a mediator's own, the stats
API, and report entry through the API by 20 writers offering 50 reports/s while a reader loads dashboards
(``dashboards.py``). Writes the figures to docs/benchmarks.md between its markers.

Environment: BENCH_DASHBOARDS_PG_URL (default postgres://postgres@127.0.0.1:5432/cordee_bench_dashboards),
BENCH_DASHBOARDS_PG / BENCH_DASHBOARDS_SQLITE (number of activities; 0 skips the backend).
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
PG_URL = os.environ.get("BENCH_DASHBOARDS_PG_URL", "postgres://postgres@127.0.0.1:5432/cordee_bench_dashboards")
PG_COUNT = int(os.environ.get("BENCH_DASHBOARDS_PG", "10000000"))
SQLITE_COUNT = int(os.environ.get("BENCH_DASHBOARDS_SQLITE", "1000000"))
BEGIN, END = "<!-- dashboards-bench:begin -->", "<!-- dashboards-bench:end -->"
TARGETS = {"departement": 300, "national": 1000, "mediator": 100, "writers": 50}

pytestmark = pytest.mark.bench


def _step(database_url, *arguments):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "tests.bench.dashboards", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads([line for line in completed.stdout.splitlines() if line.startswith("{")][-1])


def _ensure_postgres_database():
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(PG_URL)
    try:
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True, connect_timeout=3) as conn:
            name = parts.path.lstrip("/")
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


def run_backend(database_url, count):
    prepared = _step(database_url, "prepare", str(count))
    timed = _step(database_url, "time")
    return {"prepare": prepared, **timed}


def _verdict(value, target):
    return f"**{value}**" + (" ✓" if value <= target else " ✗")


def write_doc(results, date=None):
    lines = [
        BEGIN,
        f"Mesuré le {date or dt.date.today().isoformat()} avec `make bench` (tests/bench/test_dashboards_scale.py) "
        f"sur {os.cpu_count()} cœurs, Python {platform.python_version()}. Temps serveur d'une requête complète en "
        "processus (vue, requêtes, gabarit, SVG), caches de l'application désactivés, tampons de la base chauds.",
        "",
        "| | " + " | ".join(results) + " | cible |",
        "|---|" + "---|" * len(results) + "---|",
    ]

    def row(label, getter, target=""):
        cells = []
        for figures in results.values():
            try:
                cells.append(getter(figures))
            except (KeyError, TypeError):
                cells.append("—")
        lines.append(f"| {label} | {' | '.join(cells)} | {target} |")

    row("Activités dans la base", lambda f: f"{f['activities']:,}".replace(",", "\u202f"))
    row(
        "Tableau d'un département, 12 mois : p50 / p95",
        lambda f: _pair(f["departement"], TARGETS["departement"]),
        "p95 ≤ 300 ms",
    )
    row("Tableau national, 12 mois : p50 / p95", lambda f: _pair(f["national"], TARGETS["national"]), "p95 ≤ 1 s")
    row("Tableau d'un médiateur : p50 / p95", lambda f: _pair(f["mediator"], TARGETS["mediator"]), "p95 ≤ 100 ms")
    row("API statistiques d'un département par thème : p50 / p95", lambda f: _pair(f["api_stats_departement"], None))
    row(
        "Saisie par l'API, 20 rédacteurs à 50 comptes rendus/s offerts : p50 / p95",
        lambda f: _pair(f["writers"], TARGETS["writers"]),
        "p95 ≤ 50 ms",
    )
    row(
        "… débit atteint (comptes rendus/s), erreurs",
        lambda f: f"{f['writers']['rate_per_s']}, {f['writers']['errors']}",
    )
    row(
        "… tableaux de département lus pendant ce temps : p50 / p95",
        lambda f: _pair(f["writers"]["dashboard_reads"], None),
    )
    lines.append(END)
    generated = "\n".join(lines)
    text = DOC.read_text() if DOC.exists() else ""
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + generated + text[text.index(END) + len(END) :]
    else:
        text += "\n## Tableaux de bord et saisie des activités\n\n" + generated + "\n"
    DOC.write_text(text)


def _pair(figures, target):
    p95 = figures["p95_ms"]
    shown = _verdict(p95, target) if target else f"**{p95}**"
    return f"{figures['p50_ms']} / {shown} ms"


def test_dashboards_scale():
    WORK.mkdir(parents=True, exist_ok=True)
    results = {}
    if PG_COUNT and _ensure_postgres_database():
        results["PostgreSQL"] = run_backend(PG_URL, PG_COUNT)
    if SQLITE_COUNT:
        results["SQLite"] = run_backend(f"sqlite:///{WORK / 'dashboards.sqlite3'}", SQLITE_COUNT)
    assert results
    write_doc(results)
