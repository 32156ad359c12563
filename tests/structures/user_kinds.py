"""The kinds of user every private view is tested against, relative to one structure in Guéret (Creuse).

The structure must have one gestionnaire and one médiateur (the ``structure`` fixtures of the view tests).
"""

from cordee.structures.enums import MembershipRole
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

USER_KINDS = [
    "anonymous",
    "member",
    "gestionnaire",
    "member_elsewhere",
    "coordinator_in_scope",
    "coordinator_out_of_scope",
    "national_admin",
]


def make_user(kind, structure):
    """A user of the given kind, relative to ``structure`` (None for anonymous)."""
    if kind == "anonymous":
        return None
    if kind == "member":
        return structure.memberships.get(role=MembershipRole.MEDIATEUR).user
    if kind == "gestionnaire":
        return structure.memberships.get(role=MembershipRole.GESTIONNAIRE).user
    if kind == "member_elsewhere":
        return MembershipFactory(structure=StructureFactory(in_marseille=True), gestionnaire=True).user
    if kind == "coordinator_in_scope":
        return CoordinatorScopeFactory().user  # département 23
    if kind == "coordinator_out_of_scope":
        return CoordinatorScopeFactory(nord=True).user
    if kind == "national_admin":
        return UserFactory(national_admin=True)
    raise ValueError(kind)


def login_as(client, kind, structure):
    user = make_user(kind, structure)
    if user is not None:
        client.force_login(user)
    return user
