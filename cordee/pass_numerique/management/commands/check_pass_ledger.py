"""Check that every order of Pass numérique reconciles (counts and amounts); exits non-zero otherwise."""

from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.pass_numerique import ledger
from cordee.pass_numerique.models import Order


class Command(CordeeCommand):
    help = "Vérifie que les comptes de chaque commande de Pass numérique se réconcilient (états et montants)."
    writes_data = False
    label = "Grand livre du Pass numérique vérifié"

    def add_options(self, parser):
        parser.add_argument("--order", type=int, action="append", help="identifiant d'une commande (répétable)")

    def run(self, *args, **options):
        orders = Order.objects.order_by("pk")
        if options.get("order"):
            orders = orders.filter(pk__in=options["order"])
        checked = 0
        broken = []
        for order in orders.iterator():
            result = ledger.compute(order)
            checked += 1
            for problem in result.problems:
                broken.append(f"{order.number} (n° {order.pk}) : {problem}")
        self.count("commandes vérifiées", checked)
        if broken:
            raise CommandFailed("Le grand livre ne se réconcilie pas :\n" + "\n".join(broken))
        self.count("en défaut", 0)
