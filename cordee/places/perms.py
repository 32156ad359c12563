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


def can_view_import(user, place_import) -> bool:
    """The person who ran it, coordinators of a territory where it wrote places, national admins."""
    return visible_imports(user, type(place_import).objects.filter(pk=place_import.pk)).exists()


# --- Imports of places files ------------------------------------------------------------------------------
# An import may only create or change places inside the importer's territories, and never a place managed by
# a structure unless the importer may edit it; rows that break the rule are refused and nothing is written
# for them. The set-based helpers let a file of thousands of rows be checked in a few queries.


def may_import_place(user, existing_place, commune) -> bool:
    """Whether an import by this person may create (``existing_place`` None) or change a place in ``commune``."""
    from cordee.structures import perms as structures

    if not can_import_places(user):
        return False
    if existing_place is not None and not can_edit_place(user, existing_place):
        return False
    return structures.is_national_admin(user) or structures.is_coordinator_of_commune(user, commune)


def importable_commune_codes(user) -> frozenset[str] | None:
    """INSEE codes of the communes where an import by this person may place places (None: anywhere)."""
    from cordee.structures import perms as structures
    from cordee.territories.models import Commune

    if structures.is_national_admin(user):
        return None
    if not can_import_places(user):
        return frozenset()
    return frozenset(Commune.objects.filter(structures.coordinated_communes_q(user)).values_list("pk", flat=True))


def importable_place_ids(user, places) -> set[int] | None:
    """Of these existing places, the ids an import by this person may change (None: all of them)."""
    from cordee.structures import perms as structures

    if structures.is_national_admin(user):
        return None
    if not can_import_places(user):
        return set()
    return set(managed_places(user).filter(pk__in=[place.pk for place in places]).values_list("pk", flat=True))


def visible_imports(user, imports):
    """Of these imports, the ones the person may see: their own; for a coordinator, those that wrote places
    in their territories (by département); all for a national admin."""
    from cordee.structures import perms as structures

    if not getattr(user, "is_authenticated", False):
        return imports.none()
    if structures.is_national_admin(user):
        return imports
    condition = Q(requested_by=user)
    if structures.is_coordinator(user):
        from cordee.territories.models import Commune

        departements = set(
            Commune.objects.filter(structures.coordinated_communes_q(user))
            .order_by()
            .values_list("departement_id", flat=True)
            .distinct()
        )
        for code in sorted(departements):
            condition |= Q(departement_codes__contains=f"|{code}|")
    return imports.filter(condition)
