"""Who may record, see and change activity reports.

- a médiateur, conseiller numérique or gestionnaire records activities for a structure they belong to, with
  that structure's followed people only (never another structure's);
- they see their own activities and those of the structures where they hold one of these roles;
- the author changes or deletes their activity while still a member; a gestionnaire, any of the structure's;
- a coordinator records their own activities (animation, événement, partenariat), with or without a structure;
- coordinators and national admins see figures (dashboards), never a person's activity.
"""

from django.db.models import Q

from cordee.activities.enums import COORDINATION_KINDS
from cordee.activities.models import Activity
from cordee.structures.enums import MembershipRole
from cordee.structures.roles import roles_of

RECORDING_ROLES = (MembershipRole.MEDIATEUR, MembershipRole.CONSEILLER_NUMERIQUE, MembershipRole.GESTIONNAIRE)


def recording_structure_ids(user) -> list[int]:
    """Structures for which the person records activities."""
    return sorted(roles_of(user).structure_ids(*RECORDING_ROLES))


def can_record(user, structure=None) -> bool:
    ids = recording_structure_ids(user)
    return bool(ids) if structure is None else structure.pk in ids


def can_record_coordination(user) -> bool:
    roles = roles_of(user)
    return roles.is_coordinator or bool(recording_structure_ids(user))


def can_record_any(user) -> bool:
    """May the person open the activity pages at all."""
    return can_record(user) or roles_of(user).is_coordinator


def visible_activities(user):
    roles = roles_of(user)
    if not roles.is_authenticated:
        return Activity.objects.none()
    return Activity.objects.filter(Q(mediator_id=roles.user_id) | Q(structure_id__in=recording_structure_ids(user)))


def can_view_activity(user, activity) -> bool:
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    if activity.mediator_id == roles.user_id:
        return True
    return activity.structure_id is not None and activity.structure_id in recording_structure_ids(user)


def can_edit_activity(user, activity) -> bool:
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    if activity.structure_id is None:
        return activity.mediator_id == roles.user_id and activity.kind in COORDINATION_KINDS
    role = roles.role_in(activity.structure_id)
    if role == MembershipRole.GESTIONNAIRE:
        return True
    return activity.mediator_id == roles.user_id and role in RECORDING_ROLES
