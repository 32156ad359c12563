"""Export the places directory: ``manage.py export_places --format csv|json|geojson|data-inclusion``.

Streams to stdout, or to ``--output FILE`` with a progress bar on stderr. Read-only: nothing changes.
"""

import re

from cordee.aggregation import export
from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.places.models import Place

WRITERS = {
    "csv": (export.iter_csv, 1),
    "json": (export.iter_json, 1),
    "geojson": (export.iter_geojson, 1),
    # Two passes over the places: structures, then services.
    "data-inclusion": (export.iter_data_inclusion, 2),
}
DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$")


class Command(CordeeCommand):
    writes_data = False
    report_on_stderr = True  # stdout may be the export itself

    help = (
        "Exporte les lieux au standard des lieux de médiation numérique v1.0.2 (CSV, JSON, GeoJSON) "
        "ou au format data·inclusion v1 (structures et services)."
    )

    def add_options(self, parser):
        parser.add_argument("--format", choices=sorted(WRITERS), default="csv", help="format (csv par défaut)")
        parser.add_argument("--departement", help="code du département, ex. 23 ou 2A")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")

    def run(self, *args, format="csv", departement=None, output=None, **options):
        writer, passes = WRITERS[format]
        places = Place.objects.order_by("pk")
        if departement:
            departement = departement.strip().upper()
            if not DEPARTEMENT_CODE.match(departement):
                raise CommandFailed(f"code de département invalide : {departement}")
            places = places.in_departement(departement)

        stats = export.ExportStats()
        if output:
            with self.progress_bar(total=places.count() * passes, desc=f"Export {format}", unit=" lieux") as bar:
                try:
                    with open(output, "w", encoding="utf-8", newline="") as file:
                        for chunk in writer(places, stats=stats):
                            file.write(chunk)
                            bar.update(stats.seen - bar.n)
                except OSError as error:
                    raise CommandFailed(f"impossible d'écrire {output} : {error}") from error
        else:
            for chunk in writer(places, stats=stats):
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
        self.count("lus", stats.seen)
        self.count("écrits", stats.written)
        if self.verbosity > 0:
            # On stderr: stdout may be the export itself.
            self.stderr.write(f"Export {format} : {stats.summary()}" + (f" → {output}" if output else ""))
