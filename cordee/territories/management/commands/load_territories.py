from pathlib import Path

from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.territories import loader


class Command(CordeeCommand):
    help = (
        "Charge les régions, départements, EPCI, communes, codes postaux et l'indice de fragilité numérique "
        "depuis les fichiers livrés avec Cordée. Sans --wet-run, affiche seulement les différences."
    )

    label = "Territoires chargés"

    def add_options(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, default=loader.DATA_DIR, help="dossier des fichiers (par défaut : ceux livrés)"
        )

    def run(self, *args, data_dir=loader.DATA_DIR, verbosity=1, **options):
        try:
            self._load(data_dir, verbosity)
        except loader.TerritoryDataError as exc:
            raise CommandFailed(str(exc)) from exc

    def _load(self, data_dir, verbosity):
        diff = loader.compute_diff(data_dir)
        self.diff = diff
        for level in diff.levels.values():
            self.say(level.summary())
            if verbosity >= 2:
                for key, changes in list(level.changed.items())[:20]:
                    detail = ", ".join(f"{name} : {old!r} → {new!r}" for name, (old, new) in changes.items())
                    self.stdout.write(f"  {key} : {detail}")
        with self.progress_bar(total=diff.write_count, desc="Territoires") as bar:
            loader.apply_diff(diff, bar)

    def counts_text(self) -> str:
        if getattr(self, "diff", None) is None:
            return ""
        return ", ".join(
            f"{level.label} +{len(level.added)} ~{len(level.changed)} -{len(level.removed)}"
            for level in self.diff.levels.values()
        )
