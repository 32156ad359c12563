"""Import the conseiller numérique programme's v1 activity reports: ``manage.py import_cra_v1 FILE --wet-run``.

A dry run unless ``--wet-run``: the whole import runs (same checks, same report) in a transaction rolled back
at the end. With ``--wet-run``, one transaction per batch of rows. Re-importing a file changes nothing (v1 ids).
Ends with the line ``lues : N, importées : M, rejetées : K``. See docs/activities-import-v1.md.
"""

from django.conf import settings

from cordee.activities.legacy.importer import ImportFailed, default_report_path, import_cra_v1
from cordee.core.commands import CommandFailed, CordeeCommand


class Command(CordeeCommand):
    help = "Importe un export CSV des CRA v1 du dispositif Conseiller numérique. Simulation sans --wet-run."
    atomic = False  # one transaction per batch (the importer's), one outer transaction for a dry run
    label = "Import des CRA v1"

    def add_options(self, parser):
        parser.add_argument("file", help="chemin de l'export CSV (éventuellement compressé en gzip)")
        parser.add_argument(
            "--report", help="chemin du rapport CSV (défaut : var/reports/import-cra-v1-<fichier>-<date>.csv)"
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="lignes par transaction (1000)")
        parser.add_argument("--show", type=int, default=20, help="problèmes affichés à l'écran (20)")

    def run(self, *args, file, report=None, batch_size=1000, show=20, **options):
        report_path = report or default_report_path(settings.VAR_DIR, file)
        with self.progress_bar(desc="CRA v1") as bar:
            try:
                result = import_cra_v1(
                    file, wet_run=self.wet_run, report_path=report_path, progress=bar.callback, batch_size=batch_size
                )
            except ImportFailed as error:
                raise CommandFailed(str(error)) from error
        self.count("lues", result.read)
        self.count("importées", result.imported)
        self.count("rejetées", result.rejected)
        self.count("déjà importées", result.already)
        self.count("structures créées", result.structures_created)
        if result.missing_columns:
            self.say("Colonnes absentes, lues comme vides : " + ", ".join(result.missing_columns))
        if result.extra_columns:
            self.say("Colonnes inconnues, gardées dans l'archive seulement : " + ", ".join(result.extra_columns))
        if result.mediators_attached:
            self.say(f"Activités déjà importées rattachées à leur conseiller : {result.mediators_attached}")
        if result.already:
            self.say(f"Déjà importées (ignorées) : {result.already}")
        if result.structures_created:
            self.say(f"Structures créées (à vérifier, SIRET inconnu) : {result.structures_created}")
        if result.unknown_mediators:
            self.say(
                f"Conseillers v1 inconnus : {len(result.unknown_mediators)} "
                f"({sum(result.unknown_mediators.values())} activité(s) importée(s) sans médiateur, "
                "listés dans le rapport)"
            )
        for issue in result.issues_shown[:show]:
            where = f"ligne {issue.row}" if issue.row else "fichier"
            column = f", {issue.column}" if issue.column else ""
            value = f" (« {issue.value} »)" if issue.value else ""
            self.say(f"  {where}{column} : {issue.level}, {issue.message}{value}")
        self.say(f"Rapport : {report_path}")
        self.closing_line = result.closing_line()

    def _report(self):
        """The usual closing lines, then the import's own: ``lues : N, importées : M, rejetées : K``."""
        super()._report()
        if self.verbosity > 0 and getattr(self, "closing_line", None):
            self.stdout.write(self.closing_line)
