"""Benchmark of the statistics pages and of report entry at national scale (``make bench``; never in ``make test``).

For PostgreSQL (BENCH_DASHBOARDS_PG, default 10,000,000 activities) and SQLite (BENCH_DASHBOARDS_SQLITE, default
1,000,000): bring the kept database up to date (``migrate``, then ``generate_activities`` adds only the missing
activities and rebuilds the pre-aggregated tables when it loaded rows), then serve Cordée with gunicorn and time
over HTTP the département dashboard (12 months), the national one, a mediator's own, the stats API for each, and
report entry through the API by 20 writers offering 50 reports/s while a reader loads dashboards
(``dashboards.py``). Writes the figures to docs/benchmarks.md between its markers, with the machine's load.

Environment: BENCH_DASHBOARDS_PG_URL (default postgres://postgres@127.0.0.1:5432/cordee_bench_dashboards),
BENCH_DASHBOARDS_PG / BENCH_DASHBOARDS_SQLITE (number of activities; 0 skips the backend), BENCH_WORKERS and
BENCH_THREADS (gunicorn, default 2 × 8), BENCH_DASHBOARDS_WRITE_SECONDS (default 30).
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench import dashboards

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


def _pair(figures, target=None):
    p95 = figures["p95_ms"]
    shown = _verdict(p95, target) if target else f"**{p95}**"
    return f"{figures['p50_ms']} / {shown} ms (n = {figures['n']})"


def _load(values):
    return " / ".join(f"{value:.1f}" for value in values)


def write_doc(results, uptime, date=None):
    any_rollups = any(figures.get("rollups") for figures in results.values())
    reading = (
        "avec les tables pré-agrégées (`cordee.dashboards.rollups`)"
        if any_rollups
        else "**avant les tables pré-agrégées** : chaque page parcourt les lignes d'activités"
    )
    server = next(iter(results.values()))["server"]
    lines = [
        BEGIN,
        f"Mesuré le {date or dt.date.today().isoformat()} avec `make bench` (tests/bench/test_dashboards_scale.py), "
        f"{reading}. Machine : {os.cpu_count()} cœurs partagés avec d'autres personnes qui travaillaient en même "
        f"temps (`uptime` à la fin, heure UTC : {uptime}), Python {platform.python_version()}. Serveur : {server}, "
        "réglages de production (DEBUG désactivé), cache de l'application remplacé par un cache factice, limites "
        "de débit de l'API désactivées ; mesures par HTTP sur 127.0.0.1 depuis un autre processus, une requête à "
        "la fois, chaque adresse demandée une ou deux fois avant d'être mesurée (tampons de la base chauds), au plus "
        f"{dashboards.BUDGET:.0f} s de mesure par ligne : n est le nombre de requêtes mesurées.",
        "",
        "| | " + " | ".join(results) + " | cible |",
        "|---|" + "---|" * len(results) + "---|",
    ]

    def row(label, getter, target=""):
        cells = []
        for figures in results.values():
            try:
                cells.append(getter(figures))
            except (KeyError, TypeError, IndexError):
                cells.append("—")
        lines.append(f"| {label} | {' | '.join(cells)} | {target} |")

    row("Activités dans la base", lambda f: f"{f['activities']:,}".replace(",", "\u202f"))
    row(
        "Tableau d'un département, 12 mois : p50 / p95 (le plus grand, puis d’autres tirés au hasard)",
        lambda f: _pair(f["departement"], TARGETS["departement"]),
        "p95 ≤ 300 ms",
    )
    row("Tableau national, 12 mois : p50 / p95", lambda f: _pair(f["national"], TARGETS["national"]), "p95 ≤ 1 s")
    row(
        "Tableau d'un médiateur, 12 mois : p50 / p95 (jusqu’à 20 médiateurs)",
        lambda f: _pair(f["mediator"], TARGETS["mediator"]),
        "p95 ≤ 100 ms",
    )
    row("API statistiques par thème, département : p50 / p95", lambda f: _pair(f["api_departement"]))
    row("API statistiques par thème, France : p50 / p95", lambda f: _pair(f["api_national"]))
    row("API statistiques par thème, un médiateur : p50 / p95", lambda f: _pair(f["api_mediator"]))
    row(
        "Saisie par l'API, 20 rédacteurs, 50 comptes rendus/s offerts, pendant des lectures : p50 / p95",
        lambda f: _pair(f["writers"], TARGETS["writers"]),
        "p95 ≤ 50 ms",
    )
    row(
        "… comptes rendus/s enregistrés, erreurs",
        lambda f: f"{f['writers']['rate_per_s']}, {f['writers']['errors']}",
    )
    row(
        "… tableaux de département lus pendant ce temps : p50 / p95",
        lambda f: _pair(f["writers"]["dashboard_reads"]),
    )
    row(
        "Charge de la machine (moyenne sur 1 / 5 / 15 min) avant, pendant les lectures, après la saisie",
        lambda f: f"{_load(f['load_before'])} ; {_load(f['load_reads'])} ; {_load(f['load_after'])}",
    )
    lines.append(END)
    generated = "\n".join(lines)
    text = DOC.read_text() if DOC.exists() else ""
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + generated + text[text.index(END) + len(END) :]
    else:
        text += "\n## Tableaux de bord et saisie des activités\n\n" + generated + "\n"
    DOC.write_text(text)


def test_dashboards_scale():
    WORK.mkdir(parents=True, exist_ok=True)
    results = {}
    if PG_COUNT and _ensure_postgres_database():
        results["PostgreSQL"] = run_backend(PG_URL, PG_COUNT)
    if SQLITE_COUNT:
        results["SQLite"] = run_backend(f"sqlite:///{WORK / 'dashboards.sqlite3'}", SQLITE_COUNT)
    assert results
    for backend, figures in results.items():
        writers = figures["writers"]
        assert writers["n"] == writers["offered_per_s"] * dashboards.WRITE_SECONDS, backend  # each one answered
        assert figures["activities"] >= figures["prepare"]["activities"], backend
    # SQLite has one writer at a time: under this load some reports may wait past its busy timeout (reported).
    if "PostgreSQL" in results:
        assert results["PostgreSQL"]["writers"]["errors"] == 0, results["PostgreSQL"]["writers"]["error_samples"]
    uptime = subprocess.run(
        ["uptime"], capture_output=True, text=True, check=False, env={**os.environ, "TZ": "UTC"}
    ).stdout.strip()
    write_doc(results, uptime)
