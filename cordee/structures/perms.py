"""Who may see and do what on structures. Used by the web pages and the API alike.

A person's kinds come from three sources: the `is_national_admin` flag, coordinator scopes (territories)
and memberships (a role in each structure). They are computed once per request (``cordee.structures.roles``);
every helper here takes the user (or its ``Roles``) and reads them.
"""

from django.db.models import Q

from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership, Structure
from cordee.structures.roles import NOTHING, Roles, roles_of

__all__ = ["NOTHING", "Roles", "UserRoles", "roles_of", "user_roles"]

# Older names of the same things.
UserRoles = Roles
user_roles = roles_of


def is_national_admin(user) -> bool:
    return roles_of(user).is_national_admin


def is_coordinator(user) -> bool:
    return roles_of(user).is_coordinator


def coordinated_communes_q(user, prefix: str = "") -> Q:
    """A Q selecting the communes a user coordinates (nothing if they coordinate none)."""
    return roles_of(user).coordinated_communes_q(prefix)


def is_coordinator_of_commune(user, commune) -> bool:
    return roles_of(user).coordinates_commune(commune)


def membership_of(user, structure) -> Membership | None:
    roles = roles_of(user)
    if structure is None or not roles.is_member(structure.pk):
        return None
    return Membership.objects.active().filter(user_id=roles.user_id, structure=structure).first()


def is_member(user, structure, roles=None) -> bool:
    """Active member of the structure, optionally with one of `roles`."""
    return structure is not None and roles_of(user).is_member(structure.pk, roles)


def can_manage_structure(user, structure) -> bool:
    """Edit the structure and its members: its gestionnaires, and national admins."""
    return is_national_admin(user) or is_member(user, structure, roles=[MembershipRole.GESTIONNAIRE])


def can_coordinate_structure(user, structure) -> bool:
    """Coordinators of the structure's commune and national admins."""
    roles = roles_of(user)
    return roles.is_national_admin or roles.coordinates_commune(structure.commune)


def can_view_structure(user, structure) -> bool:
    """See the structure's page and members: members, coordinators of its territory, national admins."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    return roles.is_national_admin or roles.is_member(structure.pk) or roles.coordinates_commune(structure.commune)


def visible_structures(user):
    """Every structure the user may see (see can_view_structure)."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return Structure.objects.none()
    if roles.is_national_admin:
        return Structure.objects.all()
    return Structure.objects.filter(Q(pk__in=roles.structure_ids()) | roles.coordinated_communes_q("commune__"))


def acting_structures(user):
    """The structures the person may act for (their active memberships), by name."""
    return Structure.objects.filter(pk__in=roles_of(user).structure_ids()).order_by("name", "pk")
