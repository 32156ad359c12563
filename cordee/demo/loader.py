"""Create (or bring up to date) the demo dataset. Running it twice changes nothing."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cordee.aggregation.importing.importer import default_source_name, import_file
from cordee.demo.activities import load_demo_activities
from cordee.demo.dataset import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, PLACES, STRUCTURES, TEAMS, USERS
from cordee.demo.diagnostics import load_demo_diagnostics
from cordee.demo.pass_numerique import load_demo_pass_numerique
from cordee.demo.referrals import load_demo_referrals
from cordee.places.enums import CoordinatesPrecision, QualificationState
from cordee.places.models import Place
from cordee.structures.enums import TeamMemberState
from cordee.structures.models import CoordinatorScope, Membership, Structure, TeamMembership
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
    _load_teams(report)
    for demo in PLACES:
        structure = structures[demo.structure_key]
        commune = structure.commune
        _, created = Place.objects.get_or_create(
            source_name=DEMO_PLACES_SOURCE,
            source_id=demo.structure_key,
            defaults={
                "name": demo.name,
                "structure": structure,
                "address": structure.address,
                "postal_code": structure.postal_code,
                "code_insee": commune.code_insee,
                "commune_name": commune.parent.name if commune.parent_id else commune.name,
                "commune_ref": commune,
                "latitude": commune.latitude + demo.offset[0],
                "longitude": commune.longitude + demo.offset[1],
                "coordinates_precision": CoordinatesPrecision.ADDRESS,
                "opening_hours": demo.opening_hours,
                "services": list(demo.services),
                "support_modes": list(demo.support_modes),
                "fees": list(demo.fees),
                "access_modes": ["Se présenter", "Téléphoner"] if demo.phone else ["Se présenter"],
                "phones": [demo.phone] if demo.phone else [],
                "summary": demo.summary,
                "accepts_pass_numerique": demo.pass_numerique,
                "qualification_state": (
                    QualificationState.QUALIFIED if demo.qualified else QualificationState.NOT_REQUESTED
                ),
                "pivot": structure.siret or structure.rna,
            },
        )
        report.count("lieux des structures de démonstration", created)
    load_demo_diagnostics(report)
    load_demo_referrals(report)
    load_demo_activities(report)
    load_demo_pass_numerique(report)
    if dry_run:
        transaction.set_rollback(True)
    return report


def _load_teams(report: DemoReport) -> None:
    """The demo coordinators' teams: members for some time, and an invitation waiting for an answer."""
    today = timezone.localdate()
    users = {user.email: user for user in User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")}
    for coordinator_key, mediator_key, days in TEAMS:
        coordinator = users[f"{coordinator_key}@{DEMO_EMAIL_DOMAIN}"]
        mediator = users[f"{mediator_key}@{DEMO_EMAIL_DOMAIN}"]
        if TeamMembership.objects.filter(coordinator=coordinator, mediator=mediator).exists():
            continue
        if days is None:
            TeamMembership.objects.create(coordinator=coordinator, mediator=mediator)
        else:
            TeamMembership.objects.create(
                coordinator=coordinator,
                mediator=mediator,
                state=TeamMemberState.ACCEPTED,
                answered_at=timezone.now() - dt.timedelta(days=days),
                member_from=today - dt.timedelta(days=days),
            )
        report.count("membres d'équipes de coordinateurs", True)


DEMO_PLACES_SOURCE = "cordee-demo"
UNIQUE_ID_LENGTH = 12
REAL_PLACES_DIR = Path(__file__).resolve().parent / "data" / "lieux"


def real_places_files() -> list[Path]:
    """The shipped real files, oldest export of a source first so that the newest one wins."""
    return sorted(REAL_PLACES_DIR.glob("*.json.gz"))


def load_real_places(progress=None) -> list:
    """Import the shipped real places files. A source already present is left as it is; a source with
    several exports (Hub du Sud v0.1 then v1) gets them all, oldest first, so that the newest wins.

    The same place must not be loaded twice: an aggregate (data·inclusion) repeats the conseillers
    numériques permanences under ``conseiller-numerique:X`` while their own file has them as ``X``. A row
    whose identifier (without its ``source:`` prefix) is already loaded from another source is left out;
    only identifiers long enough to be unique (UUIDs, object ids: ``UNIQUE_ID_LENGTH``), not counters such
    as ``1003`` that unrelated sources share.
    """
    by_source = {}
    for path in real_places_files():
        by_source.setdefault(default_source_name(path), []).append(path)
    reports = []
    for source_name, paths in by_source.items():
        if Place.objects.filter(source_name=source_name).exists():
            continue
        loaded = set(
            Place.objects.exclude(source_name__in=[source_name, DEMO_PLACES_SOURCE]).values_list(
                "source_id", flat=True
            )
        )
        loaded = {source_id.split(":", 1)[-1] for source_id in loaded}
        loaded = {source_id for source_id in loaded if len(source_id) >= UNIQUE_ID_LENGTH}

        def already_loaded(source_id, loaded=loaded):
            return source_id.split(":", 1)[-1] in loaded

        reports.extend(import_file(path, source_name, progress=progress, skip=already_loaded) for path in paths)
    return reports
