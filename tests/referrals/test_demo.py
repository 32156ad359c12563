import pytest

from cordee.demo.loader import load_demo
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral, ReferralTransition
from tests.demo.test_load_demo import demo_communes  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_communes")
def test_demo_has_referrals_in_every_state_in_the_three_territories_once():
    load_demo()
    for departement in ("23", "13", "59"):
        states = set(Referral.objects.filter(place__departement_code=departement).values_list("state", flat=True))
        assert states == set(ReferralState.values), departement
    closed = Referral.objects.filter(state=ReferralState.CLOSED).first()
    assert list(ReferralTransition.objects.filter(referral=closed).values_list("to_state", flat=True)) == [
        "accepted",
        "appointment_set",
        "accompanied",
        "closed",
    ]
    assert (
        not Referral.objects.filter(state__in=["refused", "expired", "cancelled"]).exclude(contact_phone="").exists()
    )
    from cordee.places.models import Place

    assert Place.objects.filter(
        emails=["contact@quincaillerie-numerique.example"], name__contains="Quincaillerie"
    ).exists()
    count = Referral.objects.count()
    second = load_demo()
    assert Referral.objects.count() == count and "orientations" not in second.created
