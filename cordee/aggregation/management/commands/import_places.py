"""Import a places file (standard v1.0.x or v0.1, CSV or JSON): ``manage.py import_places FILE``.

It writes by default: importing is what the person asked for. Re-importing a file of the same source
updates its places in place.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cordee.aggregation.importing.importer import ImportFailed, default_report_path, default_source_name, import_file

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Importe un fichier de lieux de médiation numérique (standard v1.0.x ou v0.1, CSV ou JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du fichier CSV ou JSON")
        parser.add_argument("--source", help="nom de la source (par défaut : nom du fichier sans sa date)")
        parser.add_argument("--report", help="chemin du rapport CSV (défaut : var/reports/import-<source>-<date>.csv)")
        parser.add_argument("--show", type=int, default=20, help="nombre de problèmes affichés à l'écran (20)")

    def handle(self, *args, file, source=None, report=None, show=20, **options):
        source_name = source or default_source_name(file)
        bar = tqdm(total=0, unit=" lignes", desc="Validation", disable=options["verbosity"] == 0, file=self.stderr)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = import_file(file, source_name=source_name, progress=progress)
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()

        report_path = result.write_csv(report or default_report_path(source_name, settings.VAR_DIR))
        for line in result.summary_lines():
            self.stdout.write(line)
        if result.rejections:
            self.stdout.write(self.style.WARNING(f"Lignes rejetées ({len(result.rejections)} motifs) :"))
            for line in result.issue_lines(limit=show, level="rejet"):
                self.stdout.write(f"  {line}")
        if result.warnings:
            self.stdout.write(f"Avertissements ({len(result.warnings)}) :")
            for line in result.issue_lines(limit=show, level="avertissement"):
                self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Rapport détaillé : {report_path}"))
