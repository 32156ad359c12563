"""The e-mails (and text messages) of referrals: whom to write to, and what.

The person is written to through the channel they chose: e-mail, or a text message (``cordee.core.sms``,
backend chosen by ``SMS_BACKEND``) when they chose the phone and gave a mobile number with their consent.
"""

import logging

import phonenumbers
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cordee.beneficiaries.perms import FOLLOWING_ROLES
from cordee.core import sms
from cordee.places.contacts import phone_is_mobile
from cordee.places.hours_text import moment_text
from cordee.referrals import links
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.structures.models import Membership
from cordee.territories.local_time import time_zone

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def place_member_emails(referral) -> list[str]:
    if referral.place.structure_id is None:
        return []
    return sorted(
        set(
            Membership.objects.active()
            .filter(structure_id=referral.place.structure_id, role__in=FOLLOWING_ROLES, user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )


def place_address(referral) -> str:
    emails = [email for email in referral.place.emails or [] if email]
    return emails[0] if emails else ""


def place_recipients(referral) -> tuple[list[str], str]:
    """(recipients, signed link or ""): the structure's members, else the place's address with a signed link."""
    members = place_member_emails(referral)
    if members:
        return members, ""
    address = place_address(referral)
    if not address:
        return [], ""
    token = links.issue(referral)
    return [address], site_url(reverse("www:referrals:link", kwargs={"token": token}))


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> int:
    if not recipients:
        return 0
    body = render_to_string(template, {"site_url": settings.SITE_URL.rstrip("/"), **context})
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def _context(referral, **extra) -> dict:
    appointment = (
        moment_text(referral.appointment_at.astimezone(time_zone(referral.place.departement_code)))
        if referral.appointment_at
        else ""
    )
    return {
        "referral": referral,
        "state_label": ReferralState(referral.state).label,
        "appointment": appointment,
        "detail_url": site_url(reverse("www:referrals:detail", kwargs={"pk": referral.pk})),
        **extra,
    }


def _load(referral_id) -> Referral | None:
    return (
        Referral.objects.select_related("place", "prescriber", "prescriber_structure").filter(pk=referral_id).first()
    )


def send_sent(referral) -> int:
    recipients, link = place_recipients(referral)
    if not recipients:
        logger.info("Orientation %s : le lieu n'a ni compte ni courriel, personne n'est prévenu", referral.pk)
        return 0
    subject = f"Cordée : nouvelle orientation {referral.number} vers « {referral.place.name} »"
    return _send(subject, "referrals/emails/sent.txt", _context(referral, link=link), recipients)


def send_state(referral, previous_state: str = "") -> int:
    """To the prescriber: every change of state (refusal reasons included, never sent to the person)."""
    email = referral.prescriber.email if referral.prescriber and referral.prescriber.is_active else ""
    subject = f"Cordée : orientation {referral.number} — {ReferralState(referral.state).label.lower()}"
    return _send(subject, "referrals/emails/state.txt", _context(referral), [email] if email else [])


def send_reminder(referral) -> int:
    recipients, link = place_recipients(referral)
    subject = f"Cordée : rappel — orientation {referral.number} en attente de réponse"
    return _send(subject, "referrals/emails/reminder.txt", _context(referral, link=link), recipients)


def send_new_link(referral) -> int:
    """A fresh link, to the place's stored address only (never to an address typed by the visitor)."""
    address = place_address(referral)
    if not address or place_member_emails(referral):
        return 0
    token = links.issue(referral)
    link = site_url(reverse("www:referrals:link", kwargs={"token": token}))
    subject = f"Cordée : nouveau lien pour l'orientation {referral.number}"
    return _send(subject, "referrals/emails/new_link.txt", _context(referral, link=link), [address])


def _sms(referral, template: str, context: dict) -> int:
    """A text message to the person, when they chose the phone and gave a mobile number."""
    if referral.contact_preference != "phone" or not phone_is_mobile(referral.contact_phone):
        return 0
    body = " ".join(render_to_string(template, context).split())
    number = phonenumbers.format_number(
        phonenumbers.parse(referral.contact_phone, "FR"), phonenumbers.PhoneNumberFormat.E164
    )
    return sms.send_sms(number, body[: sms.MAX_LENGTH])


def send_appointment_reminder(referral) -> int:
    """To the person, through their chosen channel: a text message or an e-mail (other channels: the referent
    or the place)."""
    if referral.appointment_at is None:
        return 0
    if referral.contact_preference == "phone":
        phone = referral.place.phones[0] if referral.place.phones else ""
        return _sms(referral, "referrals/sms/appointment_reminder.txt", _context(referral, place_phone=phone))
    if not referral.contact_email:
        return 0
    subject = "Rappel : votre rendez-vous de demain"
    return _send(subject, "referrals/emails/appointment_reminder.txt", _context(referral), [referral.contact_email])


def send_notice(referral) -> int:
    """To the person, through their chosen channel (e-mail or text message): what is shared with whom, and how
    to object."""
    if referral.contact_preference == "phone":
        return _sms(referral, "referrals/sms/notice.txt", _context(referral))
    if referral.contact_preference != "email" or not referral.contact_email:
        return 0
    subject = f"Vous êtes orienté(e) vers « {referral.place.name} »"
    return _send(subject, "referrals/emails/notice.txt", _context(referral), [referral.contact_email])


def send_message(referral, message_id: int) -> int:
    """Replies go to the right person: the place's message to the prescriber, the prescriber's to the place."""
    message = referral.messages.filter(pk=message_id).first()
    if message is None:
        return 0
    subject = f"Cordée : nouveau message sur l'orientation {referral.number}"
    if message.from_place:
        email = referral.prescriber.email if referral.prescriber and referral.prescriber.is_active else ""
        recipients, link = ([email] if email else []), ""
    else:
        recipients, link = place_recipients(referral)
    context = _context(referral, message=message, link=link)
    return _send(subject, "referrals/emails/message.txt", context, recipients)


SENDERS = {
    "message": send_message,
    "notice": send_notice,
    "sent": send_sent,
    "state": send_state,
    "reminder": send_reminder,
    "new_link": send_new_link,
    "appointment_reminder": send_appointment_reminder,
}


def deliver(kind: str, referral_id: int, **extra) -> int:
    referral = _load(referral_id)
    if referral is None:
        return 0
    sent = SENDERS[kind](referral, **extra)
    logger.info("Orientation %s : courriel %s, %d envoi(s) à %s", referral_id, kind, sent, timezone.now())
    return sent
