"""National-scale benchmark of the place search (``make bench``; never part of ``make test``).

For SQLite and PostgreSQL: build a database of 100,000 synthetic places (``national.py``), time 2,000 searches
in process, then serve the API with gunicorn (production settings, DEBUG off) and load it with wrk at 16
concurrent connections. Checks that both backends give the same places in the same order, and writes the
figures to docs/benchmarks.md.

Two loads per backend, 16 connections each: "saturation" (each client sends its next request as soon as it has
the answer: the most the server does) and "paced" (each client pauses BENCH_PAUSE_MS between requests, so that
the 16 clients offer about 200 requests/s: the latency a person gets at that traffic).

Environment: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/cordee_bench), BENCH_WORKERS
(gunicorn workers, default 2: best on 2 cores shared with the database and the load tool), BENCH_DURATION
(seconds of each load, default 30), BENCH_PAUSE_MS (pause of each paced client, default 60).
"""

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.bench import serving

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cordee_bench")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PAUSE_MS = int(os.environ.get("BENCH_PAUSE_MS", "60"))
DURATION = int(os.environ.get("BENCH_DURATION", "30"))
CONNECTIONS = 16
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LUA = (
    """
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do urls[#urls + 1] = line end
local threads = 0
setup = function(thread) thread:set("offset", threads * 997); threads = threads + 1 end
init = function(args) counter = offset or 0 end
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
delay = function() return pause end
request = function()
  counter = counter + 1
  return wrk.format("GET", urls[(counter % #urls) + 1])
end
"""
    + serving.WRK_DONE
)

pytestmark = pytest.mark.bench


def _step(database_url, *arguments):
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "tests.bench.national", *arguments],
        env=serving.env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _wrk(url_file, server, seconds, pause_ms=0):
    script = WORK / "cycle.lua"
    script.write_text(LUA)
    return serving.wrk(
        server.url,
        script,
        connections=CONNECTIONS,
        seconds=seconds,
        extra_env={"BENCH_URLS": str(url_file), "BENCH_PAUSE_MS": str(pause_ms)},
    )


def _serve_and_load(database_url, url_file):
    first = url_file.read_text().splitlines()[0]
    server = serving.Server(database_url, WORK / "gunicorn.log", workers=WORKERS, ready_path=first)
    try:
        _wrk(url_file, server, 5)  # warm-up: connections, parsed hours, page cache
        server.sample_memory()
        try:
            figures = _wrk(url_file, server, DURATION)
            figures["paced"] = _wrk(url_file, server, DURATION, pause_ms=PAUSE_MS)
        finally:
            peak_rss, peak_pss = server.stop_sampling()
        figures["loadavg"] = round(os.getloadavg()[0], 1)
        figures["peak_rss_mib"] = peak_rss
        figures["peak_pss_mib"] = peak_pss
        return figures
    finally:
        server.stop()


def _int(number):
    return f"{number:,}".replace(",", "\u202f")


def _ms(figures):
    return "{p50} / {p95} / {p99} ms".format(**figures)


def _write_doc(report):
    lines = [
        BEGIN,
        f"Mesuré le {report['date']} avec `make bench` sur {report['machine']}, Python {platform.python_version()}.",
        "",
        f"Annuaire synthétique de {_int(report['places'])} lieux ({_int(report['intervals'])} plages d'ouverture, "
        f"{_int(report['need_parser'])} lieux aux horaires dépendant des dates, "
        f"{_int(report['on_holidays'])} avec une règle pour les jours fériés), "
        "répartis sur les communes au prorata de leur population ; horaires et combinaisons de services, publics "
        "et frais tirés avec leurs fréquences réelles (`tests/bench/data/samples.json`). 2 000 recherches autour de "
        "points tirés au prorata de la population (rayon 5 à 50 km) : un quart rayon seul, un quart avec 1 à 3 "
        "services, un quart « ouvert à » une date et heure (du lundi 2 au lundi 9 juin 2025, lundi de Pentecôte, "
        "férié), un quart Pass numérique.",
        "",
        "| | SQLite | PostgreSQL |",
        "|---|---|---|",
    ]
    backends = [report["backends"].get("sqlite"), report["backends"].get("postgresql")]

    def row(label, getter):
        cells = [getter(backend) if backend else "—" for backend in backends]
        lines.append(f"| {label} | {' | '.join(cells)} |")

    row("Création de la base (territoires + lieux)", lambda b: f"{b['prepare']['seconds']} s")
    row(
        "`search()` + `page(1, 20)` en processus : p50 / p95 / p99",
        lambda b: "{p50} / {p95} / {p99} ms".format(**b["in_process"]["all"]),
    )
    for kind, label in (
        ("radius", "… rayon seul"),
        ("services", "… avec services"),
        ("open_at", "… ouvert à"),
        ("pass_numerique", "… Pass numérique"),
    ):
        row(f"{label} : p50 / p95 / p99", lambda b, k=kind: _ms(b["in_process"]["by_kind"][k]))
    row(
        f"HTTP `/api/v1/places/`, {CONNECTIONS} clients à {PAUSE_MS} ms de pause : requêtes par seconde",
        lambda b: f"**{b['http']['paced']['rps']}**",
    )
    row("… p50 / p95 / p99", lambda b: "{p50} / **{p95}** / {p99} ms".format(**b["http"]["paced"]))
    row(
        f"HTTP à saturation ({CONNECTIONS} clients sans pause) : requêtes par seconde",
        lambda b: f"{b['http']['rps']}",
    )
    row("… p50 / p95 / p99", lambda b: "{p50} / {p95} / {p99} ms".format(**b["http"]))
    row("Charge de la machine à la fin de la mesure (loadavg 1 min)", lambda b: f"{b['http']['loadavg']}")
    row(
        "HTTP : erreurs / réponses non 2xx (saturation, avec pause)",
        lambda b: (
            f"{b['http']['errors']} / {b['http']['non2xx']}, "
            f"{b['http']['paced']['errors']} / {b['http']['paced']['non2xx']}"
        ),
    )
    row(
        f"Mémoire du serveur ({WORKERS} workers gunicorn + maître) : pic RSS (PSS)",
        lambda b: f"{b['http']['peak_rss_mib']} Mio ({b['http']['peak_pss_mib']} Mio)",
    )
    lines += [
        "",
        f"Mêmes lieux dans le même ordre sur les deux bases : {report['identical']}.",
        "",
        f"Serveur : gunicorn `config.wsgi`, {WORKERS} workers synchrones, réglages de production (DEBUG désactivé, "
        f"limitation de débit désactivée par API_ANON_RATE=off) ; charge : wrk, 2 fils, {CONNECTIONS} connexions, "
        f"{DURATION} s après 5 s de chauffe, en cyclant sur les 2 000 URL ; d'abord à saturation (chaque client "
        f"renvoie une requête dès qu'il a la réponse), puis avec une pause de {PAUSE_MS} ms par client entre deux "
        "requêtes, pour offrir environ 200 requêtes par seconde : la latence qu'obtient une personne à ce trafic. "
        "La machine porte à la fois la base, le serveur et wrk. La RSS additionne les pages partagées entre "
        "processus ; la PSS les répartit.",
        END,
    ]
    generated = "\n".join(lines)
    if DOC.exists() and BEGIN in DOC.read_text():
        text = DOC.read_text()
        text = text[: text.index(BEGIN)] + generated + text[text.index(END) + len(END) :]
    else:
        text = (
            "# Performances de la recherche de lieux\n\n"
            "Section régénérée par `make bench` (tests/bench/test_national_scale.py) : "
            "ne pas la modifier à la main.\n\n"
            f"{generated}\n"
        )
    DOC.write_text(text)


def test_national_scale_search():
    assert shutil.which("wrk"), "wrk est nécessaire : apt-get install -y wrk"
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "cordee-bench.sqlite3"
    for path in WORK.glob("cordee-bench.sqlite3*"):
        path.unlink()
    databases = {"sqlite": f"sqlite:///{sqlite_path}"}
    if serving.fresh_postgres(POSTGRES_URL):
        databases["postgresql"] = POSTGRES_URL
    report = {"date": dt.date.today().isoformat(), "machine": serving.machine(), "backends": {}}

    queries = WORK / "queries.json"
    for vendor, url in databases.items():
        prepared = _step(url, "prepare")
        report.update(
            places=prepared["places"],
            intervals=prepared["intervals"],
            need_parser=prepared["need_parser"],
            on_holidays=prepared["on_holidays"],
        )
        if not queries.exists() or vendor == "sqlite":
            _step(url, "queries", str(queries))
        timed_path = WORK / f"{vendor}.json"
        in_process = _step(url, "time", str(queries), str(timed_path))
        urls = WORK / "urls.txt"
        urls.write_text(
            "\n".join(
                "/api/v1/places/?" + urllib.parse.urlencode(query["params"], doseq=True)
                for query in json.loads(queries.read_text())
            )
            + "\n"
        )
        http = _serve_and_load(url, urls)
        report["backends"][vendor] = {"prepare": prepared, "in_process": in_process, "http": http}
        print(f"\n{vendor}: {json.dumps(report['backends'][vendor])}")

    results = {vendor: json.loads((WORK / f"{vendor}.json").read_text())["results"] for vendor in databases}
    if len(results) == 2:
        pairs = zip(results["sqlite"], results["postgresql"], strict=True)
        differing = [number for number, (first, second) in enumerate(pairs) if first != second]
        report["identical"] = "oui" if not differing else f"non ({len(differing)} requêtes diffèrent)"
    else:
        differing = []
        report["identical"] = "non vérifié (PostgreSQL indisponible)"
    _write_doc(report)
    print(DOC.read_text())

    assert not differing, f"SQLite et PostgreSQL diffèrent sur les requêtes {differing[:10]}"
    for vendor, figures in report["backends"].items():
        assert figures["http"]["errors"] == 0 and figures["http"]["non2xx"] == 0, vendor
        assert figures["http"]["paced"]["errors"] == 0 and figures["http"]["paced"]["non2xx"] == 0, vendor
