"""The demo activities: 18 months for each demo médiateur and conseiller numérique, followed people's journeys,
the reports of the accompanied referrals, loaded fast and only once."""

import time

import pytest
from django.utils import timezone

from cordee.activities.models import Activity
from cordee.demo.loader import load_demo
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership
from tests.demo.test_load_demo import demo_communes  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_activities_cover_18_months_of_every_mediator(demo_communes):  # noqa: F811
    started = time.perf_counter()
    report = load_demo()
    elapsed = time.perf_counter() - started

    mediators = Membership.objects.filter(
        role__in=[MembershipRole.MEDIATEUR, MembershipRole.CONSEILLER_NUMERIQUE]
    ).values_list("user_id", flat=True)
    today = timezone.localdate()
    for user_id in mediators:
        dates = Activity.objects.filter(mediator_id=user_id).order_by("date").values_list("date", flat=True)
        assert dates.count() > 300
        assert (today - dates.first()).days > 500
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {"individual", "quick", "workshop", "event", "partnership", "animation"} <= kinds
    assert Activity.objects.filter(is_conseiller_numerique=True).exists()
    followed = Activity.objects.filter(beneficiary__isnull=False, diagnostic__isnull=False).first()
    assert followed is not None and followed.diagnostic.beneficiary == followed.beneficiary
    assert Activity.objects.filter(followed_participants__isnull=False).exists()
    accompanied = Referral.objects.filter(
        state=ReferralState.ACCOMPANIED, place__structure__memberships__role=MembershipRole.MEDIATEUR
    )
    assert all(referral.activities.exists() for referral in accompanied)
    assert report.created["activités"] == Activity.objects.count()
    assert elapsed < 30, elapsed
    print(f"\nload_demo : {Activity.objects.count()} activités en {elapsed:.1f} s")

    count = Activity.objects.count()
    again = load_demo()
    assert "activités" not in again.created
    assert Activity.objects.count() == count
