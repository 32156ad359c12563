"""Background tasks of the places directory."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cordee.core import links
from cordee.places.models import PlaceFollowUp
from cordee.places.quality import STALE_AFTER, stale_places
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership

logger = logging.getLogger(__name__)


def _needs_reminder(follow_up, cutoff_moment) -> bool:
    """Once per period: not yet reminded, or reminded more than six months ago."""
    notified = follow_up.stale_notified_at if follow_up else None
    return notified is None or notified < cutoff_moment


def notify_stale_places(today=None) -> dict:
    """E-mail each structure's gestionnaires the list of its stale places not reminded in this period."""
    now = timezone.now()
    cutoff_moment = now - STALE_AFTER
    places = list(stale_places(today).select_related("structure", "follow_up").order_by("structure_id", "name", "pk"))
    by_structure = {}
    for place in places:
        if _needs_reminder(getattr(place, "follow_up", None), cutoff_moment):
            by_structure.setdefault(place.structure, []).append(place)
    recipients_of = {}
    for structure_id, email in (
        Membership.objects.active()
        .filter(structure__in=by_structure, role=MembershipRole.GESTIONNAIRE, user__is_active=True)
        .values_list("structure_id", "user__email")
    ):
        recipients_of.setdefault(structure_id, []).append(email)
    mails = 0
    for structure, structure_places in by_structure.items():
        recipients = sorted(recipients_of.get(structure.pk, []))
        if not recipients:
            continue
        for place in structure_places:
            place.manage_path = links.path(links.PLACE_MANAGE, pk=place.pk)
        body = render_to_string(
            "places/emails/stale_places.txt",
            {"structure": structure, "places": structure_places, "site_url": settings.SITE_URL.rstrip("/")},
        )
        subject = f"Cordée : {len(structure_places)} lieu(x) de « {structure.name} » à mettre à jour"
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        mails += 1
        PlaceFollowUp.objects.bulk_create(
            [PlaceFollowUp(place=place, stale_notified_at=now) for place in structure_places],
            update_conflicts=True,
            unique_fields=["place"],
            update_fields=["stale_notified_at"],
        )
    counts = {"stale": len(places), "structures_notified": mails}
    logger.info("Lieux à mettre à jour : %(stale)d, structures relancées : %(structures_notified)d", counts)
    return counts


@db_periodic_task(crontab(hour=6, minute=0))
def notify_stale_places_daily():
    return notify_stale_places()
