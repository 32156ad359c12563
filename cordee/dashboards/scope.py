"""Which activities a dashboard counts, and who may see it.

A dashboard has a *view* (``Scope``): one mediator's own activities, one structure's, a coordinator's team's, or
a territory's (France, a région, a département, an EPCI, a commune). The filters of ``cordee.dashboards.filters``
only narrow a view; they never widen it, so whatever a person puts in the query string, they see at most their
view.

Who may see what (``check``):

- a mediator's view: the mediator themself, and the national admin;
- a structure's view: its gestionnaires, and the national admin;
- a team's view (``team:<coordinator id>``): that coordinator, and the national admin. It counts the activities
  of each member from the day they accepted the invitation to the day they left the team, both days included
  (an activity of the day someone leaves was most likely done as a member); a mediator who left and came back
  counts for each of their periods (``cordee.structures.teams``);
- a territory's view: the national admin, and a coordinator whose scope holds every commune of the territory
  (a coordinator of the Creuse sees the Creuse, its EPCI and its communes, not the Nouvelle-Aquitaine);
- France: the national admin only.

Territories: activities are placed by their denormalised ``region_code`` / ``departement_code`` (set from the
commune, the place or the structure, so a remote accompaniment still counts in its département), and by their
``commune`` for an EPCI or a commune (``cordee.territories.models.territory_q``, arrondissements included).
"""

from dataclasses import dataclass

from django.db.models import Q

from cordee.core.errors import Invalid, NotAllowed, NotFound
from cordee.core.ids import as_id
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Structure, TeamMembership
from cordee.structures.roles import NOTHING, roles_of
from cordee.territories.enums import TerritoryKind
from cordee.territories.models import Commune, Departement, Epci, Region, territory_q
from cordee.users.models import User

FRANCE = "france"
TERRITORY_MODELS = {
    TerritoryKind.REGION: Region,
    TerritoryKind.DEPARTEMENT: Departement,
    TerritoryKind.EPCI: Epci,
    TerritoryKind.COMMUNE: Commune,
}
TERRITORY_HELP = "france, region:84, departement:23, epci:<SIREN> ou commune:<code INSEE>"


class ScopeKind:
    MEDIATOR = "mediator"
    STRUCTURE = "structure"
    TEAM = "team"
    TERRITORY = "territory"


@dataclass(frozen=True)
class Scope:
    """One dashboard's view: what it counts before any filter."""

    kind: str
    key: str  # user id (own, or the coordinator of a team), structure id, territory ("france", "departement:23"…)
    label: str
    territory_kind: str = ""  # "" for France
    territory_code: str = ""

    @property
    def is_france(self) -> bool:
        return self.kind == ScopeKind.TERRITORY and self.key == FRANCE

    @property
    def is_territory(self) -> bool:
        return self.kind == ScopeKind.TERRITORY

    @property
    def ref(self) -> str:
        """The view as one string: ``mediator:12``, ``structure:3``, or the territory (``departement:23``)."""
        return self.key if self.is_territory else f"{self.kind}:{self.key}"

    def q(self) -> Q:
        """The activities of the view (a Q on Activity)."""
        if self.kind == ScopeKind.MEDIATOR:
            return Q(mediator_id=int(self.key))
        if self.kind == ScopeKind.STRUCTURE:
            return Q(structure_id=int(self.key))
        if self.kind == ScopeKind.TEAM:
            return team_q(int(self.key))
        if self.is_france:
            return Q()
        if self.territory_kind == TerritoryKind.REGION:
            return Q(region_code=self.territory_code)
        if self.territory_kind == TerritoryKind.DEPARTEMENT:
            return Q(departement_code=self.territory_code)
        return territory_q(self.territory_kind, self.territory_code, "commune__")

    def communes_q(self) -> Q:
        """The communes of a territory (a Q on Commune); every commune for France."""
        if self.is_france:
            return Q()
        return territory_q(self.territory_kind, self.territory_code)


def team_q(coordinator_id: int) -> Q:
    """The activities of a coordinator's team: each member's, within each of their periods in the team.

    One (mediator, from, until) range per period, so the database reads each member's activities by its
    (mediator, date) index; nothing when the team has never had a member."""
    periods = (
        TeamMembership.objects.counted()
        .filter(coordinator_id=coordinator_id)
        .order_by("mediator_id", "member_from", "pk")
        .values_list("mediator_id", "member_from", "member_until")
    )
    q = NOTHING
    for mediator_id, start, end in periods:
        period = Q(mediator_id=mediator_id, date__gte=start)
        if end is not None:
            period &= Q(date__lte=end)
        q |= period
    return q


def mediator_scope(user) -> Scope:
    return Scope(ScopeKind.MEDIATOR, str(user.pk), "Mes activités")


def structure_scope(structure) -> Scope:
    return Scope(ScopeKind.STRUCTURE, str(structure.pk), structure.name)


def team_scope(coordinator) -> Scope:
    return Scope(ScopeKind.TEAM, str(coordinator.pk), f"Équipe de {coordinator}")


def territory_scope(text: str) -> Scope:
    """``france``, ``region:84``, ``departement:23``, ``epci:<siren>`` or ``commune:<insee>``; 400 or 404 otherwise."""
    text = (text or "").strip().lower()
    if text == FRANCE:
        return Scope(ScopeKind.TERRITORY, FRANCE, "France")
    kind, _, code = text.partition(":")
    if kind not in TERRITORY_MODELS or not code:
        raise Invalid(
            f"Territoire mal écrit : « {text} ». Écrivez {TERRITORY_HELP}.",
            reason="bad_territory",
            errors={"territory": f"Écrivez {TERRITORY_HELP}."},
        )
    code = code.upper()
    territory = TERRITORY_MODELS[kind].objects.filter(pk=code).first()
    if territory is None:
        raise NotFound(f"Territoire inconnu : {kind} {code}.", reason="unknown_territory")
    label = str(territory)
    if kind == TerritoryKind.EPCI:
        label = f"{territory.name}"
    elif kind == TerritoryKind.COMMUNE:
        label = f"{territory.name} ({territory.code_insee})"
    return Scope(ScopeKind.TERRITORY, f"{kind}:{code}", label, territory_kind=kind, territory_code=code)


def scope_from_ref(ref: str) -> Scope:
    """The view written by ``Scope.ref``; ``NotFound`` for a structure or a person that no longer exists."""
    kind, _, text = ref.partition(":")
    key = as_id(text)
    if kind in (ScopeKind.MEDIATOR, ScopeKind.STRUCTURE, ScopeKind.TEAM) and key is None:
        raise NotFound()
    if kind == ScopeKind.MEDIATOR:
        user = User.objects.filter(pk=key).first()
        if user is None:
            raise NotFound()
        return mediator_scope(user)
    if kind == ScopeKind.STRUCTURE:
        structure = Structure.objects.filter(pk=key).first()
        if structure is None:
            raise NotFound()
        return structure_scope(structure)
    if kind == ScopeKind.TEAM:
        coordinator = User.objects.filter(pk=key).first()
        if coordinator is None:
            raise NotFound()
        return team_scope(coordinator)
    return territory_scope(ref)


def may_see(user, scope: Scope) -> bool:
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    if roles.is_national_admin:
        return True
    if scope.kind == ScopeKind.MEDIATOR:
        return scope.key == str(roles.user_id)
    if scope.kind == ScopeKind.STRUCTURE:
        return int(scope.key) in roles.structure_ids(MembershipRole.GESTIONNAIRE)
    if scope.kind == ScopeKind.TEAM:
        return roles.is_coordinator and scope.key == str(roles.user_id)
    if scope.is_france or not roles.is_coordinator:
        return False
    return coordinator_covers(roles, scope)


def coordinator_covers(roles, scope: Scope) -> bool:
    """Whether the territory lies inside the coordinator's scopes: a région only by itself, a département by
    itself or its région, an EPCI or a commune when every one of its communes is in the scopes."""
    if (scope.territory_kind, scope.territory_code) in set(roles.scopes):
        return True
    if scope.territory_kind == TerritoryKind.REGION:
        return False
    if scope.territory_kind == TerritoryKind.DEPARTEMENT:
        region = Departement.objects.filter(pk=scope.territory_code).values_list("region_id", flat=True).first()
        return (TerritoryKind.REGION, region) in set(roles.scopes)
    communes = Commune.objects.filter(scope.communes_q())
    return communes.exists() and not communes.exclude(roles.coordinated_communes_q()).exists()


def check(user, scope: Scope) -> Scope:
    """The scope if ``user`` may see it; ``NotAllowed`` (403) otherwise."""
    if not may_see(user, scope):
        raise NotAllowed("Vous n'avez pas accès aux statistiques de ce périmètre.", reason="out_of_scope")
    return scope


def visible_scopes(user) -> list[Scope]:
    """The views a person may open, for the index page: their own, their structures', their team's, their
    territories'."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return []
    scopes = [mediator_scope(user)]
    managed = roles.structure_ids(MembershipRole.GESTIONNAIRE)
    scopes += [structure_scope(s) for s in Structure.objects.filter(pk__in=managed).order_by("name", "pk")]
    if roles.is_coordinator:
        scopes.append(team_scope(user))
    if roles.is_national_admin:
        scopes.append(territory_scope(FRANCE))
    for kind, code in roles.scopes:
        try:
            scopes.append(territory_scope(f"{kind}:{code}"))
        except NotFound:
            continue
    return scopes
