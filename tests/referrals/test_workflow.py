import datetime as dt

import pytest
from django.utils import timezone

from cordee.core.errors import Invalid, NotAllowed, Refused
from cordee.core.workflow import TransitionNotAllowed
from cordee.journal.models import Entry
from cordee.referrals import services
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.referrals.perms import PlaceLink
from cordee.referrals.workflow import REFERRAL
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, outsider, place_member

pytestmark = pytest.mark.django_db
S = ReferralState
SOON = timezone.now() + dt.timedelta(days=2)

# (trait, transition target, extra arguments, who makes it)
PLACE_STEPS = [
    ("", S.IN_REVIEW, {}),
    ("", S.ACCEPTED, {}),
    ("in_review", S.ACCEPTED, {}),
    ("", S.REFUSED, {"reasons": ["full", "not_mobile"], "note": "Complet jusqu'en juin."}),
    ("in_review", S.REFUSED, {"reasons": ["other"], "note": "Hors de notre zone."}),
    ("accepted", S.APPOINTMENT_SET, {"appointment_at": SOON}),
    ("appointment_set", S.APPOINTMENT_SET, {"appointment_at": SOON}),
    ("no_show", S.APPOINTMENT_SET, {"appointment_at": SOON}),
    ("appointment_set", S.NO_SHOW, {}),
    ("accepted", S.ACCOMPANIED, {}),
    ("appointment_set", S.ACCOMPANIED, {}),
    ("accompanied", S.CLOSED, {"outcome": "accompanied"}),
    ("no_show", S.CLOSED, {"outcome": "absent"}),
    ("accepted", S.CLOSED, {"outcome": "unreachable"}),
    ("appointment_set", S.CLOSED, {"outcome": "gave_up"}),
]


def make(trait):
    return ReferralFactory(**({trait: True} if trait else {}))


@pytest.mark.parametrize(("trait", "target", "extra"), PLACE_STEPS)
def test_place_members_make_their_steps_and_each_is_logged(trait, target, extra):
    referral = make(trait)
    member = place_member(referral)
    before = referral.state
    log = services.transition(referral, member, to=target, **extra)
    referral.refresh_from_db()
    assert referral.state == target
    assert (log.from_state, log.to_state, log.actor_id) == (before, target, member.pk)
    assert Entry.objects.filter(action__startswith="referrals.", object_id=str(referral.pk)).exists()


@pytest.mark.parametrize(("trait", "target", "extra"), PLACE_STEPS)
def test_the_prescriber_cannot_make_the_places_steps(trait, target, extra):
    referral = make(trait)
    with pytest.raises(NotAllowed):
        services.transition(referral, referral.prescriber, to=target, **extra)
    referral.refresh_from_db()
    assert referral.state == (trait or S.SENT)


@pytest.mark.parametrize("trait", ["", "in_review", "accepted", "appointment_set", "no_show"])
def test_the_prescriber_cancels_and_contact_details_are_purged(trait):
    referral = make(trait)
    services.transition(referral, referral.prescriber, to=S.CANCELLED)
    referral.refresh_from_db()
    assert referral.state == S.CANCELLED
    assert referral.contact_phone == "" and referral.contact_purged_at is not None


def test_the_place_cannot_cancel():
    referral = make("")
    with pytest.raises(NotAllowed):
        services.transition(referral, place_member(referral), to=S.CANCELLED)


def test_someone_unrelated_can_do_nothing():
    referral = make("")
    for target in (S.ACCEPTED, S.CANCELLED, S.IN_REVIEW):
        with pytest.raises(NotAllowed):
            services.transition(referral, outsider(), to=target)


def test_refusal_stores_reasons_purges_contact_and_needs_a_note():
    referral = make("")
    member = place_member(referral)
    with pytest.raises(Invalid) as missing_note:
        services.transition(referral, member, to=S.REFUSED, reasons=["full"])
    assert missing_note.value.reason == "reason_required"
    with pytest.raises(Invalid) as unknown:
        services.transition(referral, member, to=S.REFUSED, reasons=["bored"], note="Non.")
    assert unknown.value.reason == "unknown_reason"
    with pytest.raises(Invalid) as none:
        services.transition(referral, member, to=S.REFUSED, reasons=[], note="Non.")
    assert none.value.reason == "reasons_required"
    referral.refresh_from_db()
    assert referral.state == S.SENT and referral.contact_phone
    services.transition(referral, member, to=S.REFUSED, reasons=["full"], note="Complet.")
    referral.refresh_from_db()
    assert referral.refusal_reasons == ["full"]
    assert referral.contact_phone == "" and referral.contact_email == ""
    assert REFERRAL.history(referral).get().reason == "Complet."


def test_appointment_needs_a_date_and_close_an_outcome():
    referral = make("accepted")
    member = place_member(referral)
    with pytest.raises(Invalid) as no_date:
        services.transition(referral, member, to=S.APPOINTMENT_SET)
    assert no_date.value.reason == "appointment_required"
    with pytest.raises(Invalid) as no_outcome:
        services.transition(referral, member, to=S.CLOSED)
    assert no_outcome.value.reason == "outcome_required"
    with pytest.raises(Invalid):
        services.transition(referral, member, to=S.CLOSED, outcome="reoriented")


@pytest.mark.parametrize(
    ("trait", "target"),
    [
        ("", S.APPOINTMENT_SET),
        ("", S.CLOSED),
        ("accepted", S.REFUSED),
        ("accepted", S.IN_REVIEW),
        ("refused", S.ACCEPTED),
        ("accompanied", S.NO_SHOW),
        ("expired", S.ACCEPTED),
        ("", S.EXPIRED),
        ("", S.SENT),
    ],
)
def test_steps_out_of_order_are_conflicts_listing_what_is_allowed(trait, target):
    referral = make(trait)
    member = place_member(referral)
    with pytest.raises(TransitionNotAllowed) as error:
        services.transition(referral, member, to=target)
    assert error.value.status == 409
    allowed = error.value.extra["allowed"]
    assert allowed == [item.name for item in REFERRAL.allowed_transitions(referral, member, check_guards=False)]


def test_reviewing_pauses_the_expiry_clock():
    referral = ReferralFactory(expires_at=timezone.now() + dt.timedelta(days=1))
    services.transition(referral, place_member(referral), to=S.IN_REVIEW)
    referral.refresh_from_db()
    assert referral.expires_at > timezone.now() + dt.timedelta(days=14)
    assert referral.answered_at is not None


@pytest.mark.parametrize("trait", ["refused", "expired"])
def test_reorienting_creates_a_new_referral_to_the_next_place(trait):
    second, third = PlaceFactory(), PlaceFactory()
    referral = ReferralFactory(**{trait: True}, next_place_ids=[second.pk, third.pk])
    log = services.transition(referral, referral.prescriber, to=S.CLOSED)
    referral.refresh_from_db()
    assert referral.state == S.CLOSED and referral.outcome == "reoriented"
    created = log.created_referral
    assert created.previous == referral and created.place == second and created.next_place_ids == [third.pk]
    assert created.state == S.SENT and created.services == referral.services


def test_reorienting_without_a_next_place_is_refused_and_the_place_cannot_reorient():
    referral = ReferralFactory(refused=True)
    with pytest.raises(Refused):
        services.transition(referral, referral.prescriber, to=S.CLOSED)
    with pytest.raises(NotAllowed):
        services.transition(ReferralFactory(refused=True, next_place_ids=[PlaceFactory().pk]), outsider(), to=S.CLOSED)
    assert Referral.objects.count() == 2


def test_nobody_expires_a_referral_by_hand_but_the_clock_does():
    referral = make("")
    with pytest.raises(TransitionNotAllowed):
        services.transition(referral, referral.prescriber, to=S.EXPIRED)
    services.expire(referral)
    referral.refresh_from_db()
    assert referral.state == S.EXPIRED and referral.contact_phone == ""
    assert REFERRAL.history(referral).get().actor_id is None


def test_the_signed_link_actor_acts_for_its_referral_only():
    referral = make("")
    other = make("")
    services.transition(referral, PlaceLink(referral.pk), to=S.ACCEPTED)
    with pytest.raises(NotAllowed):
        services.transition(other, PlaceLink(referral.pk), to=S.ACCEPTED)
    with pytest.raises(NotAllowed):
        services.transition(make("accepted"), PlaceLink(referral.pk), to=S.CANCELLED)
