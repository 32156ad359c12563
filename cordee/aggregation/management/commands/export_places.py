"""Export the places directory: ``manage.py export_places --format csv|json|geojson|data-inclusion``.

Streams to stdout, or to ``--output FILE`` with a progress bar on stderr. Read-only: nothing changes.
"""

import logging
import re
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from cordee.aggregation import export
from cordee.places.models import Place

logger = logging.getLogger(__name__)

WRITERS = {
    "csv": (export.iter_csv, 1),
    "json": (export.iter_json, 1),
    "geojson": (export.iter_geojson, 1),
    # Two passes over the places: structures, then services.
    "data-inclusion": (export.iter_data_inclusion, 2),
}
DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$")


class Command(BaseCommand):
    help = (
        "Exporte les lieux au standard des lieux de médiation numérique v1.0.2 (CSV, JSON, GeoJSON) "
        "ou au format data·inclusion v1 (structures et services)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="csv", help="format (csv par défaut)")
        parser.add_argument("--departement", help="code du département, ex. 23 ou 2A")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")

    def handle(self, *args, format="csv", departement=None, output=None, **options):
        writer, passes = WRITERS[format]
        places = Place.objects.order_by("pk")
        if departement:
            departement = departement.strip().upper()
            if not DEPARTEMENT_CODE.match(departement):
                raise CommandError(f"code de département invalide : {departement}")
            places = places.in_departement(departement)

        started = time.monotonic()
        stats = export.ExportStats()
        with transaction.atomic():
            total = places.count() * passes
            if output:
                bar = tqdm(
                    total=total,
                    unit=" lieux",
                    desc=f"Export {format}",
                    disable=options["verbosity"] == 0,
                    file=self.stderr,
                )
                try:
                    with open(output, "w", encoding="utf-8", newline="") as file:
                        for chunk in writer(places, stats=stats):
                            file.write(chunk)
                            bar.update(stats.seen - bar.n)
                except OSError as error:
                    raise CommandError(f"impossible d'écrire {output} : {error}") from error
                finally:
                    bar.close()
            else:
                for chunk in writer(places, stats=stats):
                    self.stdout.write(chunk, ending="")
                self.stdout.flush()

        duration = time.monotonic() - started
        summary = f"Export {format} : {stats.summary()} en {duration:.1f} s"
        logger.info(summary)
        if options["verbosity"] > 0:
            # On stderr: stdout may be the export itself.
            self.stderr.write(summary + (f" → {output}" if output else ""))
