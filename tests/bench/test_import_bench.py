"""Import benchmark (``make bench``; never part of ``make test``): each import runs in its own process.

1. First import, then re-import of the unchanged real file of the conseillers numériques permanences
   (4,930 rows, from ../shared/data/lieux): the re-import rewrites nothing (fingerprints).
2. Peak memory of the worker on a 100,000-row file (the real rows repeated with new ids, gzip).
3. A decompression bomb (1 MB of gzip expanding to 1 GiB): refused, memory bounded.

Writes the figures to docs/benchmarks.md between the import markers.
"""

import datetime as dt
import gzip
import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench" / "import"
DOC = ROOT / "docs" / "benchmarks.md"
REAL_FILE = ROOT.parent / "shared" / "data" / "lieux" / "lmn-v0.1" / "conseillers-numeriques-permanences-2022.json"
BIG_ROWS = 100_000
BEGIN, END = "<!-- import-bench:begin -->", "<!-- import-bench:end -->"

pytestmark = pytest.mark.bench


def worker(*args):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "import_worker.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def big_file(rows):
    path = WORK / f"lieux-{BIG_ROWS}.json.gz"
    if not path.exists():
        with gzip.open(path, "wt", encoding="utf-8") as file:
            file.write("[")
            for index in range(BIG_ROWS):
                row = dict(rows[index % len(rows)], id=f"bench-{index}")
                file.write(("," if index else "") + json.dumps(row, ensure_ascii=False))
            file.write("]")
    return path


def bomb_file():
    path = WORK / "bombe.json.gz"
    if not path.exists():
        with gzip.open(path, "wb", compresslevel=9) as file:
            file.write(b"[")
            block = b" " * (1024 * 1024)
            for _ in range(1024):
                file.write(block)
            file.write(b"]")
    return path


def test_import_benchmark():
    if not REAL_FILE.exists():
        pytest.skip(f"{REAL_FILE} absent")
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / "import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    worker("prepare", db)

    first = worker("import", db, REAL_FILE, "cnfs")
    again = worker("import", db, REAL_FILE, "cnfs")
    assert first["created"] == 4930 and (again["updated"], again["unchanged"]) == (0, 4930)

    rows = json.loads(REAL_FILE.read_text(encoding="utf-8"))
    big = worker("import", db, big_file(rows), "grand")
    assert big["rows"] == BIG_ROWS
    bomb = bomb_file()
    refused = worker("import", db, bomb, "bombe")
    assert "une fois décompressé" in refused["refused"]

    figures = {
        "first": first,
        "again": again,
        "big": big,
        "bomb": {**refused, "compressed_kib": bomb.stat().st_size // 1024},
    }
    write_doc(figures)


def number(value):
    return f"{value:,}".replace(",", "\u202f")


def write_doc(figures):
    first, again, big, bomb = figures["first"], figures["again"], figures["big"], figures["bomb"]
    ratio = again["seconds"] / first["seconds"] if first["seconds"] else 0
    lines = [
        BEGIN,
        f"Mesuré le {dt.date.today():%d/%m/%Y} ({platform.machine()}, Python {platform.python_version()}, "
        "SQLite), chaque import dans son propre processus (`tests/bench/import_worker.py`) :",
        "",
        "| cas | lignes | durée | créés / modifiés / inchangés | mémoire du processus (pic, avant l'import) |",
        "|---|---:|---:|---|---|",
        f"| premier import, conseillers numériques 2022 | {number(first['rows'])} | {first['seconds']} s | "
        f"{first['created']} / {first['updated']} / {first['unchanged']} | "
        f"{first['peak_mib']} Mio ({first['before_mib']} Mio avant) |",
        f"| réimport du même fichier | {number(again['rows'])} | {again['seconds']} s ({ratio:.0%} du premier) | "
        f"{again['created']} / {again['updated']} / {again['unchanged']} | "
        f"{again['peak_mib']} Mio ({again['before_mib']} Mio avant) |",
        f"| fichier de 100 000 lignes (gzip) | {number(big['rows'])} | {big['seconds']} s | "
        f"{big['created']} / {big['updated']} / {big['unchanged']} | "
        f"{big['peak_mib']} Mio ({big['before_mib']} Mio avant) |",
        f"| bombe de décompression ({bomb['compressed_kib']} Kio → 1 Gio) | — | {bomb['seconds']} s, refusée | — | "
        f"{bomb['peak_mib']} Mio ({bomb['before_mib']} Mio avant) |",
        END,
    ]
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Imports de lieux\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
