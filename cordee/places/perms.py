"""Who may manage places, decide their qualification, moderate error reports and edit the référentiel.

Built on ``cordee.structures.perms``: a gestionnaire acts on the places of their structures, a coordinator
on the places of the communes of their territories, a national admin everywhere.
"""

from django.db.models import Q

from cordee.places.models import Place
from cordee.structures import perms as structure_perms
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership

GESTIONNAIRE = [MembershipRole.GESTIONNAIRE]


def _is_gestionnaire_of_place(user, place) -> bool:
    return bool(place.structure_id) and structure_perms.is_member(user, place.structure, roles=GESTIONNAIRE)


def _coordinates_place(user, place) -> bool:
    return structure_perms.is_coordinator_of_commune(user, place.commune_ref)


def can_edit_place(user, place) -> bool:
    """Gestionnaires of the place's structure, coordinators of its commune, national admins."""
    if structure_perms.is_national_admin(user):
        return True
    return _is_gestionnaire_of_place(user, place) or _coordinates_place(user, place)


def can_create_place_for(user, structure) -> bool:
    """Add a place to a structure: its gestionnaires, coordinators of its commune, national admins."""
    if structure_perms.is_national_admin(user):
        return True
    if structure_perms.is_member(user, structure, roles=GESTIONNAIRE):
        return True
    return structure_perms.is_coordinator_of_commune(user, structure.commune)


def can_view_structure_places(user, structure) -> bool:
    """The list of a structure's places: whoever sees the structure."""
    return structure_perms.can_view_structure(user, structure)


def can_decide_qualification(user, place) -> bool:
    """Qualify or refuse: coordinators of the place's territory and national admins."""
    return structure_perms.is_national_admin(user) or _coordinates_place(user, place)


def can_moderate_reports(user, place) -> bool:
    """Handle error reports: gestionnaires of the place's structure, coordinators of its territory, admins."""
    return can_edit_place(user, place)


def can_edit_referential(user) -> bool:
    return structure_perms.is_national_admin(user)


def coordinated_places(user):
    """Places of the communes the user coordinates (all places for a national admin)."""
    if structure_perms.is_national_admin(user):
        return Place.objects.all()
    if not structure_perms.is_coordinator(user):
        return Place.objects.none()
    return Place.objects.filter(structure_perms.coordinated_communes_q(user, "commune_ref__"))


def managed_places(user):
    """Places the user may edit: their structures' (as gestionnaire), their territories', or all for admins."""
    if structure_perms.is_national_admin(user):
        return Place.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Place.objects.none()
    condition = Q(pk__in=[])
    structure_ids = list(
        Membership.objects.active().filter(user=user, role=MembershipRole.GESTIONNAIRE).values_list("structure_id")
    )
    if structure_ids:
        condition |= Q(structure_id__in=[pk for (pk,) in structure_ids])
    if structure_perms.is_coordinator(user):
        condition |= Q(pk__in=coordinated_places(user).values("pk"))
    return Place.objects.filter(condition)


def may_manage_any_place(user) -> bool:
    """Whether the user may edit some place at all: gestionnaires, coordinators, national admins."""
    roles = structure_perms.user_roles(user)
    return roles.is_national_admin or roles.is_coordinator or roles.is_gestionnaire


def may_moderate_any_report(user) -> bool:
    return may_manage_any_place(user)


def may_decide_any_qualification(user) -> bool:
    return structure_perms.is_national_admin(user) or structure_perms.is_coordinator(user)


def can_import_places(user) -> bool:
    """Import a places file from the web: national admins and coordinators."""
    return may_decide_any_qualification(user)


def can_see_all_imports(user) -> bool:
    """Coordinators and national admins follow every import; others only their own."""
    return can_import_places(user)


def can_view_import(user, place_import) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return place_import.requested_by_id == user.pk or can_see_all_imports(user)
