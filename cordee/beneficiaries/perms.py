"""Who may see and act on beneficiaries: the active members of the structure that owns them, nobody else.

Coordinators and national admins see figures (statistics), never a person.
"""

from cordee.beneficiaries.models import Beneficiary
from cordee.structures.enums import MembershipRole
from cordee.structures.roles import roles_of

# Every role of a structure follows people: aiguilleurs diagnose and orient, médiateurs accompany.
FOLLOWING_ROLES = [
    MembershipRole.AIGUILLEUR,
    MembershipRole.MEDIATEUR,
    MembershipRole.CONSEILLER_NUMERIQUE,
    MembershipRole.GESTIONNAIRE,
]


def _is_authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def following_structure_ids(user) -> list[int]:
    """Structures in which the user may follow people."""
    if not _is_authenticated(user):
        return []
    # The roles are computed once per request (cordee.structures.roles), not queried on every call.
    return sorted(roles_of(user).structure_ids(*FOLLOWING_ROLES))


def can_follow_people(user, structure=None) -> bool:
    ids = following_structure_ids(user)
    return bool(ids) if structure is None else structure.pk in ids


def visible_beneficiaries(user):
    return Beneficiary.objects.filter(structure_id__in=following_structure_ids(user))


def can_view_beneficiary(user, beneficiary) -> bool:
    return beneficiary.structure_id in following_structure_ids(user)


def can_anonymise_beneficiary(user, beneficiary) -> bool:
    return can_view_beneficiary(user, beneficiary) and not beneficiary.is_anonymised
