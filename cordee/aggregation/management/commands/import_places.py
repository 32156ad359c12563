"""Import a places file (standard v1.0.x or v0.1, CSV or JSON): ``manage.py import_places FILE --wet-run``.

Like every command that changes data, a dry run unless ``--wet-run``: the whole import runs (same
checks, same report) in a transaction that is then rolled back. Re-importing a file of the same source
updates its places in place.
"""

from django.conf import settings

from cordee.aggregation.importing.importer import ImportFailed, default_report_path, default_source_name, import_file
from cordee.core.commands import CommandFailed, CordeeCommand


class Command(CordeeCommand):
    help = (
        "Importe un fichier de lieux de médiation numérique (standard v1.0.x ou v0.1, CSV ou JSON). "
        "Simulation sans --wet-run."
    )

    def add_options(self, parser):
        parser.add_argument("file", help="chemin du fichier CSV ou JSON")
        parser.add_argument("--source", help="nom de la source (par défaut : nom du fichier sans sa date)")
        parser.add_argument("--report", help="chemin du rapport CSV (défaut : var/reports/import-<source>-<date>.csv)")
        parser.add_argument(
            "--attach-identical",
            action="store_true",
            help="rattacher les lignes identiques à des lieux déjà présents (même nom, adresse et commune) "
            "sous une autre source ou un autre identifiant, au lieu de les créer en double",
        )
        parser.add_argument("--show", type=int, default=20, help="nombre de problèmes affichés à l'écran (20)")

    def run(self, *args, file, source=None, report=None, show=20, attach_identical=False, **options):
        source_name = source or default_source_name(file)
        with self.progress_bar(desc="Validation") as bar:
            try:
                result = import_file(
                    file, source_name=source_name, progress=bar.callback, attach_identical=attach_identical
                )
            except ImportFailed as error:
                raise CommandFailed(str(error)) from error

        report_path = result.write_csv(report or default_report_path(source_name, settings.VAR_DIR))
        self.count("lignes lues", result.total)
        self.count("créés", result.created)
        self.count("modifiés", result.updated)
        self.count("inchangés", getattr(result, "unchanged", 0))
        self.count("rejetés", result.rejected)
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
