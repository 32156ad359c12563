import logging
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from cordee.territories import loader

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Charge les régions, départements, EPCI, communes, codes postaux et l'indice de fragilité numérique "
        "depuis les fichiers livrés avec Cordée. Sans --wet-run, affiche seulement les différences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="écrire vraiment dans la base")
        parser.add_argument(
            "--data-dir", type=Path, default=loader.DATA_DIR, help="dossier des fichiers (par défaut : ceux livrés)"
        )

    def handle(self, *args, wet_run=False, data_dir=loader.DATA_DIR, verbosity=1, **options):
        started = time.monotonic()
        try:
            with transaction.atomic():
                diff = loader.compute_diff(data_dir)
                for level in diff.levels.values():
                    if verbosity >= 1:
                        self.stdout.write(level.summary())
                    if verbosity >= 2:
                        for key, changes in list(level.changed.items())[:20]:
                            detail = ", ".join(f"{name} : {old!r} → {new!r}" for name, (old, new) in changes.items())
                            self.stdout.write(f"  {key} : {detail}")
                with tqdm(
                    total=diff.write_count, desc="Territoires", unit=" lignes", disable=verbosity == 0 or None
                ) as progress:
                    loader.apply_diff(diff, progress)
                if not wet_run:
                    transaction.set_rollback(True)
        except loader.TerritoryDataError as exc:
            raise CommandError(str(exc)) from exc

        duration = time.monotonic() - started
        counts = ", ".join(
            f"{level.label} +{len(level.added)} ~{len(level.changed)} -{len(level.removed)}"
            for level in diff.levels.values()
        )
        if wet_run:
            logger.info("Territoires chargés en %.1f s : %s", duration, counts)
        else:
            logger.info("Simulation terminée en %.1f s, rien n'a été écrit : %s", duration, counts)
            if verbosity >= 1:
                self.stdout.write("Simulation : rien n'a été écrit. Relancez avec --wet-run pour enregistrer.")
