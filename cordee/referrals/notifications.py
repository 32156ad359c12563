"""Who is told what, and when: each message is sent by a background task once the change is committed."""

from django.db import transaction


def _enqueue(kind: str, referral_id: int, **extra):
    from cordee.referrals import tasks

    transaction.on_commit(lambda: tasks.send_referral_mail(kind, referral_id, **extra), robust=True)


def referral_sent(referral):
    """The place is told: its structure's members, or its own address with a signed link."""
    _enqueue("sent", referral.pk)
    if referral.contact_email or (referral.contact_preference == "phone" and referral.contact_phone):
        _enqueue("notice", referral.pk)


def state_changed(referral, previous_state: str):
    """The prescriber is told of every change of state."""
    _enqueue("state", referral.pk, previous_state=previous_state)


def new_link(referral):
    _enqueue("new_link", referral.pk)


def message_posted(referral, message):
    """The other side is told: the prescriber when the place wrote, the place when the prescriber wrote."""
    _enqueue("message", referral.pk, message_id=message.pk)
