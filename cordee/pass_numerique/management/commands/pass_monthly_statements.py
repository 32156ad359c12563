"""Write the monthly reimbursement statements now (the scheduled task does it every day).

``manage.py pass_monthly_statements`` simulates; ``--wet-run`` writes: one statement per structure, funder and
month of the passes not yet claimed, each under the month it was redeemed in, for the months that are over
(funder's local time). Running it twice claims nothing twice.
"""

import datetime as dt

from django.utils import timezone

from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.pass_numerique import services


class Command(CordeeCommand):
    help = "Établit les relevés mensuels de remboursement des Pass numérique (simulation sans --wet-run)."
    label = "Relevés de Pass numérique"

    def add_options(self, parser):
        parser.add_argument(
            "--as-of",
            help=(
                "faire comme si l'on était ce jour (AAAA-MM-JJ) : les pass utilisés dans les mois terminés ce "
                "jour-là sont relevés, chacun sous son mois"
            ),
        )

    def run(self, *args, as_of=None, **options):
        now = timezone.now()
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandFailed(f"Date invalide : « {as_of} » (attendu : AAAA-MM-JJ).") from None
            now = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        for statement in services.generate_statements(now=now):
            self.count("relevés")
            self.count("pass", statement.passes_count)
            self.say(
                f"{statement.structure.name} → {statement.funder.name} ({statement.month:%m/%Y}) : "
                f"{statement.passes_count} pass, {statement.total_cents} centimes"
            )
