import factory

from cordee.structures.enums import MembershipRole, StructureKind
from cordee.structures.models import CoordinatorScope, Membership, Structure
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


class CoordinatorScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatorScope

    user = factory.SubFactory(UserFactory)
    territory_kind = TerritoryKind.DEPARTEMENT
    territory_code = "23"
