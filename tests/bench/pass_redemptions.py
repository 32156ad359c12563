"""Steps of the Pass numérique benchmark, each run in its own process against the database of DATABASE_URL.

    python -m tests.bench.pass_redemptions prepare OUT_DIR [HTTP_PASSES]  # migrate, an order, passes handed out
    python -m tests.bench.pass_redemptions verify OUT_DIR                 # double redemptions? ledgers?

``prepare`` creates a funder's order of 1,000 books × 10 passes (timed: issuing, with the peak memory), hands out
all its passes (5,000 of them are hammered, one more is contended), and, when HTTP_PASSES > 0, a second order
whose codes are written for the HTTP load (wrk), with an API token of a médiateur of the accepting place.
``contend`` sends 64 requests for one code at once (64 threads, each its own connection, released together by a
barrier, each with its own idempotency key): exactly one 201 and 63 × 409 are expected. ``hammer`` sends 20,000
requests over 5,000 codes from 32 threads (each its own connection) through the API stack (idempotency
included): every code once, then duplicates (a new key: 409 expected) and retries (the same key: the first
answer replayed), shuffled. ``verify`` checks that no pass is redeemed twice and that the ledgers reconcile.
"""

import json
import os
import queue
import random
import resource
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import django

BOOKS, PASSES_PER_BOOK = 1000, 10
# The sizes of the issue; BENCH_PASS_CODES and BENCH_PASS_REQUESTS shrink them on a busy machine (the report says so).
HAMMERED_CODES = int(os.environ.get("BENCH_PASS_CODES", "5000"))
REQUESTS = int(os.environ.get("BENCH_PASS_REQUESTS", "20000"))
CLIENTS = 32
CONTENDERS = 64
SEED = 20261201
REDEEM_PATH = "/api/v1/pass-numerique/redemptions/"


def _setup():
    django.setup()


def _distribute_all(order, structure, actor):
    """Hand out every allocated pass of ``order`` at once (bulk), with its distribution and its event."""
    from django.utils import timezone

    from cordee.pass_numerique.enums import PassEventKind, PassState
    from cordee.pass_numerique.events import write_events
    from cordee.pass_numerique.models import Distribution, Pass

    passes = list(Pass.objects.filter(order=order, state=PassState.ALLOCATED).order_by("pk"))
    today = timezone.localdate()
    Pass.objects.filter(pk__in=[item.pk for item in passes]).update(state=PassState.DISTRIBUTED)
    Distribution.objects.bulk_create(
        [Distribution(pass_obj=item, structure=structure, distributed_on=today, by=actor) for item in passes],
        batch_size=2000,
    )
    write_events(
        passes, PassEventKind.DISTRIBUTED, PassState.ALLOCATED, PassState.DISTRIBUTED, actor, structure=structure
    )
    return [item.code for item in passes]


def prepare(out_dir: str, http_passes: str = "0"):
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cordee.pass_numerique import services
    from cordee.users.tokens import create_api_token
    from tests.pass_numerique.factories import build_world

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    data = {
        "funder_structure_id": world.funder.pk,
        "books": BOOKS,
        "passes_per_book": PASSES_PER_BOOK,
        "valid_from": world.order.valid_from,
        "valid_until": world.order.valid_until,
        "territories": ["departement:23"],
    }
    order = services.create_order(world.funder_manager, data)
    started = time.perf_counter()
    services.confirm_order(world.funder_manager, order)
    issue_seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    services.allocate_books(world.funder_manager, order, world.holder.pk, BOOKS)
    codes = _distribute_all(order, world.holder, world.aiguilleur)
    _token, key = create_api_token(world.mediateur, "Banc d'essai")
    (out / "hammer.json").write_text(
        json.dumps(
            {
                "order_id": order.pk,
                "token": key,
                "place_id": world.place.pk,
                "codes": codes[:HAMMERED_CODES],
                "contended_code": codes[HAMMERED_CODES],
            }
        )
    )
    result = {
        "issue_passes": BOOKS * PASSES_PER_BOOK,
        "issue_seconds": round(issue_seconds, 2),
        "issue_peak_rss_mib": round(rss_after / 1024, 1),
    }
    http = int(http_passes)
    if http:
        books = (http + PASSES_PER_BOOK - 1) // PASSES_PER_BOOK
        second = services.create_order(world.funder_manager, {**data, "books": books})
        services.confirm_order(world.funder_manager, second)
        services.allocate_books(world.funder_manager, second, world.holder.pk, books)
        http_codes = _distribute_all(second, world.holder, world.aiguilleur)
        random.Random(SEED).shuffle(http_codes)
        (out / "http_codes.txt").write_text("\n".join(http_codes) + "\n")
        (out / "http.json").write_text(json.dumps({"order_id": second.pk, "place_id": world.place.pk, "token": key}))
        result["http_codes"] = len(http_codes)
    print(json.dumps(result))


def _requests(codes):
    """20,000 requests: each code once, then duplicates (new key) and retries (a key already sent), shuffled."""
    rng = random.Random(SEED)
    first = [(code, f"{code}-0") for code in codes]
    extra = []
    for index in range(REQUESTS - len(first)):
        code = rng.choice(codes)
        extra.append((code, f"{code}-0") if index % 2 else (code, f"{code}-{index + 1}"))
    requests = first + extra
    rng.shuffle(requests)
    return requests


def verify(out_dir: str):
    """After the load: redemptions per pass (never two), the ledgers of both orders, printed as JSON."""
    _setup()
    from cordee.pass_numerique import ledger
    from cordee.pass_numerique.models import Order, Redemption

    result = {}
    hammer_setup = Path(out_dir) / "hammer.json"
    contended = json.loads(hammer_setup.read_text())["contended_code"] if hammer_setup.exists() else ""
    result["contended_redemptions"] = Redemption.objects.filter(pass_obj__code=contended).count()
    for name in ("hammer", "http"):
        path = Path(out_dir) / f"{name}.json"
        if not path.exists():
            continue
        order = Order.objects.get(pk=json.loads(path.read_text())["order_id"])
        redemptions = Redemption.objects.filter(order=order).exclude(pass_obj__code=contended)
        per_pass = Counter(redemptions.values_list("pass_obj_id", flat=True))
        result[name] = {
            "redemptions": sum(per_pass.values()),
            "double_redemptions": sum(1 for count in per_pass.values() if count > 1),
            "ledger_problems": ledger.compute(order).problems,
        }
    print(json.dumps(result))


def hammer(base_url: str, out_dir: str) -> dict:
    """20,000 requests over HTTP from 32 client threads (keep-alive connections), each answer checked: every
    code's first answer is 201 or 409, a retry gets the first answer again. Runs in the caller's process."""
    import http.client
    import urllib.parse

    setup = json.loads((Path(out_dir) / "hammer.json").read_text())
    parts = urllib.parse.urlsplit(base_url)
    work = queue.Queue()
    for item in _requests(setup["codes"]):
        work.put(item)
    statuses, reasons, failures = Counter(), Counter(), []
    first_answer: dict[str, tuple] = {}
    replay_mismatch = []
    lock = threading.Lock()
    headers = {"Authorization": f"Token {setup['token']}", "Content-Type": "application/json"}

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            try:
                code, key = work.get_nowait()
            except queue.Empty:
                connection.close()
                return
            body = json.dumps({"code": code, "place_id": setup["place_id"], "idempotency_key": key})
            try:
                connection.request("POST", REDEEM_PATH, body, headers)
                response = connection.getresponse()
                status, payload = response.status, json.loads(response.read() or b"{}")
            except Exception as error:  # a failure of the server is what the benchmark looks for
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                with lock:
                    failures.append(repr(error)[:300])
                continue
            with lock:
                statuses[status] += 1
                reasons[payload.get("reason", "")] += 1
                if key in first_answer and first_answer[key] != (status, payload):
                    replay_mismatch.append(key)
                first_answer.setdefault(key, (status, payload))

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "requests": sum(statuses.values()) + len(failures),
        "codes": len(setup["codes"]),
        "clients": CLIENTS,
        "seconds": round(seconds, 1),
        "rps": round(REQUESTS / seconds, 1),
        "statuses": {str(key): value for key, value in sorted(statuses.items())},
        "reasons": {key: value for key, value in reasons.items() if key},
        "server_errors": sum(value for key, value in statuses.items() if key >= 500) + len(failures),
        "failures": failures[:5],
        "replay_mismatches": len(replay_mismatch),
    }


def contend(base_url: str, out_dir: str) -> dict:
    """64 clients redeem the same code at the same instant (a barrier releases them): statuses and reasons."""
    import http.client
    import urllib.parse

    setup = json.loads((Path(out_dir) / "hammer.json").read_text())
    parts = urllib.parse.urlsplit(base_url)
    headers = {"Authorization": f"Token {setup['token']}", "Content-Type": "application/json"}
    barrier = threading.Barrier(CONTENDERS)
    statuses, reasons, failures = Counter(), Counter(), []
    lock = threading.Lock()

    def client(number):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        body = json.dumps(
            {"code": setup["contended_code"], "place_id": setup["place_id"], "idempotency_key": f"contend-{number}"}
        )
        try:
            connection.connect()
            barrier.wait(timeout=60)
            connection.request("POST", REDEEM_PATH, body, headers)
            response = connection.getresponse()
            status, payload = response.status, json.loads(response.read() or b"{}")
        except Exception as error:  # a failure of the server is what the benchmark looks for
            with lock:
                failures.append(repr(error)[:300])
            return
        finally:
            connection.close()
        with lock:
            statuses[status] += 1
            reasons[payload.get("reason", "")] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(CONTENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "clients": CONTENDERS,
        "seconds": round(time.perf_counter() - started, 2),
        "statuses": {str(key): value for key, value in sorted(statuses.items())},
        "reasons": {key: value for key, value in reasons.items() if key},
        "server_errors": sum(value for key, value in statuses.items() if key >= 500) + len(failures),
        "failures": failures[:5],
    }


if __name__ == "__main__":
    step, *arguments = sys.argv[1:]
    {"prepare": prepare, "verify": verify}[step](*arguments)
