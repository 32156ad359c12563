"""Demo referrals: one in every state of the lifecycle in each of the three demo territories."""

import datetime as dt

from django.utils import timezone

from cordee.demo.dataset import STRUCTURES
from cordee.places.models import Place
from cordee.referrals import conf
from cordee.referrals.enums import CloseOutcome, ContactPreference
from cordee.referrals.models import Referral, ReferralTransition
from cordee.referrals.workflow import REFERRAL
from cordee.structures.models import Membership, Structure

STRUCTURE_NAMES = {demo.key: demo.name for demo in STRUCTURES}
# (prescriber structure, receiving structure, next receiving structure)
TERRITORIES = [
    ("ccas-gueret", "fs-bourganeuf", "mediatheque-aubusson"),
    ("caf-13", "assoc-marseille", "fs-arles"),
    ("ccas-roubaix", "assoc-lille", "mediatheque-tourcoing"),
]
# state → the steps that led to it, and how many days ago the referral was sent
PATHS = {
    "sent": ([], 1),
    "in_review": (["review"], 3),
    "accepted": (["accept"], 4),
    "refused": (["refuse"], 6),
    "appointment_set": (["accept", "set_appointment"], 7),
    "no_show": (["accept", "set_appointment", "mark_no_show"], 12),
    "accompanied": (["accept", "set_appointment", "mark_accompanied"], 15),
    "closed": (["accept", "set_appointment", "mark_accompanied", "close"], 25),
    "expired": (["expire"], 40),
    "cancelled": (["cancel"], 9),
}
NEEDS = ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"]
MARKER = "Orientation de démonstration"
# A demo place without an account, given an address so that it answers through the signed link.
PLACE_WITHOUT_ACCOUNT = ("tiers-lieu-souterraine", "contact@quincaillerie-numerique.example")


def _place_of(key):
    structure = Structure.objects.filter(name=STRUCTURE_NAMES[key]).first()
    return Place.objects.filter(structure=structure).order_by("pk").first() if structure else None


def load_demo_referrals(report) -> None:
    now = timezone.now()
    key, email = PLACE_WITHOUT_ACCOUNT
    place = _place_of(key)
    if place is not None and not place.emails:
        Place.objects.filter(pk=place.pk).update(emails=[email])
    for prescriber_key, place_key, next_key in TERRITORIES:
        prescriber_structure = Structure.objects.filter(name=STRUCTURE_NAMES[prescriber_key]).first()
        place, next_place = _place_of(place_key), _place_of(next_key)
        if prescriber_structure is None or place is None:
            continue
        membership = Membership.objects.active().filter(structure=prescriber_structure).order_by("pk").first()
        prescriber = membership.user if membership else None
        place_membership = Membership.objects.active().filter(structure=place.structure).order_by("pk").first()
        for state, (steps, days_ago) in PATHS.items():
            message = f"{MARKER} ({state}) : la personne souhaite être aidée pour ses démarches en ligne."
            if Referral.objects.filter(prescriber_structure=prescriber_structure, message=message).exists():
                report.count("orientations", False)
                continue
            sent_at = now - dt.timedelta(days=days_ago)
            purged = state in ("refused", "expired", "cancelled")
            referral = Referral.objects.create(
                place=place,
                next_place_ids=[next_place.pk] if next_place else [],
                services=NEEDS,
                constraints={"availability": "le mardi matin"},
                message=message,
                contact_preference=ContactPreference.PHONE,
                contact_phone="" if purged else "+33600000000",
                contact_purged_at=now if purged else None,
                consent_given=True,
                consent_at=sent_at,
                prescriber=prescriber,
                prescriber_structure=prescriber_structure,
                state=state,
                refusal_reasons=["full"] if state == "refused" else [],
                outcome=CloseOutcome.ACCOMPANIED if state == "closed" else "",
                appointment_at=sent_at + dt.timedelta(days=5, hours=2) if "set_appointment" in steps else None,
                answered_at=sent_at + dt.timedelta(days=1) if steps and steps[0] != "expire" else None,
                expires_at=sent_at + conf.days("REFERRAL_EXPIRY_DAYS"),
            )
            Referral.objects.filter(pk=referral.pk).update(created_at=sent_at)
            current = "sent"
            for index, name in enumerate(steps):
                item = REFERRAL.transition(name)
                actor = prescriber if name == "cancel" else (place_membership.user if place_membership else None)
                log = ReferralTransition.objects.create(
                    referral=referral,
                    transition=name,
                    from_state=current,
                    to_state=item.target,
                    actor=None if name == "expire" else actor,
                    reason="Plus de créneau libre ce mois-ci." if name == "refuse" else "",
                )
                ReferralTransition.objects.filter(pk=log.pk).update(at=sent_at + dt.timedelta(days=index + 1))
                current = item.target
            report.count("orientations", True)
