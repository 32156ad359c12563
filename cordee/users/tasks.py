"""E-mails about accounts, sent by the task worker so that the web response time reveals nothing."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from huey.contrib.djhuey import db_task

from cordee.core import links


def accounts_for_reset(email: str):
    """Active accounts with this e-mail (any case) that have a usable password."""
    users = get_user_model()._default_manager.filter(email__iexact=(email or "").strip(), is_active=True)
    return [user for user in users if user.has_usable_password()]


@db_task()
def send_password_reset(email: str) -> int:
    """Send the reset link to the account with this e-mail, if there is one; returns the number of e-mails.

    The link starts with ``SITE_URL`` (``links.absolute_url``), never with the Host of a request.
    """
    sent = 0
    for user in accounts_for_reset(email):
        link = links.absolute_url(
            links.PASSWORD_RESET_CONFIRM,
            uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
            token=default_token_generator.make_token(user),
        )
        subject = render_to_string("users/emails/password_reset_subject.txt").strip()
        body = render_to_string("users/emails/password_reset.txt", {"link": link})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent
