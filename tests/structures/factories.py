import datetime

import factory
from django.utils import timezone

from cordee.structures.enums import MembershipRole, StructureKind, TeamMemberState
from cordee.structures.models import CoordinatorScope, Invitation, Membership, Structure, TeamMembership
from cordee.territories.enums import TerritoryKind
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Espace numérique {n}")
    siret = ""
    kind = StructureKind.ASSOCIATION
    address = "1 place Bonnyaud"
    postal_code = "23000"
    commune = factory.SubFactory(CommuneFactory)

    class Params:
        with_siret = factory.Trait(siret="13002526500013")
        with_rna = factory.Trait(rna="W751234567")
        in_marseille = factory.Trait(commune=factory.SubFactory(CommuneFactory, marseille=True), postal_code="13001")
        in_lille = factory.Trait(commune=factory.SubFactory(CommuneFactory, lille=True), postal_code="59000")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = MembershipRole.MEDIATEUR

    class Params:
        gestionnaire = factory.Trait(role=MembershipRole.GESTIONNAIRE)
        aiguilleur = factory.Trait(role=MembershipRole.AIGUILLEUR)
        conseiller_numerique = factory.Trait(role=MembershipRole.CONSEILLER_NUMERIQUE)
        inactive = factory.Trait(is_active=False)


class CoordinatorScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatorScope

    user = factory.SubFactory(UserFactory)
    territory_kind = TerritoryKind.DEPARTEMENT
    territory_code = "23"

    class Params:
        region = factory.Trait(territory_kind=TerritoryKind.REGION, territory_code="75")
        epci = factory.Trait(territory_kind=TerritoryKind.EPCI, territory_code="200067213")
        commune = factory.Trait(territory_kind=TerritoryKind.COMMUNE, territory_code="23096")
        marseille = factory.Trait(territory_kind=TerritoryKind.COMMUNE, territory_code="13055")
        nord = factory.Trait(territory_kind=TerritoryKind.DEPARTEMENT, territory_code="59")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    structure = factory.SubFactory(StructureFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@exemple.fr")
    role = MembershipRole.MEDIATEUR
    invited_by = None

    class Params:
        gestionnaire = factory.Trait(role=MembershipRole.GESTIONNAIRE)
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    """A mediator in a coordinator's team; by default a member since 1 January 2025."""

    class Meta:
        model = TeamMembership

    coordinator = factory.LazyFunction(lambda: CoordinatorScopeFactory().user)
    mediator = factory.LazyFunction(lambda: MembershipFactory().user)
    state = TeamMemberState.ACCEPTED
    member_from = datetime.date(2025, 1, 1)

    class Params:
        invited = factory.Trait(state=TeamMemberState.INVITED, member_from=None)
        removed = factory.Trait(state=TeamMemberState.REMOVED, member_until=datetime.date(2025, 6, 30))
