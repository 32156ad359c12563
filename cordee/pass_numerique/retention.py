"""How long what a distribution says about the person is kept.

The pseudonymous reference written when a pass was handed out serves the structure's follow-up and the funder's
checks while the order runs and is settled. ``PASS_REFERENCE_RETENTION_DAYS`` days (default 180) after the
passes of an order expired (its end date plus tolerance, in the funder's local time), the references of its
distributions are erased; the date, the structure and the link to a followed person (who has their own
anonymisation, ``cordee.beneficiaries.anonymisation``) stay, so the statistics do not change.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cordee.journal.services import record
from cordee.pass_numerique.enums import OrderState
from cordee.pass_numerique.models import Distribution, Order


def erase_due(order: Order, now: dt.datetime) -> bool:
    """Whether the references of ``order`` are past their keeping time at ``now``."""
    return now >= order.expires_at + dt.timedelta(days=settings.PASS_REFERENCE_RETENTION_DAYS)


def erase_references(*, now=None) -> int:
    """Erase the references of the orders past their keeping time, one order per transaction, each journaled
    (counts only). Returns the number of references erased; running it again erases nothing more."""
    now = now or timezone.now()
    days = settings.PASS_REFERENCE_RETENTION_DAYS
    # expires_at is after the end date's midnight in every time zone: no order ending later can be due.
    candidates = Order.objects.exclude(state=OrderState.DRAFT).filter(
        valid_until__lte=now.date() - dt.timedelta(days=days)
    )
    total = 0
    for order in candidates.order_by("pk"):
        if not erase_due(order, now):
            continue
        with transaction.atomic():
            erased = Distribution.objects.filter(pass_obj__order=order).exclude(reference="").update(reference="")
            if erased:
                record(None, "pass_numerique.references.erase", order, distributions=erased, retention_days=days)
        total += erased
    return total
