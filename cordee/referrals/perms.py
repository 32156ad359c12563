"""Who may see and act on referrals.

- members of the prescriber's structure see the referral, the person's alias, contact details and linked
  diagnostic; they cancel and re-orient;
- members of the place's structure see the referral (needs, constraints, message) and, once they accepted it,
  the person's alias, contact details and linked diagnostic (nothing else of the sending structure); they
  review, accept, refuse, set and mark appointments, close;
- whoever holds the place's current signed link (a place without an account) acts as the place's members, for
  that referral only;
- coordinators see the referrals of the places of their territories, without any personal data;
- anyone else sees nothing (404).
"""

from dataclasses import dataclass

from django.db.models import Q

from cordee.beneficiaries.perms import following_structure_ids
from cordee.referrals.models import ACCEPTED_STATES, Referral
from cordee.structures import perms as structure_perms


@dataclass(frozen=True)
class PlaceLink:
    """The actor of a transition made through the signed link mailed to a place without an account."""

    referral_id: int
    is_authenticated: bool = False


def _structure_ids(user) -> list[int]:
    return following_structure_ids(user)


def is_place_member(user, referral) -> bool:
    if isinstance(user, PlaceLink):
        return user.referral_id == referral.pk
    structure_id = referral.place.structure_id
    return structure_id is not None and structure_id in _structure_ids(user)


def is_prescriber(user, referral) -> bool:
    if isinstance(user, PlaceLink):
        return False
    return referral.prescriber_structure_id in _structure_ids(user)


def visible_referrals(user):
    """Referrals sent by the user's structures and those received by their places."""
    ids = _structure_ids(user)
    if not ids:
        return Referral.objects.none()
    return Referral.objects.filter(Q(prescriber_structure_id__in=ids) | Q(place__structure_id__in=ids))


def inbox(user):
    """Referrals received by the places of the user's structures."""
    return Referral.objects.filter(place__structure_id__in=_structure_ids(user))


def sent_by(user):
    """Referrals sent by the user's structures."""
    return Referral.objects.filter(prescriber_structure_id__in=_structure_ids(user))


def territory_referrals(user):
    """Referrals to the places of the territories a coordinator follows (all for a national admin)."""
    if structure_perms.is_national_admin(user):
        return Referral.objects.all()
    if not structure_perms.is_coordinator(user):
        return Referral.objects.none()
    return Referral.objects.filter(place__commune_ref__in=_coordinated_communes(user))


def _coordinated_communes(user):
    from cordee.territories.models import Commune

    return Commune.objects.filter(structure_perms.coordinated_communes_q(user))


def can_view_referral(user, referral) -> bool:
    return is_prescriber(user, referral) or is_place_member(user, referral)


def can_read_person(user, referral) -> bool:
    """The person's alias, contact details and linked diagnostic: the prescriber, and the place once it accepted."""
    if is_prescriber(user, referral):
        return True
    return is_place_member(user, referral) and referral.state in ACCEPTED_STATES


def can_refer(user, structure=None) -> bool:
    """Any member of a structure that follows people may send a referral from it."""
    ids = _structure_ids(user)
    return bool(ids) if structure is None else structure.pk in ids
