"""The kinds of user that views, API endpoints and permissions are tested against: one vocabulary for the suite.

Every kind is relative to one structure, by default a new one in Guéret (Creuse, département 23); pass the
structure of the test (a fixture with a gestionnaire and a médiateur, say) to reuse its members. A new role or a
new kind of person (a beneficiary's referent, a funder…) is added here once, then appears in every access matrix
that uses ``USER_KINDS`` — and each matrix must say what that kind may do.

    user = make_user("coordinator_in_scope", structure)
    login_as(client, "gestionnaire", structure)   # returns the user, None for "anonymous"
    expect(302, 200, ...)                         # a matrix row: one status per kind of USER_KINDS

The fixture ``login_as`` of tests/conftest.py wraps the last two for the test's client.
"""

from cordee.structures.enums import MembershipRole
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

# Kind → what the person is, relative to the structure.
KINDS = {
    "anonymous": "personne non connectée",
    "no_role": "compte sans structure ni territoire",
    "member": "médiateur de la structure",
    "conseiller_numerique": "conseiller numérique de la structure",
    "aiguilleur": "aiguilleur de la structure",
    "gestionnaire": "gestionnaire de la structure",
    "member_elsewhere": "gestionnaire d'une autre structure (Marseille)",
    "coordinator_in_scope": "coordinateur du département de la structure (Creuse)",
    "coordinator_out_of_scope": "coordinateur d'un autre département (Nord)",
    "national_admin": "administrateur national",
}

# The columns of the access matrices of the web pages, in this order.
USER_KINDS = [
    "anonymous",
    "member",
    "gestionnaire",
    "member_elsewhere",
    "coordinator_in_scope",
    "coordinator_out_of_scope",
    "national_admin",
]

MEMBER_ROLES = {
    "member": MembershipRole.MEDIATEUR,
    "conseiller_numerique": MembershipRole.CONSEILLER_NUMERIQUE,
    "aiguilleur": MembershipRole.AIGUILLEUR,
    "gestionnaire": MembershipRole.GESTIONNAIRE,
}


def make_user(kind, structure=None):
    """A user of the given kind relative to ``structure`` (None for "anonymous").

    A member kind reuses the structure's first active member with that role, or adds one."""
    if kind not in KINDS:
        raise ValueError(f"Type d'utilisateur inconnu : {kind!r} (connus : {', '.join(KINDS)})")
    if kind == "anonymous":
        return None
    if kind == "no_role":
        return UserFactory()
    if kind in MEMBER_ROLES:
        role = MEMBER_ROLES[kind]
        if structure is None:
            structure = StructureFactory()
        existing = structure.memberships.filter(role=role, is_active=True).order_by("pk").first()
        return existing.user if existing else MembershipFactory(structure=structure, role=role).user
    if kind == "member_elsewhere":
        return MembershipFactory(structure=StructureFactory(in_marseille=True), gestionnaire=True).user
    if kind == "coordinator_in_scope":
        return CoordinatorScopeFactory().user  # département 23
    if kind == "coordinator_out_of_scope":
        return CoordinatorScopeFactory(nord=True).user
    return UserFactory(national_admin=True)


def login_as(client, kind, structure=None):
    """Sign ``client`` in as a user of that kind (nobody for "anonymous") and return the user."""
    user = make_user(kind, structure)
    if user is not None:
        client.force_login(user)
    return user


def expect(*statuses, kinds=USER_KINDS):
    """One row of an access matrix: the expected status for each kind, in the order of ``kinds``."""
    return dict(zip(kinds, statuses, strict=True))


# --- Pass numérique: kinds relative to a funder's order (tests/pass_numerique/factories.py ``build_world``) -----

PASS_KIND_LABELS = {
    "anonymous": "personne non connectée",
    "funder": "gestionnaire de la structure qui finance la commande",
    "holding_aiguilleur": "aiguilleur de la structure qui détient le carnet",
    "other_aiguilleur": "aiguilleur d'une autre structure (sans carnet de cette commande)",
    "accepting_place_member": "médiateur de la structure d'un lieu qui accepte le pass",
    "other_place_member": "médiateur de la structure d'un autre lieu (qui ne l'accepte pas)",
    "coordinator_in_scope": "coordinateur du département de la commande (Creuse)",
    "coordinator_out_of_scope": "coordinateur d'un autre département (Nord)",
    "national_admin": "administrateur national",
}
# The columns of the Pass numérique access matrices, in this order.
PASS_KINDS = list(PASS_KIND_LABELS)
PASS_WORLD_ATTRIBUTES = {
    "funder": "funder_manager",
    "holding_aiguilleur": "aiguilleur",
    "other_aiguilleur": "other_aiguilleur",
    "accepting_place_member": "mediateur",
    "other_place_member": "other_mediateur",
}


def make_pass_user(kind, world):
    """A user of a Pass numérique kind, relative to ``world`` (a ``build_world()``); None for "anonymous"."""
    if kind not in PASS_KIND_LABELS:
        raise ValueError(f"Type d'utilisateur inconnu : {kind!r} (connus : {', '.join(PASS_KINDS)})")
    if kind in PASS_WORLD_ATTRIBUTES:
        return getattr(world, PASS_WORLD_ATTRIBUTES[kind])
    return make_user(kind)


def expect_pass(*statuses):
    """One row of a Pass numérique access matrix: the expected status for each kind of ``PASS_KINDS``."""
    return expect(*statuses, kinds=PASS_KINDS)
