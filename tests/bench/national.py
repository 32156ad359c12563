"""Steps of the national-scale benchmark, each run in its own process against the database of DATABASE_URL.

    python -m tests.bench.national prepare     # migrate, load the territories, generate the places
    python -m tests.bench.national queries OUT # write the benchmark queries (same for every backend)
    python -m tests.bench.national time IN OUT # time search() + page(1, 20) in process, write figures and ids

Places: spread over the communes in proportion to their population, with opening hours strings and
combinations of services/publics/fees drawn with their real frequencies (``data/samples.json``).
"""

import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

import django

SAMPLES = Path(__file__).parent / "data" / "samples.json"
PLACES = 100_000
QUERIES = 2_000
SEED = 20250602
PASS_NUMERIQUE_SHARE = 0.15
# Hours closed on public holidays, evaluated with the parser: rare in the files, common in real life.
HOLIDAY_SHARE = 0.05  # the real files barely carry the (v0.1 only) flag
NAMES = [
    "Médiathèque",
    "France Services",
    "Espace public numérique",
    "Centre social",
    "Mairie",
    "CCAS",
    "Tiers-lieu",
    "Maison de quartier",
    "Point d'accès numérique",
    "Association Emmaüs Connect",
]
# Monday 2 to Monday 9 June 2025: the last day is a public holiday (lundi de Pentecôte), so that one "open at"
# search in eight takes the parser's path for the hours with a holiday rule.
OPEN_WEEK = [f"2025-06-0{day}" for day in range(2, 10)]


def _setup():
    django.setup()


def _communes():
    from cordee.territories.enums import CommuneKind
    from cordee.territories.models import Commune

    return list(
        Commune.objects.filter(kind=CommuneKind.COMMUNE, population__gt=0, latitude__isnull=False)
        .order_by("code_insee")
        .values_list("code_insee", "name", "postal_codes", "latitude", "longitude", "population")
    )


def prepare():
    _setup()
    from django.core.management import call_command
    from django.db import transaction

    from cordee.places import hours
    from cordee.places.models import Place, PlaceOpeningInterval
    from cordee.territories.models import Commune

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not Commune.objects.exists():
        call_command("load_territories", wet_run=True, verbosity=0)
    territories_done = time.perf_counter()
    PlaceOpeningInterval.objects.all().delete()
    Place.objects.all().delete()

    samples = json.loads(SAMPLES.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    communes = _communes()
    chosen = rng.choices(communes, weights=[row[5] for row in communes], k=PLACES)
    hour_values, hour_weights = zip(*samples["hours"], strict=True)
    profiles, profile_weights = zip(*samples["profiles"], strict=True)
    hour_cumulative, profile_cumulative = (
        list(itertools.accumulate(hour_weights)),
        list(itertools.accumulate(profile_weights)),
    )
    assessments = {}
    places = []
    for number, (code, commune, postal_codes, lat, lon, _population) in enumerate(chosen):
        expr = rng.choices(hour_values, cum_weights=hour_cumulative)[0]
        if expr and rng.random() < HOLIDAY_SHARE:
            expr = f"{expr}; PH off"
        profile = rng.choices(profiles, cum_weights=profile_cumulative)[0]
        place = Place(
            source_name="bench",
            source_id=str(number),
            name=f"{rng.choice(NAMES)} {commune} {number}",
            commune_name=commune,
            code_insee=code,
            postal_code=(postal_codes or "").split("|")[0][:5],
            commune_ref_id=code,
            address=f"{rng.randint(1, 120)} rue de la République",
            latitude=round(lat + rng.gauss(0, 0.02), 6),
            longitude=round(lon + rng.gauss(0, 0.03), 6),
            opening_hours=expr,
            services=list(profile["services"]),
            publics=list(profile["publics"]),
            specific_support=list(profile["specific_support"]),
            fees=list(profile["fees"]),
            support_modes=list(profile["support_modes"]),
            accepts_pass_numerique=profile["accepts_pass_numerique"] or rng.random() < PASS_NUMERIQUE_SHARE,
        )
        if expr not in assessments:
            assessments[expr] = hours.assess(expr)
        assessment = assessments[expr]
        place.hours_status, place.hours_warning = assessment.status, assessment.warning
        place.hours_need_parser = assessment.need_parser
        place.hours_on_holidays = assessment.holidays
        place._weekly_intervals = assessment.intervals
        place.refresh_derived_fields()
        places.append((place, assessment.intervals))
    with transaction.atomic():
        Place.objects.bulk_create([place for place, _ in places], batch_size=2000)
        rows = [
            PlaceOpeningInterval(place_id=place.pk, start_minute=start, end_minute=end)
            for place, intervals in places
            for start, end in intervals
        ]
        PlaceOpeningInterval.objects.bulk_create(rows, batch_size=5000)
    _analyze()
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "places": len(places),
                "intervals": len(rows),
                "need_parser": sum(1 for place, _ in places if place.hours_need_parser),
                "on_holidays": sum(1 for place, _ in places if place.hours_on_holidays),
                "territories_s": round(territories_done - started, 1),
                "places_s": round(done - territories_done, 1),
            }
        )
    )


def _analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        # As autovacuum would soon do in production: statistics, and on PostgreSQL the visibility map that
        # index-only scans need.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def make_queries(out):
    """2,000 queries around points drawn by population: radius only, 1–3 services, open at, Pass numérique."""
    _setup()
    from cordee.places import enums

    rng = random.Random(SEED + 1)
    communes = _communes()
    points = rng.choices(communes, weights=[row[5] for row in communes], k=QUERIES)
    services = [service.value for service in enums.Service]
    queries = []
    for number, row in enumerate(points):
        params = {
            "lat": f"{row[3] + rng.gauss(0, 0.01):.5f}",
            "lon": f"{row[4] + rng.gauss(0, 0.015):.5f}",
            "radius_km": str(rng.choice([5, 10, 20, 20, 20, 30, 50])),
        }
        kind = ("radius", "services", "open_at", "pass_numerique")[number % 4]
        if kind == "services":
            params["services"] = rng.sample(services[:5], rng.randint(1, 3))
        elif kind == "open_at":
            params["open_at"] = f"{rng.choice(OPEN_WEEK)}T{rng.randint(8, 19):02d}:{rng.choice(['00', '30'])}"
        elif kind == "pass_numerique":
            params["pass_numerique"] = "true"
        queries.append({"kind": kind, "params": params})
    Path(out).write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")


def percentiles(values_ms):
    ordered = sorted(values_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2)}


def time_in_process(queries_path, out):
    _setup()
    from django.db import connection

    from cordee.places.search import parse_query, search

    queries = json.loads(Path(queries_path).read_text(encoding="utf-8"))

    def run(query):
        found = search(parse_query(query["params"]))
        hits = found.page(1, 20)
        return found.count, [hit.place.pk for hit in hits]

    for query in queries[:200]:  # warm-up: connection, caches of parsed hours
        run(query)
    durations, by_kind, results = [], {}, []
    for query in queries:
        started = time.perf_counter()
        count, ids = run(query)
        elapsed = (time.perf_counter() - started) * 1000
        durations.append(elapsed)
        by_kind.setdefault(query["kind"], []).append(elapsed)
        results.append([count, ids])
    figures = {
        "vendor": connection.vendor,
        "all": percentiles(durations),
        "by_kind": {kind: percentiles(values) for kind, values in sorted(by_kind.items())},
        "mean_count": round(statistics.mean(count for count, _ in results), 1),
        "results": results,
    }
    Path(out).write_text(json.dumps(figures), encoding="utf-8")
    print(json.dumps({key: value for key, value in figures.items() if key != "results"}))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"prepare": prepare, "queries": make_queries, "time": time_in_process}[command](*arguments)
