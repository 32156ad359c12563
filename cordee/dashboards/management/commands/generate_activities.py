"""Create synthetic activities (and their structures, places and mediators) to measure the dashboards at scale."""

from cordee.core.commands import CordeeCommand
from cordee.dashboards import generator


class Command(CordeeCommand):
    help = (
        "Crée des activités synthétiques réalistes (4 000 médiateurs, 3 000 structures, 4 ans : saisons, jours de "
        "la semaine, régions, communes au prorata de leur population) pour mesurer les tableaux de bord."
    )
    label = "Activités synthétiques"

    def add_options(self, parser):
        parser.add_argument("--count", type=int, required=True, help="nombre d'activités à créer")
        parser.add_argument("--mediators", type=int, default=4000)
        parser.add_argument("--structures", type=int, default=3000)
        parser.add_argument("--years", type=int, default=4)
        parser.add_argument("--seed", type=int, default=20251201)

    def run(self, *args, count, mediators, structures, years, seed, **options):
        bar = self.progress_bar(count, "Activités", unit=" activités")
        result = generator.generate(
            count, mediators=mediators, structures=structures, years=years, seed=seed, progress=bar.callback
        )
        bar.close()
        for name in ("structures", "places", "mediators", "activities"):
            self.count(
                {"structures": "structures", "places": "lieux", "mediators": "médiateurs"}.get(name, "activités"),
                result[name],
            )
