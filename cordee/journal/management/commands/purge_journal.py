"""Delete the journal entries past their retention: ``manage.py purge_journal [--wet-run]``."""

from cordee.core.commands import CordeeCommand
from cordee.journal import retention


class Command(CordeeCommand):
    help = (
        "Supprime les entrées du journal dont la durée de conservation est passée "
        "(connexion : 1 an ; autres : 5 ans). Simulation sans --wet-run."
    )

    def run(self, *args, **options):
        # The purge itself only deletes with wet_run; a dry run counts what it would delete.
        counts = retention.purge(wet_run=not self.dry_run)
        verb = "supprimées" if not self.dry_run else "à supprimer"
        self.count(f"connexion {verb}", counts["authentication"])
        self.count(f"autres {verb}", counts["other"])
