"""Who may manage places, decide their qualification, moderate error reports and edit the référentiel.

Every helper takes the user (or its ``Roles``, see ``cordee.structures.roles``), computed once per request.

- A gestionnaire of the place's structure, a coordinator of its commune, a national admin edit the whole place.
- The médiateurs and conseillers numériques of its structure edit its hours, contact and practical information
  (``validators.PRACTICAL_FIELDS``), not its name, address, identifiers or structure.
- A place is attached only to a structure one manages or coordinates, and located only where one may:
  a coordinator in their territories, a gestionnaire in their structure's département, an admin anywhere.
- A file import follows the same rules (``may_import_place``).
"""

from django.db.models import Q

from cordee.places.models import Place
from cordee.places.validators import INPUT_FIELDS, PRACTICAL_FIELDS
from cordee.structures.enums import MembershipRole
from cordee.structures.perms import can_view_structure
from cordee.structures.roles import PLACE_TEAM_ROLES, roles_of

GESTIONNAIRE = (MembershipRole.GESTIONNAIRE,)
ALL_FIELDS = frozenset(INPUT_FIELDS)


def _commune_of(place):
    return place.commune_ref if place.commune_ref_id else None


def can_edit_place(user, place) -> bool:
    """Edit every field: gestionnaires of the place's structure, coordinators of its commune, national admins."""
    roles = roles_of(user)
    if roles.is_national_admin:
        return True
    if place.structure_id and roles.is_member(place.structure_id, GESTIONNAIRE):
        return True
    return roles.coordinates_commune(_commune_of(place))


def is_team_member_of_place(user, place) -> bool:
    """A médiateur or conseiller numérique of the place's structure."""
    return bool(place.structure_id) and roles_of(user).is_member(place.structure_id, PLACE_TEAM_ROLES)


def editable_fields(user, place) -> frozenset[str]:
    """The fields the person may change on this place (empty: they may not edit it)."""
    if can_edit_place(user, place):
        return ALL_FIELDS
    if is_team_member_of_place(user, place):
        return PRACTICAL_FIELDS
    return frozenset()


def can_manage_place(user, place) -> bool:
    """Whether the person may open the place's management page and edit at least part of it."""
    return bool(editable_fields(user, place))


def can_create_place_for(user, structure) -> bool:
    """Add a place to a structure: its gestionnaires, coordinators of its commune, national admins."""
    return may_attach_structure(user, structure)


def may_attach_structure(user, structure) -> bool:
    """Attach a place to this structure (None: to no structure): a structure one manages or coordinates."""
    roles = roles_of(user)
    if roles.is_national_admin:
        return True
    if structure is None:
        return roles.is_coordinator
    return roles.is_member(structure.pk, GESTIONNAIRE) or roles.coordinates_commune(structure.commune)


def may_locate_place(user, commune, structure=None) -> bool:
    """Place a place (of ``structure``) in ``commune``: a coordinator in their territories, a gestionnaire in
    their structure's département, a national admin anywhere. A place nobody can situate: admins only."""
    roles = roles_of(user)
    if roles.is_national_admin:
        return True
    if commune is None:
        return False
    if roles.coordinates_commune(commune):
        return True
    return (
        structure is not None
        and roles.is_member(structure.pk, GESTIONNAIRE)
        and commune.departement_id == structure.commune.departement_id
    )


def may_import_place(user, existing_place, commune) -> bool:
    """Whether an import by this person may create (``existing_place`` None) or change a place in ``commune``.

    Importers are coordinators and national admins. An import may only create or change places inside the
    importer's territories, and never a place managed by a structure unless the importer may edit it.
    """
    roles = roles_of(user)
    if not (roles.is_national_admin or roles.is_coordinator):
        return False
    if existing_place is not None and not can_edit_place(roles, existing_place):
        return False
    return roles.is_national_admin or roles.coordinates_commune(commune)


def can_view_structure_places(user, structure) -> bool:
    """The list of a structure's places: whoever sees the structure."""
    return can_view_structure(user, structure)


def can_decide_qualification(user, place) -> bool:
    """Qualify or refuse: coordinators of the place's territory and national admins."""
    roles = roles_of(user)
    return roles.is_national_admin or roles.coordinates_commune(_commune_of(place))


def can_moderate_reports(user, place) -> bool:
    """Handle error reports: gestionnaires of the place's structure, coordinators of its territory, admins."""
    return can_edit_place(user, place)


def can_edit_referential(user) -> bool:
    return roles_of(user).is_national_admin


# --- Sets: which places, without a query per row ------------------------------------------------------------


def coordinated_places(user):
    """Places of the communes the user coordinates (all places for a national admin)."""
    roles = roles_of(user)
    if roles.is_national_admin:
        return Place.objects.all()
    if not roles.is_coordinator:
        return Place.objects.none()
    return Place.objects.filter(roles.coordinated_communes_q("commune_ref__"))


def editable_places_q(user) -> Q:
    """A Q selecting the places the person may edit entirely."""
    roles = roles_of(user)
    if roles.is_national_admin:
        return Q()
    condition = Q(pk__in=[])
    gestionnaire_of = roles.structure_ids(*GESTIONNAIRE)
    if gestionnaire_of:
        condition |= Q(structure_id__in=sorted(gestionnaire_of))
    if roles.is_coordinator:
        condition |= roles.coordinated_communes_q("commune_ref__")
    return condition


def managed_places_q(user) -> Q:
    """A Q selecting the places the person may manage (edit entirely, or their practical information)."""
    roles = roles_of(user)
    condition = editable_places_q(roles)
    team_of = roles.structure_ids(*PLACE_TEAM_ROLES)
    if team_of and not roles.is_national_admin:
        condition |= Q(structure_id__in=sorted(team_of))
    return condition


def managed_places(user):
    """Places the person may edit entirely: their structures' (as gestionnaire), their territories', or all."""
    if not roles_of(user).is_authenticated:
        return Place.objects.none()
    return Place.objects.filter(editable_places_q(user))


def manageable_places(user):
    """Places the person may manage, entirely or their practical information (see ``managed_places_q``)."""
    if not roles_of(user).is_authenticated:
        return Place.objects.none()
    return Place.objects.filter(managed_places_q(user))


def editable_place_ids(user, places) -> set[int]:
    """Of these places, the ids the person may edit entirely: one query at most, whatever their number."""
    ids = [place.pk for place in places]
    if not ids:
        return set()
    return set(Place.objects.filter(editable_places_q(user), pk__in=ids).values_list("pk", flat=True))


def manageable_place_ids(user, places) -> set[int]:
    """Of these places, the ids the person may manage: one query at most."""
    ids = [place.pk for place in places]
    if not ids or not roles_of(user).is_authenticated:
        return set()
    return set(Place.objects.filter(managed_places_q(user), pk__in=ids).values_list("pk", flat=True))


# --- What a person may do at all (menus, dashboards) ---------------------------------------------------------


def may_manage_any_place(user) -> bool:
    """Whether the person may edit some place at all: the teams of structures, coordinators, national admins."""
    roles = roles_of(user)
    return (
        roles.is_national_admin or roles.is_coordinator or bool(roles.structure_ids(*GESTIONNAIRE, *PLACE_TEAM_ROLES))
    )


def may_moderate_any_report(user) -> bool:
    """Gestionnaires, coordinators and national admins (the team of a structure updates, it does not moderate)."""
    roles = roles_of(user)
    return roles.is_national_admin or roles.is_coordinator or roles.is_gestionnaire


def may_decide_any_qualification(user) -> bool:
    roles = roles_of(user)
    return roles.is_national_admin or roles.is_coordinator


def may_list_all_places(user) -> bool:
    """The places management list with its filters and export: coordinators (their territories) and admins."""
    return may_decide_any_qualification(user)


def can_import_places(user) -> bool:
    """Import a places file from the web: national admins and coordinators."""
    return may_decide_any_qualification(user)


def visible_imports(user, queryset):
    """The imports a person may follow: all for an admin; for a coordinator, their own and those sent by the
    coordinators of the same territories; for others, their own."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return queryset.none()
    if roles.is_national_admin:
        return queryset
    condition = Q(requested_by_id=roles.user_id)
    for kind, code in roles.scopes:
        condition |= Q(
            requested_by__coordinator_scopes__territory_kind=kind,
            requested_by__coordinator_scopes__territory_code=code,
        )
    return queryset.filter(pk__in=queryset.filter(condition).values("pk"))


def can_see_all_imports(user) -> bool:
    """Admins follow every import; coordinators those of their territories (see ``visible_imports``)."""
    return roles_of(user).is_national_admin


def can_view_import(user, place_import) -> bool:
    return visible_imports(user, type(place_import).objects.filter(pk=place_import.pk)).exists()
