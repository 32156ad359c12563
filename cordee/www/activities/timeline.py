"""A followed person's journey on one timeline: diagnostics, referrals, activities and Pass numérique (handed to
the person, used for one of their activities), the most recent first.

Only what the person's own structure holds: the page that shows it is already limited to that structure's
members (``cordee.beneficiaries.perms``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cordee.activities import perms as activity_perms
from cordee.activities.models import Activity
from cordee.pass_numerique.models import Distribution, Redemption
from cordee.referrals import perms as referral_perms


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str  # "diagnostic", "referral", "activity", "pass"
    label: str
    text: str
    url: str = ""
    order: int = 0


def _day(moment) -> dt.date:
    return timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment


def timeline(user, beneficiary) -> list[Event]:
    events = []
    for diagnostic in beneficiary.diagnostics.order_by("-created_at", "-pk"):
        events.append(
            Event(
                _day(diagnostic.created_at),
                "diagnostic",
                "Diagnostic",
                f"{diagnostic.get_mode_display()}, {diagnostic.get_profile_display()}",
                reverse("www:diagnostics:detail", kwargs={"pk": diagnostic.pk}),
                diagnostic.pk,
            )
        )
    referrals = (
        referral_perms.visible_referrals(user)
        .filter(beneficiary=beneficiary)
        .select_related("place")
        .order_by("-created_at", "-pk")
    )
    for referral in referrals:
        events.append(
            Event(
                _day(referral.created_at),
                "referral",
                f"Orientation {referral.number}",
                f"Vers {referral.place.name} — {referral.get_state_display()}",
                reverse("www:referrals:detail", kwargs={"pk": referral.pk}),
                referral.pk,
            )
        )
    activities = (
        Activity.objects.filter(Q(beneficiary=beneficiary) | Q(participant_links__beneficiary=beneficiary))
        .filter(structure_id=beneficiary.structure_id)
        .select_related("place")
        .distinct()
        .order_by("-date", "-pk")
    )
    for activity in activities:
        where = activity.place.name if activity.place else activity.get_location_kind_display()
        themes = ", ".join(activity.theme_labels)
        can_edit = activity_perms.can_edit_activity(user, activity)
        events.append(
            Event(
                activity.date,
                "activity",
                activity.get_kind_display() + (f" — {activity.title}" if activity.title else ""),
                f"{activity.duration_label}, {where}" + (f" — {themes}" if themes else ""),
                reverse("www:activities:edit", kwargs={"pk": activity.pk}) if can_edit else "",
                activity.pk,
            )
        )
    events += _pass_events(beneficiary, [activity.pk for activity in activities])
    return sorted(events, key=lambda event: (event.day, event.order), reverse=True)


def _pass_events(beneficiary, activity_ids) -> list[Event]:
    events = []
    handed = Distribution.objects.filter(beneficiary=beneficiary, structure_id=beneficiary.structure_id)
    for distribution in handed.select_related("pass_obj").order_by("-distributed_on", "-pk"):
        events.append(
            Event(
                distribution.distributed_on,
                "pass",
                "Pass numérique remis",
                f"Pass {distribution.pass_obj.display_code}",
                "",
                distribution.pk,
            )
        )
    used = Redemption.objects.filter(activity_id__in=activity_ids).select_related("pass_obj", "place", "activity")
    for redemption in used.order_by("-redeemed_at", "-pk"):
        events.append(
            Event(
                _day(redemption.redeemed_at),
                "pass",
                "Pass numérique utilisé",
                f"Pass {redemption.pass_obj.display_code} à {redemption.place.name}, pour l'accompagnement du "
                f"{redemption.activity.date:%d/%m/%Y}",
                "",
                redemption.pk,
            )
        )
    return events
