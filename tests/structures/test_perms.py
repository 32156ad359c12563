import pytest

from cordee.structures import perms
from cordee.structures.enums import MembershipRole
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gueret_structure():
    return StructureFactory()


@pytest.fixture
def marseille_structure():
    return StructureFactory(in_marseille=True)


def test_anonymous_has_no_rights(gueret_structure):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not perms.is_member(anonymous, gueret_structure)
    assert not perms.can_view_structure(anonymous, gueret_structure)
    assert not perms.can_manage_structure(anonymous, gueret_structure)
    assert not perms.visible_structures(anonymous).exists()
    assert perms.user_roles(anonymous).is_empty


def test_member_roles(gueret_structure):
    membership = MembershipFactory(structure=gueret_structure)
    user = membership.user
    assert perms.is_member(user, gueret_structure)
    assert perms.is_member(user, gueret_structure, roles=[MembershipRole.MEDIATEUR])
    assert not perms.is_member(user, gueret_structure, roles=[MembershipRole.GESTIONNAIRE])
    assert perms.can_view_structure(user, gueret_structure)
    assert not perms.can_manage_structure(user, gueret_structure)


def test_gestionnaire_manages_only_own_structure(gueret_structure, marseille_structure):
    user = MembershipFactory(structure=gueret_structure, gestionnaire=True).user
    assert perms.can_manage_structure(user, gueret_structure)
    assert not perms.can_manage_structure(user, marseille_structure)
    assert not perms.can_view_structure(user, marseille_structure)
    assert list(perms.visible_structures(user)) == [gueret_structure]


def test_inactive_membership_gives_nothing(gueret_structure):
    user = MembershipFactory(structure=gueret_structure, gestionnaire=True, inactive=True).user
    assert not perms.is_member(user, gueret_structure)
    assert not perms.can_manage_structure(user, gueret_structure)
    assert not perms.can_view_structure(user, gueret_structure)


def test_inactive_user_has_no_rights(gueret_structure):
    user = UserFactory(inactive=True, national_admin=True)
    assert not perms.can_view_structure(user, gueret_structure)


def test_national_admin(gueret_structure, marseille_structure):
    admin = UserFactory(national_admin=True)
    assert perms.can_manage_structure(admin, gueret_structure)
    assert perms.can_view_structure(admin, marseille_structure)
    assert set(perms.visible_structures(admin)) == {gueret_structure, marseille_structure}
    assert perms.user_roles(admin).kinds == ["national_admin"]


@pytest.mark.parametrize(
    "traits,covers_gueret",
    [
        ({}, True),  # département 23
        ({"region": True}, True),
        ({"epci": True}, True),
        ({"commune": True}, True),
        ({"nord": True}, False),
        ({"marseille": True}, False),
    ],
)
def test_coordinator_scope(gueret_structure, traits, covers_gueret):
    user = CoordinatorScopeFactory(**traits).user
    assert perms.is_coordinator(user)
    assert perms.is_coordinator_of_commune(user, gueret_structure.commune) is covers_gueret
    assert perms.can_view_structure(user, gueret_structure) is covers_gueret
    assert not perms.can_manage_structure(user, gueret_structure)
    assert perms.visible_structures(user).filter(pk=gueret_structure.pk).exists() is covers_gueret


def test_commune_scope_covers_arrondissements():
    marseille = CommuneFactory(marseille=True)
    arrondissement = CommuneFactory(
        code_insee="13201",
        name="Marseille 1er Arrondissement",
        kind="ARM",
        parent=marseille,
        departement=marseille.departement,
        epci=marseille.epci,
    )
    user = CoordinatorScopeFactory(marseille=True).user
    assert perms.is_coordinator_of_commune(user, arrondissement)
    from cordee.territories.models import Commune

    assert set(Commune.objects.filter(perms.coordinated_communes_q(user))) == {marseille, arrondissement}


def test_coordinated_communes_q_without_scope_selects_nothing():
    from cordee.territories.models import Commune

    CommuneFactory()
    user = UserFactory()
    assert not Commune.objects.filter(perms.coordinated_communes_q(user)).exists()
    assert not perms.is_coordinator_of_commune(user, None)


def test_visible_structures_has_no_duplicates(gueret_structure):
    user = MembershipFactory(structure=gueret_structure).user
    CoordinatorScopeFactory(user=user)
    CoordinatorScopeFactory(user=user, region=True)
    assert list(perms.visible_structures(user)) == [gueret_structure]


def test_user_roles_summary(gueret_structure, marseille_structure):
    user = MembershipFactory(structure=gueret_structure, gestionnaire=True).user
    MembershipFactory(user=user, structure=marseille_structure, conseiller_numerique=True)
    CoordinatorScopeFactory(user=user)
    roles = perms.user_roles(user)
    assert roles.kinds == ["coordinator", "gestionnaire", "conseiller_numerique"]
    assert roles.labels == ["Coordinateur territorial", "Gestionnaire de structure", "Conseiller numérique"]
    assert roles.is_gestionnaire and roles.is_conseiller_numerique and roles.is_coordinator
    assert not roles.is_mediateur and not roles.is_aiguilleur and not roles.is_national_admin
    assert roles.structure_ids(MembershipRole.GESTIONNAIRE) == {gueret_structure.pk}
    assert roles.scopes == (("departement", "23"),)
