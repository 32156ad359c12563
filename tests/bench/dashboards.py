"""Steps of the dashboards benchmark, each run in its own process against the database of DATABASE_URL.

    python -m tests.bench.dashboards prepare N   # migrate, territories, N synthetic activities (kept), indexes
    python -m tests.bench.dashboards time        # serve with gunicorn, time the pages and the API over HTTP

``prepare`` is quick on a kept database: ``migrate`` (which installs what a new migration brings), then
``generator.generate`` adds only the missing activities, makes sure the indexes exist and rebuilds the
pre-aggregated tables when it loaded rows and ``cordee.dashboards.rollups`` exists.

``time`` starts gunicorn on ``application()`` below (production settings, DEBUG off, the application's cache
replaced by a dummy one, API rate limits off) and measures over HTTP on 127.0.0.1, from this process:

- each page or API call a few times first (the database's buffers and the workers warm), then timed one request
  at a time: the département dashboard (12 months, the largest département and random others), the national
  one, a mediator's own, and the stats API for each of them;
- report entry: WRITERS threads, each with its own keep-alive connection and API token, offering
  WRITES_PER_SECOND reports in all on a fixed schedule (open loop: a late answer delays nothing, and the time of
  a report counts from its scheduled start) while one reader loads département dashboards without pause.
"""

import datetime
import http.client as httpclient
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
SEED = 20251201
WRITERS = 20
WRITES_PER_SECOND = 50
WRITE_SECONDS = int(os.environ.get("BENCH_DASHBOARDS_WRITE_SECONDS", "30"))
WARM = 2  # untimed requests per URL before timing
BUDGET = float(os.environ.get("BENCH_DASHBOARDS_BUDGET", "150"))  # seconds per measured page or API call
GUNICORN_WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
GUNICORN_THREADS = int(os.environ.get("BENCH_THREADS", "8"))
TOKEN_NAME = "banc d'essai des tableaux de bord"


def prepare(count):
    django.setup()
    from django.core.management import call_command

    from cordee.activities.models import Activity
    from cordee.dashboards import generator
    from cordee.territories.models import Commune

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not Commune.objects.exists():
        call_command("load_territories", wet_run=True, verbosity=0)
    generated = generator.generate(count, seed=SEED)
    if not generated["activities"]:
        generator.finish()  # indexes present, statistics fresh
    print(
        json.dumps(
            {
                "activities": Activity.objects.count(),
                "generated": generated["activities"],
                "rollups": generated["rollups"],
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


def application():
    """The WSGI application gunicorn serves: Cordée with its cache replaced by a dummy one."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    caches.__dict__.pop("settings", None)  # read again on first use
    return wsgi


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on a free port, with the environment of this process and production settings."""

    def __init__(self, log_path):
        from django.conf import settings

        self.port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),  # production requires it
            # The sessions and tokens are made by this process (test settings): the server shares its key.
            "SECRET_KEY": settings.SECRET_KEY,
            "SECURE_SSL_REDIRECT": "false",
            "DEBUG": "false",
            "API_ANON_RATE": "off",
            "API_USER_RATE": "off",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        # Production settings serve hashed static files: their manifest comes from collectstatic.
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, env=env, cwd=ROOT, check=True)
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.command = [
            gunicorn,
            "tests.bench.dashboards:application()",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(GUNICORN_THREADS),
            "--timeout",
            "1800",
            "--log-level",
            "warning",
        ]
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(self.command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log)

    def wait(self, path):
        """Until the server answers ``path``; a server error stops the bench (its log tells why)."""
        for _attempt in range(300):
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn s'est arrêté : voir var/bench/dashboards-gunicorn.log")
            try:
                status, _body = Http(self.port).get(path)
            except OSError:
                time.sleep(0.2)
                continue
            if status >= 500:
                raise RuntimeError(f"gunicorn répond {status} : voir var/bench/dashboards-gunicorn.log")
            return
        raise RuntimeError("gunicorn ne répond pas")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Http:
    """One keep-alive connection, with the headers of one person (a session cookie or an API token)."""

    def __init__(self, port, headers=None):
        self.port = port
        self.headers = headers or {}
        self.connection = None

    def request(self, method, path, body=None):
        for attempt in range(2):
            if self.connection is None:
                self.connection = httpclient.HTTPConnection("127.0.0.1", self.port, timeout=1800)
            headers = dict(self.headers)
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (httpclient.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path):
        return self.request("GET", path)


def _p95(values):
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)]


def _figures(samples):
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(_p95(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def _timed(http, path, times):
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        status, _body = http.get(path)
        samples.append(time.perf_counter() - started)
        assert status == 200, (path, status)
    return samples


def _measure(cases, rounds):
    """Warm then time the (http, path) cases within BUDGET seconds; all the samples together.

    Warming: one request per case, a second round while a third of the budget is left. Timing: up to ``rounds``
    rounds over the warmed cases, until the budget is spent (at least one sample). Pages that take a minute
    (raw scans at 10 million rows) thus give fewer samples — their number is in the figures."""
    started = time.monotonic()
    warmed = []
    for round_ in range(WARM):
        for http, path in cases:
            if warmed and time.monotonic() - started > BUDGET / 3:
                break
            _timed(http, path, 1)
            if round_ == 0:
                warmed.append((http, path))
    samples = []
    for _round in range(rounds):
        for http, path in warmed:
            if samples and time.monotonic() - started > BUDGET:
                break
            samples += _timed(http, path, 1)
    return {**_figures(samples), "cases": len(warmed)}


def _session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


def _token(user):
    from cordee.users.models import ApiToken
    from cordee.users.tokens import create_api_token

    ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
    return {"Authorization": f"Token {create_api_token(user, TOKEN_NAME)[1]}"}


def time_all():
    django.setup()
    from django.db.models import Count

    from cordee.activities.models import Activity
    from cordee.dashboards import generator
    from cordee.users.models import User

    rng = random.Random(SEED)
    admin, _ = User.objects.get_or_create(
        email=f"admin@{generator.EMAIL_DOMAIN}", defaults={"is_national_admin": True, "first_name": "Admin"}
    )
    by_departement = list(
        Activity.objects.exclude(departement_code="")
        .values("departement_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("departement_code", flat=True)
    )
    departements = [by_departement[0], *rng.sample(by_departement[1:], min(9, len(by_departement) - 1))]
    mediators = list(
        User.objects.filter(email__endswith=generator.EMAIL_DOMAIN, memberships__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    readers = rng.sample(mediators, min(20, len(mediators)))
    writers = rng.sample([pk for pk in mediators if pk not in readers], min(WRITERS, len(mediators) - len(readers)))
    results = {
        "activities": Activity.objects.count(),
        "rollups": generator.has_rollups(),
        "departements": departements,
        "server": f"gunicorn, {GUNICORN_WORKERS} workers gthread × {GUNICORN_THREADS} fils",
        "load_before": os.getloadavg(),
    }
    admin_headers = _session_cookie(admin)
    admin_token = _token(admin)
    mediator_headers = {pk: _session_cookie(User.objects.get(pk=pk)) for pk in readers}
    writer_tokens = [_token(User.objects.get(pk=pk)) for pk in writers]

    server = Server(ROOT / "var" / "bench" / "dashboards-gunicorn.log")
    try:
        server.wait("/")
        port = server.port
        page, api = Http(port, admin_headers), Http(port, admin_token)
        dep_paths = [f"/statistiques/territoire/departement:{code}/" for code in departements]
        results["departement"] = _measure([(page, path) for path in dep_paths], 3)
        results["national"] = _measure([(page, "/statistiques/territoire/france/")], 5)
        results["mediator"] = _measure(
            [(Http(port, headers), "/statistiques/mes-activites/") for headers in mediator_headers.values()], 2
        )
        stats = "/api/v1/stats/activities/?group_by=theme&territory="
        results["api_departement"] = _measure([(api, f"{stats}departement:{code}") for code in departements], 3)
        results["api_national"] = _measure([(api, f"{stats}france")], 5)
        results["api_mediator"] = _measure([(api, f"{stats}france&mediator={pk}") for pk in readers], 2)
        results["load_reads"] = os.getloadavg()
        results["writers"] = _writers(port, writer_tokens, admin_headers, dep_paths)
        results["load_after"] = os.getloadavg()
    finally:
        server.stop()
    print(json.dumps(results))


def _writers(port, tokens, reader_headers, dep_paths):
    """len(tokens) threads posting reports at WRITES_PER_SECOND in all, while one reader loads dashboards."""
    samples, errors, reads = [], [], []
    interval = len(tokens) / WRITES_PER_SECOND
    start = time.monotonic() + 1
    stop = start + WRITE_SECONDS
    today = datetime.date.today().isoformat()
    body = json.dumps(
        {
            "kind": "individual",
            "date": today,
            "duration_minutes": 30,
            "location_kind": "remote",
            "themes": ["email"],
            "equipment": ["phone"],
            "autonomy": "partly_autonomous",
        }
    )

    def writer(index):
        http = Http(port, tokens[index])
        for n in range(round(WRITE_SECONDS / interval)):
            scheduled = start + index * interval / len(tokens) + n * interval
            time.sleep(max(0, scheduled - time.monotonic()))
            status, answer = http.request("POST", "/api/v1/activities/", body)
            samples.append(time.monotonic() - scheduled)
            if status != 201:
                errors.append((status, answer[:200].decode(errors="replace")))

    def reader():
        http = Http(port, reader_headers)
        time.sleep(max(0, start - time.monotonic()))
        while time.monotonic() < stop:
            reads.extend(_timed(http, dep_paths[len(reads) % len(dep_paths)], 1))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(len(tokens))]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        **_figures(samples),
        "offered_per_s": WRITES_PER_SECOND,
        "rate_per_s": round(len(samples) / WRITE_SECONDS, 1),
        "errors": len(errors),
        "error_samples": sorted({f"{status} {text}" for status, text in errors})[:3],
        "dashboard_reads": _figures(reads) if reads else {},
    }


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]))
    else:
        time_all()
