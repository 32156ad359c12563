"""Background work of referrals: e-mails, reminders to places, expiry, appointment reminders."""

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cordee.places.hours import PARIS
from cordee.referrals import conf, mails
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral

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
    tomorrow = now.astimezone(PARIS).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(), tzinfo=PARIS)
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


@db_periodic_task(crontab(hour=7, minute=0))
def remind_and_expire_daily():
    return remind_and_expire()


@db_periodic_task(crontab(hour=10, minute=0))
def remind_appointments_daily():
    return remind_appointments()
