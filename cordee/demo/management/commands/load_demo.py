import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cordee.demo.loader import DemoDataError, load_demo, load_real_places, real_places_files


class Command(BaseCommand):
    help = (
        "Charge le jeu de démonstration (Creuse, Bouches-du-Rhône, Nord) et les lieux réels livrés avec le projet. "
        "Simulation sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Écrire réellement dans la base.")
        parser.add_argument(
            "--without-real-places", action="store_true", help="Ne pas importer les lieux réels (plus rapide)."
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Autoriser le chargement hors mode développement."
        )

    def handle(self, *args, wet_run=False, without_real_places=False, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusé : le jeu de démonstration ne se charge qu'en développement (DEBUG).")
        started = time.monotonic()
        try:
            report = load_demo(dry_run=not wet_run)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        prefix = "" if wet_run else "[simulation, rien n'est écrit] "
        self.stdout.write(f"{prefix}{report} ({time.monotonic() - started:.1f} s)")
        if without_real_places:
            return
        if not wet_run:
            names = ", ".join(path.name for path in real_places_files())
            self.stdout.write(f"{prefix}Lieux réels à importer s'ils sont absents : {names}")
            return
        with tqdm(desc="Lieux réels", unit=" lieux", disable=None) as bar:

            def progress(done, total):
                bar.total = total
                bar.n = done
                bar.refresh()

            imports = load_real_places(progress=progress)
        for imported in imports:
            self.stdout.write(
                f"{imported.source_name} : {imported.created} créés, {imported.updated} mis à jour, "
                f"{imported.rejected} rejetés, {len(imported.warnings)} avertissements"
            )
        if not imports:
            self.stdout.write("Lieux réels déjà importés : rien à faire.")
        self.stdout.write(f"Démonstration prête en {time.monotonic() - started:.1f} s.")
