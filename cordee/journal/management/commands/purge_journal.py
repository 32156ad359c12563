"""Delete the journal entries past their retention: ``manage.py purge_journal [--wet-run]``."""

import logging
import time

from django.core.management.base import BaseCommand

from cordee.journal import retention

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Supprime les entrées du journal dont la durée de conservation est passée "
        "(connexion : 1 an ; autres : 5 ans). Simulation sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="supprimer vraiment (sinon : simulation)")

    def handle(self, *args, wet_run=False, **options):
        started = time.monotonic()
        counts = retention.purge(wet_run=wet_run)
        verb = "supprimées" if wet_run else "à supprimer (simulation, --wet-run pour supprimer)"
        message = (
            f"Entrées du journal {verb} : connexion {counts['authentication']}, autres {counts['other']} "
            f"({time.monotonic() - started:.1f} s)"
        )
        logger.info(message)
        self.stdout.write(message)
