"""Alerts before the end of an order: the structures still holding passes not handed out are told, once.

Every day, for each confirmed order ending within ``ALERT_DAYS`` days (the funder's local date), each structure
holding books of it with passes not yet handed out gets one e-mail (its gestionnaires and aiguilleurs), recorded
as an ``ExpiryAlert`` so that it is sent once (recorded only once the mail server took it).
"""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from cordee.core import links
from cordee.pass_numerique.enums import OrderState, PassState
from cordee.pass_numerique.jobs.models import ExpiryAlert
from cordee.pass_numerique.models import Order, Pass
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership, Structure

logger = logging.getLogger(__name__)

ALERT_DAYS = 30
ALERTED_ROLES = (MembershipRole.GESTIONNAIRE, MembershipRole.AIGUILLEUR)


def recipients(structure_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.active()
            .filter(structure_id=structure_id, role__in=ALERTED_ROLES, user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )


def alert_before_end(now=None) -> int:
    """Send the alerts due; returns how many structures were told."""
    now = now or timezone.now()
    sent = 0
    for order in Order.objects.filter(state=OrderState.CONFIRMED).select_related("funder").order_by("pk"):
        today = order.local_date(now)
        days_left = (order.valid_until - today).days
        if not 0 <= days_left <= ALERT_DAYS:
            continue
        held = (
            Pass.objects.filter(order=order, state=PassState.ALLOCATED, book__holder__isnull=False)
            .values("book__holder_id")
            .annotate(left=Count("pk"))
            .order_by("book__holder_id")
        )
        for row in held:
            structure_id, left = row["book__holder_id"], row["left"]
            if ExpiryAlert.objects.filter(order=order, structure_id=structure_id).exists():
                continue
            structure = Structure.objects.get(pk=structure_id)
            body = render_to_string(
                "pass_numerique/emails/expiry_alert.txt",
                {
                    "order": order,
                    "structure": structure,
                    "left": left,
                    "days_left": days_left,
                    "stock_url": links.absolute_url(links.PASS_STOCK),
                },
            )
            subject = f"Pass numérique : {left} pass à remettre avant le {order.valid_until:%d/%m/%Y}"
            # One message per person (nobody sees the others' addresses). The alert is recorded in the same
            # transaction as the sending: if the mail server fails, nothing is recorded and tomorrow's run retries.
            messages = [
                (subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients(structure_id)
            ]
            try:
                with transaction.atomic():
                    ExpiryAlert.objects.create(order=order, structure_id=structure_id, passes_left=left)
                    if messages:
                        send_mass_mail(messages)
            except IntegrityError:  # another run sent it meanwhile
                continue
            except OSError:  # smtplib's errors are OSError: logged without any address, retried tomorrow
                logger.warning("Pass numérique : alerte de fin de validité non envoyée (commande %s)", order.pk)
                continue
            sent += 1
    logger.info("Pass numérique : %d alerte(s) de fin de validité", sent)
    return sent
