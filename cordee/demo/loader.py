"""Create (or bring up to date) the demo dataset. Running it twice changes nothing."""

from dataclasses import dataclass, field

from django.db import transaction

from cordee.demo.dataset import DEMO_PASSWORD, STRUCTURES, USERS
from cordee.structures.models import CoordinatorScope, Membership, Structure
from cordee.territories.models import Commune
from cordee.users.models import User


class DemoDataError(Exception):
    pass


@dataclass
class DemoReport:
    created: dict = field(default_factory=dict)

    def count(self, label: str, created: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1

    def __str__(self):
        if not self.created:
            return "Données de démonstration déjà à jour : rien à créer."
        return "Créé : " + ", ".join(f"{count} {label}" for label, count in sorted(self.created.items()))


def _commune(code_insee: str) -> Commune:
    try:
        return Commune.objects.get(code_insee=code_insee)
    except Commune.DoesNotExist:
        raise DemoDataError(
            f"La commune {code_insee} est absente : chargez d'abord les territoires "
            "(python manage.py load_territories --wet-run)."
        ) from None


@transaction.atomic
def load_demo(dry_run: bool = False) -> DemoReport:
    """Create what is missing; with dry_run, report what would be created and write nothing."""
    report = DemoReport()
    structures = {}
    for demo in STRUCTURES:
        structure, created = Structure.objects.get_or_create(
            name=demo.name,
            defaults={
                "kind": demo.kind,
                "commune": _commune(demo.code_insee),
                "postal_code": demo.postal_code,
                "address": demo.address,
                "siret": demo.siret,
                "rna": demo.rna,
            },
        )
        structures[demo.key] = structure
        report.count("structures", created)

    for demo in USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = User.objects.create_user(
                demo.email,
                DEMO_PASSWORD,
                first_name=demo.first_name,
                last_name=demo.last_name,
                is_national_admin=demo.national_admin,
            )
            report.count("comptes", True)
        for key, role in demo.memberships:
            _, created = Membership.objects.get_or_create(
                user=user, structure=structures[key], defaults={"role": role}
            )
            report.count("appartenances", created)
        for kind, code in demo.scopes:
            _, created = CoordinatorScope.objects.get_or_create(user=user, territory_kind=kind, territory_code=code)
            report.count("périmètres de coordination", created)
    if dry_run:
        transaction.set_rollback(True)
    return report
