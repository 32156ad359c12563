"""Steps of the dashboards benchmark, each run in its own process against the database of DATABASE_URL.

    python -m tests.bench.dashboards prepare N   # migrate, load the territories, generate N activities (kept)
    python -m tests.bench.dashboards time        # time the pages in process, then API writers + readers

Server time: a full request through Django's test client in process (view, queries, template, SVG), with the
application's caches disabled (dummy cache) and the database's buffers warmed by a first pass.
"""

import datetime
import json
import random
import statistics
import sys
import threading
import time

import django

SEED = 20251201
WRITERS = 20
WRITES_PER_SECOND = 50
WRITE_SECONDS = 20


def _setup():
    django.setup()


def prepare(count):
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from cordee.activities.models import Activity
    from cordee.dashboards import generator
    from cordee.territories.models import Commune

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not Commune.objects.exists():
        call_command("load_territories", wet_run=True, verbosity=0)
    existing = Activity.objects.count()
    generated = {}
    if existing < count:
        generated = generator.generate(count - existing, seed=SEED + existing)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "activities": Activity.objects.count(),
                "generated": generated.get("activities", 0),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


def _p95(values):
    values = sorted(values)
    return values[max(0, round(0.95 * len(values)) - 1)]


def _figures(samples):
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(_p95(samples) * 1000, 1),
    }


def _timed(client, url, times):
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def time_all():
    _setup()
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from cordee.activities.models import Activity
    from cordee.dashboards.generator import EMAIL_DOMAIN
    from cordee.users.models import User

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(SEED)
    admin, _ = User.objects.get_or_create(email=f"admin@{EMAIL_DOMAIN}", defaults={"is_national_admin": True})
    client = Client()
    client.force_login(admin)
    departements = list(
        Activity.objects.values("departement_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("departement_code", flat=True)[:30]
    )
    mediators = list(
        User.objects.filter(email__endswith=EMAIL_DOMAIN, activities__isnull=False)
        .distinct()
        .values_list("pk", flat=True)[:500]
    )
    rng.shuffle(departements)
    results = {"activities": Activity.objects.count()}

    dep_urls = [f"/statistiques/territoire/departement:{code}/" for code in departements[:10]]
    for url in dep_urls:  # warm the buffers
        _timed(client, url, 1)
    results["departement"] = _figures([s for url in dep_urls for s in _timed(client, url, 2)])
    _timed(client, "/statistiques/territoire/france/", 1)
    results["national"] = _figures(_timed(client, "/statistiques/territoire/france/", 5))
    mediator_samples = []
    for user_id in rng.sample(mediators, min(30, len(mediators))):
        mediator_client = Client()
        mediator_client.force_login(User.objects.get(pk=user_id))
        _timed(mediator_client, "/statistiques/mes-activites/", 1)
        mediator_samples += _timed(mediator_client, "/statistiques/mes-activites/", 1)
    results["mediator"] = _figures(mediator_samples)
    api_urls = [f"/api/v1/stats/activities/?territory=departement:{code}&group_by=theme" for code in departements[:10]]
    results["api_stats_departement"] = _figures([s for url in api_urls for s in _timed(client, url, 2)])
    results["writers"] = _writers(mediators, dep_urls)
    print(json.dumps(results))


def _writers(mediators, dep_urls):
    """WRITERS threads posting reports through the API at WRITES_PER_SECOND in all, while dashboards are read."""
    from django.db import connection
    from django.test import Client

    from cordee.users.models import User
    from cordee.users.tokens import create_api_token

    users = list(User.objects.filter(pk__in=mediators[:WRITERS]))
    tokens = [create_api_token(user)[1] for user in users]
    samples, errors = [], []
    stop = time.monotonic() + WRITE_SECONDS
    interval = WRITERS / WRITES_PER_SECOND
    today = datetime.date.today().isoformat()

    def writer(index):
        client = Client(HTTP_AUTHORIZATION=f"Token {tokens[index % len(tokens)]}")
        next_at = time.monotonic() + index * interval / WRITERS
        body = {
            "kind": "individual",
            "date": today,
            "duration_minutes": 30,
            "location_kind": "remote",
            "themes": ["email"],
            "equipment": ["phone"],
            "autonomy": "partly_autonomous",
        }
        while time.monotonic() < stop:
            time.sleep(max(0, next_at - time.monotonic()))
            next_at += interval
            started = time.perf_counter()
            response = client.post("/api/v1/activities/", body, content_type="application/json")
            samples.append(time.perf_counter() - started)
            if response.status_code != 201:
                errors.append(response.status_code)
        connection.close()

    reads = []

    def reader():
        client = Client()
        client.force_login(User.objects.get(email__startswith="admin@"))
        while time.monotonic() < stop:
            reads.extend(_timed(client, dep_urls[len(reads) % len(dep_urls)], 1))
        connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        **_figures(samples),
        "rate_per_s": round(len(samples) / WRITE_SECONDS, 1),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "dashboard_reads": _figures(reads) if reads else {},
    }


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "prepare":
        prepare(int(sys.argv[2]))
    else:
        time_all()
