"""Durations of the referral lifecycle, read from the settings with their defaults."""

import datetime as dt

from django.conf import settings

DEFAULTS = {
    # A referral nobody answers expires after this many days (reminders are sent before).
    "REFERRAL_EXPIRY_DAYS": 30,
    # Putting a referral under review pushes its expiry back to at least this many days from then.
    "REFERRAL_REVIEW_PAUSE_DAYS": 15,
    # The place is reminded every this many days while the referral waits for an answer.
    "REFERRAL_REMINDER_DAYS": 7,
    # A signed link sent to a place without an account works this many days.
    "REFERRAL_LINK_DAYS": 8,
    # Finished referrals (closed, refused, expired, cancelled) are anonymised this many days after their last step.
    "REFERRAL_RETENTION_DAYS": 365,
}


def days(name: str) -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, name, DEFAULTS[name])))
