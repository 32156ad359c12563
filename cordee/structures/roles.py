"""What a person is, computed once per request: memberships, coordinator scopes, national admin.

The web layer attaches a lazy ``Roles`` to ``request.user`` (``attach_roles``, called by a middleware, and by
the API once it knows the user); ``roles_of(user)`` reads it, or computes it afresh for a user without one
(commands, tasks, tests). The permission helpers (``cordee.<app>.perms``) take the user and read its roles,
so a page asking twenty questions about one person makes two queries, not forty.

The structure a person acts for: a person in several structures chooses one (remembered in the session by
the web layer, ``structure_id`` in API writes). ``Roles.acting_structure_id`` holds that choice when it is
still one of their structures, else their only structure, else None.
"""

from contextlib import suppress
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.functional import SimpleLazyObject

from cordee.structures.enums import MembershipRole
from cordee.structures.models import CoordinatorScope, Membership
from cordee.territories.models import commune_in_territory, territories_q

NOTHING = Q(pk__in=[])
KIND_LABELS = {"national_admin": "Administrateur national", "coordinator": "Coordinateur territorial"}
# Who acts on a structure's places: managers fully, the team for the practical information.
PLACE_TEAM_ROLES = frozenset({MembershipRole.MEDIATEUR, MembershipRole.CONSEILLER_NUMERIQUE})


@dataclass(frozen=True)
class Roles:
    """A person's roles. Build it with ``roles_of``; an anonymous visitor has empty roles."""

    user_id: int | None = None
    is_national_admin: bool = False
    scopes: tuple[tuple[str, str], ...] = ()
    # structure id → membership role (active memberships only)
    memberships: dict[int, str] = field(default_factory=dict)
    chosen_structure_id: int | None = None

    # --- kinds ---

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_coordinator(self) -> bool:
        return bool(self.scopes)

    def structure_ids(self, *roles: str) -> frozenset[int]:
        """Structures where the person has one of ``roles`` (any role when none is given)."""
        return frozenset(pk for pk, role in self.memberships.items() if not roles or role in roles)

    @property
    def structures_by_role(self) -> dict[str, frozenset[int]]:
        return {role: self.structure_ids(role) for role in set(self.memberships.values())}

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
        """Machine names of the person's kinds, most powerful first."""
        kinds = []
        if self.is_national_admin:
            kinds.append("national_admin")
        if self.is_coordinator:
            kinds.append("coordinator")
        kinds.extend(role.value for role in MembershipRole if self.structure_ids(role))
        return kinds

    @property
    def labels(self) -> list[str]:
        labels = {**KIND_LABELS, **{role.value: role.label for role in MembershipRole}}
        return [labels[kind] for kind in self.kinds]

    @property
    def is_empty(self) -> bool:
        return not self.kinds

    # --- structures ---

    def role_in(self, structure_id) -> str | None:
        return self.memberships.get(structure_id) if structure_id else None

    def is_member(self, structure_id, roles=None) -> bool:
        role = self.role_in(structure_id)
        return role is not None and (roles is None or role in roles)

    @property
    def acting_structure_id(self) -> int | None:
        """The structure the person acts for: their choice if still theirs, else their only structure."""
        if self.chosen_structure_id in self.memberships:
            return self.chosen_structure_id
        if len(self.memberships) == 1:
            return next(iter(self.memberships))
        return None

    @property
    def has_several_structures(self) -> bool:
        return len(self.memberships) > 1

    # --- territories ---

    def coordinates_commune(self, commune) -> bool:
        return any(commune_in_territory(commune, kind, code) for kind, code in self.scopes)

    def coordinated_communes_q(self, prefix: str = "") -> Q:
        """A Q selecting the communes the person coordinates (nothing if none)."""
        return territories_q(self.scopes, prefix) if self.scopes else NOTHING


ANONYMOUS = Roles()


def _is_authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def compute_roles(user, chosen_structure_id=None) -> Roles:
    """Two queries: the active memberships and the coordinator scopes."""
    if not _is_authenticated(user):
        return ANONYMOUS
    memberships = dict(Membership.objects.active().filter(user=user).values_list("structure_id", "role"))
    scopes = tuple(
        CoordinatorScope.objects.filter(user=user)
        .order_by("territory_kind", "territory_code")
        .values_list("territory_kind", "territory_code")
    )
    return Roles(
        user_id=user.pk,
        is_national_admin=bool(user.is_national_admin),
        scopes=scopes,
        memberships=memberships,
        chosen_structure_id=chosen_structure_id,
    )


def attach_roles(user, chosen_structure_id=None):
    """Give ``user`` a lazy ``roles`` attribute for the rest of the request; returns the user."""
    if _is_authenticated(user) and getattr(user, "roles", None) is None:
        user.roles = SimpleLazyObject(lambda: compute_roles(user, chosen_structure_id))
    return user


def forget_roles(user) -> None:
    """After a change of the person's own memberships in this request: their roles are computed again."""
    with suppress(AttributeError):
        del user.roles  # also through request.user's lazy wrapper


def roles_of(user) -> Roles:
    """The person's roles: those attached for the request, else computed now (not kept)."""
    if isinstance(user, Roles):
        return user
    if not _is_authenticated(user):
        return ANONYMOUS
    attached = getattr(user, "roles", None)
    if attached is not None:
        return attached
    return compute_roles(user)
