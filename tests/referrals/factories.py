import datetime as dt

import factory
from django.utils import timezone

from cordee.places.enums import Service
from cordee.referrals.enums import ContactPreference, ReferralState
from cordee.referrals.models import Referral
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.users.factories import UserFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent by an aiguilleur's structure to a place of another structure, with the person's consent."""

    class Meta:
        model = Referral

    place = factory.SubFactory(PlaceFactory, structure=factory.SubFactory(StructureFactory), with_contacts=True)
    services = factory.LazyFunction(lambda: [Service.AIDE_DEMARCHES.value])
    prescriber_structure = factory.SubFactory(StructureFactory)
    prescriber = factory.LazyAttribute(
        lambda o: MembershipFactory(structure=o.prescriber_structure, aiguilleur=True).user
    )
    contact_preference = ContactPreference.PHONE
    contact_phone = "+33612345678"
    consent_given = True
    consent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))

    class Params:
        in_review = factory.Trait(state=ReferralState.IN_REVIEW)
        accepted = factory.Trait(state=ReferralState.ACCEPTED)
        refused = factory.Trait(state=ReferralState.REFUSED, refusal_reasons=["full"], contact_phone="")
        appointment_set = factory.Trait(
            state=ReferralState.APPOINTMENT_SET,
            appointment_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3)),
        )
        no_show = factory.Trait(state=ReferralState.NO_SHOW)
        accompanied = factory.Trait(state=ReferralState.ACCOMPANIED)
        expired = factory.Trait(state=ReferralState.EXPIRED, contact_phone="")
        without_contact = factory.Trait(
            contact_phone="", consent_given=False, consent_at=None, contact_preference=ContactPreference.OTHER
        )
        place_without_account = factory.Trait(
            place=factory.SubFactory(PlaceFactory, structure=None, emails=["lieu@exemple.fr"])
        )


def place_member(referral, **kwargs):
    return MembershipFactory(structure=referral.place.structure, **kwargs).user


def outsider():
    return MembershipFactory(aiguilleur=True).user


__all__ = ["ReferralFactory", "UserFactory", "outsider", "place_member"]
