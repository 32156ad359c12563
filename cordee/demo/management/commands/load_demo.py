from django.conf import settings

from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.demo.loader import DemoDataError, load_demo, load_real_places, real_places_files


class Command(CordeeCommand):
    help = (
        "Charge le jeu de démonstration (Creuse, Bouches-du-Rhône, Nord) et les lieux réels livrés avec le projet. "
        "Simulation sans --wet-run."
    )

    def add_options(self, parser):
        parser.add_argument(
            "--without-real-places", action="store_true", help="Ne pas importer les lieux réels (plus rapide)."
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Autoriser le chargement hors mode développement."
        )

    def run(self, *args, without_real_places=False, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandFailed("Refusé : le jeu de démonstration ne se charge qu'en développement (DEBUG).")
        try:
            report = load_demo()
        except DemoDataError as exc:
            raise CommandFailed(str(exc)) from exc
        prefix = "[simulation, rien n'est écrit] " if self.dry_run else ""
        self.say(f"{prefix}{report}")
        if without_real_places:
            return
        if self.dry_run:
            # Importing ~10,000 real places only to roll them back would take minutes: list them instead.
            names = ", ".join(path.name for path in real_places_files())
            self.say(f"{prefix}Lieux réels à importer s'ils sont absents : {names}")
            return
        with self.progress_bar(desc="Lieux réels", unit=" lieux") as bar:
            imports = load_real_places(progress=bar.callback)
        for imported in imports:
            self.say(
                f"{imported.source_name} : {imported.created} créés, {imported.updated} mis à jour, "
                f"{imported.rejected} rejetés, {len(imported.warnings)} avertissements"
            )
            self.count("lieux réels importés", imported.created + imported.updated)
        if not imports:
            self.say("Lieux réels déjà importés : rien à faire.")
