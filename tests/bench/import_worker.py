"""One import in a fresh process, for the import benchmark: prints a JSON line with its figures.

    python tests/bench/import_worker.py prepare DB
    python tests/bench/import_worker.py import DB FILE SOURCE

``prepare`` migrates the SQLite database DB and loads the territories. ``import`` runs the same import as
the web task (``import_file``), then reports its duration, counts and the process's peak resident memory
(``ru_maxrss``) beside the memory it had before the import: the increment is what the import itself took.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup(db):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()


def _peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv):
    action, db = argv[1], argv[2]
    _setup(db)
    from django.core.management import call_command

    if action == "prepare":
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_territories", "--wet-run", verbosity=0)
        return {"prepared": db}
    from cordee.aggregation.importing.importer import ImportFailed, import_file
    from cordee.aggregation.importing.validation import CommuneIndex

    path, source = argv[3], argv[4]
    communes = CommuneIndex.from_database()
    before = _peak_mib()
    started = time.perf_counter()
    try:
        report = import_file(path, source, communes=communes)
    except ImportFailed as error:
        outcome = {"refused": str(error)}
    else:
        outcome = {
            "rows": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
        }
    return {
        **outcome,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mib": round(_peak_mib()),
        "before_mib": round(before),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv)))
