"""Benchmark of the Pass numérique redemption (``make bench``; never part of ``make test``).

For SQLite and PostgreSQL: prepare a database (``pass_redemptions.py prepare``: an order of 1,000 books × 10 passes,
issuing timed, every pass handed out), serve the API with gunicorn (production settings, DEBUG off, durable commits)
and send 20,000 redemption requests over 5,000 codes — duplicates with new keys, retries with the same key —
from 32 concurrent HTTP clients; then check that no pass was redeemed twice, that there was no server error, that
every retry got the first answer again, and that the ledger reconciles. On PostgreSQL, wrk then offers 100
redemptions/s from 32 connections (each pausing BENCH_PASS_PAUSE_MS), each request a new code, for the latency
(p99 goal ≤ 200 ms), and the same without pause for the saturation throughput. Figures go to docs/benchmarks.md
between the pass-bench markers.

Environment: BENCH_PASS_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/cordee_bench_pass),
BENCH_WORKERS (gunicorn workers, default 2), BENCH_PASS_DURATION (seconds of each wrk load, default 20),
BENCH_PASS_PAUSE_MS (default 320: 32 connections × 1000/320 ≈ 100 requests/s).
"""

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.bench import pass_redemptions
from tests.bench.test_national_scale import _free_port, _machine

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench" / "pass"
DOC = ROOT / "docs" / "benchmarks.md"
POSTGRES_URL = os.environ.get("BENCH_PASS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cordee_bench_pass")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DURATION = int(os.environ.get("BENCH_PASS_DURATION", "20"))
PAUSE_MS = int(os.environ.get("BENCH_PASS_PAUSE_MS", "320"))
CONNECTIONS = 32
HTTP_PASSES = 20_000
BEGIN, END = "<!-- pass-bench:begin -->", "<!-- pass-bench:end -->"
LUA = """
local codes = {}
for line in io.lines(os.getenv("BENCH_CODES")) do codes[#codes + 1] = line end
local place = os.getenv("BENCH_PLACE")
local token = os.getenv("BENCH_TOKEN")
local run = os.getenv("BENCH_RUN")
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local threads = 0
setup = function(thread) thread:set("id", threads); threads = threads + 1 end
init = function(args) counter = 0 end
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
delay = function() return pause end
request = function()
  -- 2 threads: thread 0 takes the even codes, thread 1 the odd ones; a code is never sent twice.
  local index = offset + counter * 2 + id + 1
  counter = counter + 1
  local body = string.format('{"code": "%s", "place_id": %s, "idempotency_key": "%s-%d-%d"}',
    codes[((index - 1) % #codes) + 1], place, run, id, counter)
  return wrk.format("POST", "/api/v1/pass-numerique/redemptions/",
    {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"p50": %.3f, "p95": %.3f, "p99": %.3f, "requests": %d, "duration_us": %d, ' ..
    '"errors": %d, "non2xx": %d}\\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end
"""

pytestmark = pytest.mark.bench


def _env(database_url, **extra):
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _step(database_url, *arguments):
    completed = subprocess.run(
        [sys.executable, "-m", "tests.bench.pass_redemptions", *arguments],
        env=_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def _fresh_postgres():
    import psycopg

    parts = urllib.parse.urlsplit(POSTGRES_URL)
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            name = parts.path.lstrip("/")
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


class Server:
    def __init__(self, database_url):
        self.port = _free_port()
        env = _env(
            database_url,
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            SECRET_KEY="bench-only-not-secret",
            SECURE_SSL_REDIRECT="false",
            DEBUG="false",
            API_ANON_RATE="off",
            API_USER_RATE="off",
            ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.log = open(WORK / "gunicorn.log", "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS)]
            + ["--log-level", "warning"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        for _attempt in range(150):
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/schema/", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def _wrk(server, setup, seconds, pause_ms, offset, run):
    script = WORK / "redeem.lua"
    script.write_text(LUA)
    completed = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), server.url],
        env={
            **os.environ,
            "BENCH_CODES": str(WORK / "http_codes.txt"),
            "BENCH_PLACE": str(setup["place_id"]),
            "BENCH_TOKEN": setup["token"],
            "BENCH_RUN": run,
            "BENCH_OFFSET": str(offset),
            "BENCH_PAUSE_MS": str(pause_ms),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    return figures


def _run_backend(vendor, database_url):
    for name in ("hammer.json", "http.json", "http_codes.txt"):
        (WORK / name).unlink(missing_ok=True)
    report = {"prepare": _step(database_url, "prepare", str(WORK), str(HTTP_PASSES if vendor == "postgresql" else 0))}
    server = Server(database_url)
    try:
        report["hammer"] = pass_redemptions.hammer(server.url, str(WORK))
        if vendor == "postgresql":
            setup = json.loads((WORK / "http.json").read_text())
            report["paced"] = _wrk(server, setup, DURATION, PAUSE_MS, 0, "paced")
            used = report["paced"]["requests"] + CONNECTIONS * 2
            report["saturation"] = _wrk(server, setup, DURATION, 0, used, "saturation")
            report["codes_left"] = HTTP_PASSES - used - report["saturation"]["requests"]
    finally:
        server.stop()
    report["verify"] = _step(database_url, "verify", str(WORK))
    report["loadavg"] = round(os.getloadavg()[0], 1)
    return report


def _write_doc(report):
    lines = [
        BEGIN,
        f"Mesuré le {report['date']} avec `make bench` (`tests/bench/test_pass_bench.py`) sur {report['machine']} ; "
        f"gunicorn `config.wsgi`, {WORKERS} workers synchrones, réglages de production, validations durables "
        "(PostgreSQL `synchronous_commit=on`, SQLite WAL `synchronous=NORMAL`). La machine porte aussi la base et "
        "les clients de charge, et elle était partagée avec d'autres travaux pendant la mesure.",
        "",
        "| | SQLite | PostgreSQL |",
        "|---|---|---|",
    ]
    backends = [report["backends"].get("sqlite"), report["backends"].get("postgresql")]

    def row(label, getter):
        cells = []
        for backend in backends:
            try:
                cells.append(getter(backend) if backend else "—")
            except (KeyError, TypeError):
                cells.append("—")
        lines.append(f"| {label} | {' | '.join(cells)} |")

    row(
        "Émission d'une commande de 1 000 carnets × 10 pass (codes, pass, événements)",
        lambda b: f"{b['prepare']['issue_seconds']} s (pic RSS du processus {b['prepare']['issue_peak_rss_mib']} Mio)",
    )
    row(
        "Demandes d'utilisation (codes), 32 clients HTTP : durée, débit",
        lambda b: (
            f"{b['hammer']['requests']} ({b['hammer']['codes']}) : {b['hammer']['seconds']} s, "
            f"{b['hammer']['rps']} demandes/s"
        ),
    )
    row("Réponses (statut : nombre)", lambda b: ", ".join(f"{k} : {v}" for k, v in b["hammer"]["statuses"].items()))
    row(
        "Erreurs serveur, doubles utilisations, rejeux différents de la 1re réponse",
        lambda b: (
            f"{b['hammer']['server_errors']}, {b['verify']['hammer']['double_redemptions']}, "
            f"{b['hammer']['replay_mismatches']}"
        ),
    )
    row(
        "Utilisations enregistrées / codes",
        lambda b: f"{b['verify']['hammer']['redemptions']} / {b['hammer']['codes']}",
    )
    row(
        "Grand livre réconcilié",
        lambda b: (
            "oui"
            if not b["verify"]["hammer"]["ledger_problems"]
            else "NON : " + "; ".join(b["verify"]["hammer"]["ledger_problems"])
        ),
    )
    row(
        f"wrk, {CONNECTIONS} connexions à ≈ 100 utilisations/s (pause {PAUSE_MS} ms) : débit, p50 / p95 / p99",
        lambda b: (
            f"{b['paced']['rps']}/s, {b['paced']['p50']} / {b['paced']['p95']} / {b['paced']['p99']} ms, "
            f"erreurs {b['paced']['errors'] + b['paced']['non2xx']}"
        ),
    )
    row(
        f"wrk, {CONNECTIONS} connexions sans pause (saturation) : débit, p50 / p95 / p99",
        lambda b: (
            f"{b['saturation']['rps']}/s, {b['saturation']['p50']} / {b['saturation']['p95']} / "
            f"{b['saturation']['p99']} ms, erreurs {b['saturation']['errors'] + b['saturation']['non2xx']}"
        ),
    )
    row(
        "Grand livre de la commande chargée par wrk",
        lambda b: "oui" if not b["verify"]["http"]["ledger_problems"] else "NON",
    )
    row("Charge moyenne (1 min) à la fin", lambda b: str(b["loadavg"]))
    lines += [
        "",
        f"Charge moyenne de la machine au départ : {report['load_before']}. Taille par défaut : 20 000 demandes "
        "sur 5 000 codes (BENCH_PASS_REQUESTS, BENCH_PASS_CODES la réduisent sur une machine occupée).",
        "",
        "Les demandes répétées : une moitié avec une nouvelle clé d'idempotence (409 « already_redeemed » attendu), "
        "l'autre avec la clé d'une demande déjà faite (la première réponse est rejouée, « Idempotent-Replayed »). "
        "Objectif du sujet : p99 ≤ 200 ms à 100 utilisations/s, saturation ≥ 300 utilisations/s sur 2 cœurs.",
        END,
    ]
    text = DOC.read_text()
    block = "\n".join(lines)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n## Pass numérique : utilisation exactement une fois\n\n" + block + "\n"
    DOC.write_text(text)


def test_pass_redemption_bench():
    assert shutil.which("wrk"), "wrk est nécessaire : apt-get install -y wrk"
    WORK.mkdir(parents=True, exist_ok=True)
    report = {"date": dt.date.today().isoformat(), "machine": _machine(), "backends": {}}
    report["load_before"] = round(os.getloadavg()[0], 1)
    sqlite_path = WORK / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    backends = [("sqlite", f"sqlite:///{sqlite_path}")]
    if _fresh_postgres():
        backends.append(("postgresql", POSTGRES_URL))
    only = os.environ.get("BENCH_PASS_ONLY")
    for vendor, url in backends:
        if only and vendor != only:
            continue
        result = _run_backend(vendor, url)
        report["backends"][vendor] = result
        print(vendor, json.dumps(result, indent=1))
        (WORK / f"report-{vendor}.json").write_text(json.dumps(result, indent=1))
    _write_doc(report)
    for vendor, result in report["backends"].items():
        assert result["hammer"]["server_errors"] == 0, (vendor, result["hammer"])
        assert result["verify"]["hammer"]["double_redemptions"] == 0, vendor
        assert result["verify"]["hammer"]["redemptions"] == pass_redemptions.HAMMERED_CODES, vendor
        assert result["hammer"]["replay_mismatches"] == 0, vendor
        assert result["verify"]["hammer"]["ledger_problems"] == [], vendor
