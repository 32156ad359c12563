"""The whole printing of an order, in its own process (for an honest peak memory), against DATABASE_URL.

    python -m tests.bench.pass_books run OUT_DIR

Migrates, creates and confirms an order of 1,000 books × 10 passes (issuing timed), then runs the printing job
exactly as the background task does (``printing.request_print`` then ``printing.run_print``: one tagged PDF per
book into a ZIP, progress saved as it goes), the ZIP written under OUT_DIR/media. Prints one JSON line: times,
sizes, the progress seen, and the process's peak resident memory (``getrusage`` ``ru_maxrss``) after issuing and
at the end.
"""

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

import django

BOOKS = int(os.environ.get("BENCH_PASS_BOOKS", "1000"))  # the issue's size; smaller for a quick try
PASSES_PER_BOOK = 10


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(out_dir: str):
    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", verbosity=0)
    from cordee.pass_numerique import services
    from cordee.pass_numerique.jobs import printing
    from cordee.pass_numerique.jobs.models import BookPrint
    from tests.pass_numerique.factories import build_world

    out = Path(out_dir)
    media = out / "media"
    media.mkdir(parents=True, exist_ok=True)
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    data = {
        "funder_structure_id": world.funder.pk,
        "books": BOOKS,
        "passes_per_book": PASSES_PER_BOOK,
        "valid_from": world.order.valid_from,
        "valid_until": world.order.valid_until,
        "territories": ["departement:23"],
        "eligibility": "Personnes de plus de 16 ans résidant en Creuse, orientées par un travailleur social.",
    }
    order = services.create_order(world.funder_manager, data)
    rss_before_issue = _peak_rss_mib()
    started = time.perf_counter()
    services.confirm_order(world.funder_manager, order)
    issue_seconds = time.perf_counter() - started
    rss_after_issue = _peak_rss_mib()

    # The progress a person sees while the job runs, read as the web page does (another connection).
    seen = []
    running = True

    def watch(job_id):
        from django.db import connection

        while running:
            job = BookPrint.objects.filter(pk=job_id).values("progress_done", "progress_total").first()
            if job and (not seen or seen[-1] != job["progress_done"]):
                seen.append(job["progress_done"])
            time.sleep(5)
        connection.close()

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=str(media)):
        job = printing.request_print(world.funder_manager, order)
        watcher = threading.Thread(target=watch, args=(job.pk,))
        watcher.start()
        started = time.perf_counter()
        try:
            printing.run_print(job.pk)
        finally:
            running = False
            watcher.join()
        print_seconds = time.perf_counter() - started
        job.refresh_from_db()
        size = job.result_file.size if job.result_file else 0
    print(
        json.dumps(
            {
                "books": BOOKS,
                "passes": BOOKS * PASSES_PER_BOOK,
                "issue_seconds": round(issue_seconds, 2),
                "print_seconds": round(print_seconds, 1),
                "per_book_ms": round(print_seconds / BOOKS * 1000),
                "job_state": job.state,
                "books_printed": job.books_count,
                "progress": f"{job.progress_done}/{job.progress_total}",
                "progress_seen": len(seen),
                "zip_mib": round(size / 1024 / 1024, 1),
                "peak_rss_before_issue_mib": rss_before_issue,
                "peak_rss_after_issue_mib": rss_after_issue,
                "peak_rss_mib": _peak_rss_mib(),
            }
        )
    )


if __name__ == "__main__":
    step, *arguments = sys.argv[1:]
    {"run": run}[step](*arguments)
