import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cordee.demo.loader import DemoDataError, load_demo


class Command(BaseCommand):
    help = "Charge le jeu de démonstration (Creuse, Bouches-du-Rhône, Nord). Simulation sans --wet-run."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Écrire réellement dans la base.")
        parser.add_argument(
            "--allow-production", action="store_true", help="Autoriser le chargement hors mode développement."
        )

    def handle(self, *args, wet_run=False, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusé : le jeu de démonstration ne se charge qu'en développement (DEBUG).")
        started = time.monotonic()
        try:
            report = load_demo(dry_run=not wet_run)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        prefix = "" if wet_run else "[simulation, rien n'est écrit] "
        self.stdout.write(f"{prefix}{report} ({time.monotonic() - started:.1f} s)")
