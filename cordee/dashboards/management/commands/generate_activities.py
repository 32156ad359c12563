"""Create synthetic activities (and their structures, places and mediators) to measure the dashboards at scale."""

from django.db import transaction

from cordee.core.commands import CordeeCommand
from cordee.dashboards import generator


class Command(CordeeCommand):
    help = (
        "Crée des activités synthétiques réalistes (4 000 médiateurs, 3 000 structures, 4 ans : saisons, jours de "
        "la semaine, régions, communes au prorata de leur population) pour mesurer les tableaux de bord. "
        "--count est le nombre d'activités voulu dans la base : une nouvelle exécution n'ajoute que celles qui "
        "manquent (elle reprend aussi un chargement interrompu). Une transaction par lot de 100 000 activités."
    )
    label = "Activités synthétiques"
    atomic = False  # one transaction per batch, so that an interrupted load keeps what it wrote

    def add_options(self, parser):
        parser.add_argument("--count", type=int, required=True, help="nombre d'activités voulu dans la base")
        parser.add_argument("--mediators", type=int, default=4000)
        parser.add_argument("--structures", type=int, default=3000)
        parser.add_argument("--years", type=int, default=4)
        parser.add_argument("--seed", type=int, default=20251201)

    def run(self, *args, count, mediators, structures, years, seed, **options):
        bar = self.progress_bar(count, "Activités", unit=" activités")
        rollups = self.progress_bar(None, "Tables agrégées", unit=" tables") if generator.has_rollups() else None
        arguments = {"mediators": mediators, "structures": structures, "years": years, "seed": seed}
        arguments.update(progress=bar.callback, rollup_progress=rollups.callback if rollups is not None else None)
        if self.dry_run:
            with transaction.atomic():
                result = generator.generate(count, **arguments)
                transaction.set_rollback(True)
        else:
            result = generator.generate(count, **arguments)
        bar.close()
        if rollups is not None:
            rollups.close()
        for name, label in (
            ("structures", "structures"),
            ("places", "lieux"),
            ("mediators", "médiateurs"),
            ("activities", "activités"),
        ):
            self.count(label, result[name])
        if result["rollups"]:
            self.say("Tables agrégées reconstruites.")
