"""Recompute the dashboards' rollups from the activity rows (after a bulk load, or to repair them)."""

from cordee.core.commands import CordeeCommand
from cordee.dashboards import rollups


class Command(CordeeCommand):
    help = (
        "Recalcule les tables de synthèse des tableaux de bord à partir des activités et réinstalle leurs "
        "déclencheurs (après un chargement en masse). Les écritures d'activités attendent la fin du calcul."
    )
    label = "Tables de synthèse recalculées"

    def run(self, *args, **options):
        rollups.install()
        bar = self.progress_bar(len(rollups.GRAINS), "Tables de synthèse", unit=" tables")
        counts = rollups.rebuild(progress=bar.callback)
        bar.close()
        for table, count in counts.items():
            self.count(f"lignes de {table}", count)
