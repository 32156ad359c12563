"""Background work of referrals: e-mails, reminders to places, expiry, appointment reminders."""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cordee.referrals import conf, mails
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import FINISHED_STATES, Referral, ReferralMessage, ReferralTransition
from cordee.territories.local_time import zone

logger = logging.getLogger(__name__)


@db_task()
def send_referral_mail(kind: str, referral_id: int, **extra):
    return mails.deliver(kind, referral_id, **extra)


def remind_and_expire(now=None) -> dict:
    """Expire the referrals nobody answered in time; remind the places of the others every few days."""
    from cordee.referrals.services import expire

    now = now or timezone.now()
    expired = 0
    for referral in Referral.objects.waiting().filter(expires_at__lte=now).select_related("place").order_by("pk"):
        expire(referral)
        expired += 1
    every = conf.days("REFERRAL_REMINDER_DAYS")
    reminded = 0
    waiting = Referral.objects.filter(state=ReferralState.SENT, expires_at__gt=now).select_related("place")
    for referral in waiting.order_by("pk"):
        last = referral.last_reminded_at or referral.created_at
        if now - last < every:
            continue
        mails.send_reminder(referral)
        Referral.objects.filter(pk=referral.pk).update(
            last_reminded_at=now, reminders_sent=referral.reminders_sent + 1
        )
        reminded += 1
    counts = {"expired": expired, "reminded": reminded}
    logger.info("Orientations : %(expired)d expirée(s), %(reminded)d relance(s)", counts)
    return counts


def remind_appointments(now=None) -> int:
    """The day before: remind the person of an appointment of tomorrow (local time), once."""
    now = now or timezone.now()
    # The day is judged in metropolitan time: the reminder task runs once a day for every place.
    paris = zone("Europe/Paris")
    tomorrow = now.astimezone(paris).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(), tzinfo=paris)
    due = Referral.objects.filter(
        state=ReferralState.APPOINTMENT_SET,
        appointment_at__gte=start,
        appointment_at__lt=start + dt.timedelta(days=1),
        appointment_reminded_at__isnull=True,
    ).select_related("place")
    count = 0
    for referral in due.order_by("pk"):
        mails.send_appointment_reminder(referral)
        Referral.objects.filter(pk=referral.pk).update(appointment_reminded_at=now)
        count += 1
    logger.info("Orientations : %d rappel(s) de rendez-vous", count)
    return count


def anonymise_old(now=None) -> int:
    """Finished referrals whose last step is older than ``REFERRAL_RETENTION_DAYS``: keep only what the
    statistics need (place, structures, needs, states, dates, reasons, outcome); erase the person and the words."""
    now = now or timezone.now()
    cutoff = now - conf.days("REFERRAL_RETENTION_DAYS")
    recent = ReferralTransition.objects.filter(referral=OuterRef("pk"), at__gte=cutoff)
    old = (
        Referral.objects.filter(state__in=FINISHED_STATES, anonymised_at__isnull=True, created_at__lt=cutoff)
        .exclude(Exists(recent))
        .values_list("pk", flat=True)
    )
    ids = list(old)
    with transaction.atomic():
        ReferralMessage.objects.filter(referral_id__in=ids).update(body="")
        count = Referral.objects.filter(pk__in=ids).update(
            beneficiary=None,
            diagnostic=None,
            contact_phone="",
            contact_email="",
            referent="",
            message="",
            constraints={},
            anonymised_at=now,
        )
    logger.info("Orientations : %d anonymisée(s)", count)
    return count


@db_periodic_task(crontab(hour=3, minute=30))
def anonymise_old_daily():
    return anonymise_old()


@db_periodic_task(crontab(hour=7, minute=0))
def remind_and_expire_daily():
    return remind_and_expire()


@db_periodic_task(crontab(hour=10, minute=0))
def remind_appointments_daily():
    return remind_appointments()
