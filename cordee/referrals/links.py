"""Signed links for places without an account: answer a referral without logging in.

A link carries the referral's id, a purpose and the referral's current nonce, signed with the site's key
(``django.core.signing``, salt per purpose) and valid ``REFERRAL_LINK_DAYS`` days. A fresh link changes the
nonce, and so does every decision: the links sent before stop working, and a second decision through an
old link is refused.
"""

import secrets

from django.core import signing

from cordee.core.errors import NotFound, Refused
from cordee.referrals import conf
from cordee.referrals.models import Referral

ANSWER = "answer"
SALT = "cordee.referrals.link"


class LinkExpired(Refused):
    default_message = "Ce lien a expiré. Demandez un nouveau lien : il sera envoyé à l'adresse du lieu."
    default_reason = "link_expired"


class LinkInvalid(NotFound):
    default_message = "Ce lien n'est pas valide ou n'est plus valide. Utilisez le dernier lien reçu par courriel."
    default_reason = "link_invalid"


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_token(referral, purpose: str = ANSWER) -> str:
    return signing.dumps({"r": referral.pk, "n": referral.link_nonce, "p": purpose}, salt=SALT, compress=True)


def issue(referral, purpose: str = ANSWER) -> str:
    """A fresh link token: a new nonce, so every older link stops working."""
    referral.link_nonce = new_nonce()
    Referral.objects.filter(pk=referral.pk).update(link_nonce=referral.link_nonce)
    return make_token(referral, purpose)


def current_token(referral, purpose: str = ANSWER) -> str:
    """The token of the current nonce (creating one if the referral has none yet)."""
    if not referral.link_nonce:
        return issue(referral, purpose)
    return make_token(referral, purpose)


def _payload(token: str, *, max_age) -> dict:
    try:
        return signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except signing.BadSignature:
        raise LinkInvalid() from None


def referral_for(token: str, purpose: str = ANSWER) -> Referral:
    """The referral a valid, current link points to; ``LinkExpired`` or ``LinkInvalid`` otherwise."""
    payload = _payload(token, max_age=conf.days("REFERRAL_LINK_DAYS"))
    referral = _referral(payload, purpose)
    if not referral.link_nonce or payload.get("n") != referral.link_nonce:
        raise LinkInvalid()
    return referral


def referral_for_renewal(token: str, purpose: str = ANSWER) -> Referral:
    """The referral of a well-signed link, even expired or superseded: to mail a fresh one to the stored address."""
    return _referral(_payload(token, max_age=None), purpose)


def _referral(payload: dict, purpose: str) -> Referral:
    if payload.get("p") != purpose:
        raise LinkInvalid()
    referral = Referral.objects.select_related("place").filter(pk=payload.get("r")).first()
    if referral is None:
        raise LinkInvalid()
    return referral
