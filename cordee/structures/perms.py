"""Who may see and do what on structures. Used by the web pages and the API alike.

A user's kinds come from three sources: the `is_national_admin` flag, coordinator scopes (territories)
and memberships (a role in each structure).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from cordee.structures.enums import MembershipRole
from cordee.structures.models import CoordinatorScope, Membership, Structure
from cordee.territories.enums import TerritoryKind
from cordee.territories.models import territory_q

NOTHING = Q(pk__in=[])


def _is_authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_national_admin(user) -> bool:
    return _is_authenticated(user) and bool(user.is_national_admin)


def _scopes(user) -> list[tuple[str, str]]:
    """The user's coordinator scopes as (kind, code) pairs, cached on the user object for one request."""
    if not _is_authenticated(user):
        return []
    cached = getattr(user, "_cordee_scopes", None)
    if cached is None:
        cached = list(CoordinatorScope.objects.filter(user=user).values_list("territory_kind", "territory_code"))
        user._cordee_scopes = cached
    return cached


def coordinated_communes_q(user, prefix: str = "") -> Q:
    """A Q selecting the communes a user coordinates (nothing if they coordinate none)."""
    query = NOTHING
    for kind, code in _scopes(user):
        query |= territory_q(kind, code, prefix)
    return query


def _commune_in_territory(commune, kind: str, code: str) -> bool:
    if kind == TerritoryKind.REGION:
        return commune.departement.region_id == code
    if kind == TerritoryKind.DEPARTEMENT:
        return commune.departement_id == code
    if kind == TerritoryKind.EPCI:
        return commune.epci_id == code
    if kind == TerritoryKind.COMMUNE:
        return code in (commune.code_insee, commune.parent_id)
    return False


def is_coordinator(user) -> bool:
    return bool(_scopes(user))


def is_coordinator_of_commune(user, commune) -> bool:
    if commune is None:
        return False
    return any(_commune_in_territory(commune, kind, code) for kind, code in _scopes(user))


def membership_of(user, structure) -> Membership | None:
    if not _is_authenticated(user) or structure is None:
        return None
    return Membership.objects.active().filter(user=user, structure=structure).first()


def is_member(user, structure, roles=None) -> bool:
    """Active member of the structure, optionally with one of `roles`."""
    membership = membership_of(user, structure)
    if membership is None:
        return False
    return roles is None or membership.role in roles


def can_manage_structure(user, structure) -> bool:
    """Edit the structure and its members: its gestionnaires, and national admins."""
    return is_national_admin(user) or is_member(user, structure, roles=[MembershipRole.GESTIONNAIRE])


def can_view_structure(user, structure) -> bool:
    """See the structure's page and members: members, coordinators of its territory, national admins."""
    if not _is_authenticated(user):
        return False
    return is_national_admin(user) or is_member(user, structure) or is_coordinator_of_commune(user, structure.commune)


def visible_structures(user):
    """Every structure the user may see (see can_view_structure)."""
    if not _is_authenticated(user):
        return Structure.objects.none()
    if is_national_admin(user):
        return Structure.objects.all()
    member_of = Q(memberships__user=user, memberships__is_active=True)
    return Structure.objects.filter(
        Q(pk__in=Structure.objects.filter(member_of).values("pk")) | coordinated_communes_q(user, "commune__")
    )


@dataclass(frozen=True)
class UserRoles:
    """A summary of what a user is, for the per-role dashboards and menus."""

    is_national_admin: bool = False
    is_coordinator: bool = False
    scopes: tuple[tuple[str, str], ...] = ()
    # structure ids per membership role
    structures_by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    def structure_ids(self, role: str) -> frozenset[int]:
        return self.structures_by_role.get(role, frozenset())

    @property
    def is_gestionnaire(self) -> bool:
        return bool(self.structure_ids(MembershipRole.GESTIONNAIRE))

    @property
    def is_mediateur(self) -> bool:
        return bool(self.structure_ids(MembershipRole.MEDIATEUR))

    @property
    def is_conseiller_numerique(self) -> bool:
        return bool(self.structure_ids(MembershipRole.CONSEILLER_NUMERIQUE))

    @property
    def is_aiguilleur(self) -> bool:
        return bool(self.structure_ids(MembershipRole.AIGUILLEUR))

    @property
    def kinds(self) -> list[str]:
        """Machine names of the user's kinds, most powerful first."""
        kinds = []
        if self.is_national_admin:
            kinds.append("national_admin")
        if self.is_coordinator:
            kinds.append("coordinator")
        kinds.extend(role.value for role in MembershipRole if self.structure_ids(role))
        return kinds

    @property
    def labels(self) -> list[str]:
        labels = {"national_admin": "Administrateur national", "coordinator": "Coordinateur territorial"}
        labels.update({role.value: role.label for role in MembershipRole})
        return [labels[kind] for kind in self.kinds]

    @property
    def is_empty(self) -> bool:
        return not self.kinds


def user_roles(user) -> UserRoles:
    if not _is_authenticated(user):
        return UserRoles()
    by_role: dict[str, set[int]] = {}
    for role, structure_id in Membership.objects.active().filter(user=user).values_list("role", "structure_id"):
        by_role.setdefault(role, set()).add(structure_id)
    scopes = tuple(_scopes(user))
    return UserRoles(
        is_national_admin=bool(user.is_national_admin),
        is_coordinator=bool(scopes),
        scopes=scopes,
        structures_by_role={role: frozenset(ids) for role, ids in by_role.items()},
    )
