"""Signed links for places without an account: answer a referral without logging in.

A link carries the referral's id, a purpose and the referral's current nonce, signed with the site's key
(``django.core.signing``, salt per purpose) and valid ``REFERRAL_LINK_DAYS`` days. A fresh link changes the
nonce, and so does every decision: the links sent before stop working, and a second decision through an
old link is refused.
"""

import secrets

from django.core import signing

from cordee.core import ratelimit
from cordee.core.errors import NotFound, Refused
from cordee.referrals import conf
from cordee.referrals.models import Referral

ANSWER = "answer"
SALT = "cordee.referrals.link"
# "Send me a new link" mails the stored address only, but each request sends an e-mail: limited per referral
# (the place's inbox is not flooded) and per client address (one visitor cannot mail every place).
RENEWAL_PER_REFERRAL = ratelimit.Limit(
    "referral-link-renewal",
    attempts=3,
    window=60 * 60,
    message="Un nouveau lien a déjà été envoyé plusieurs fois à l'adresse du lieu pour cette orientation. "
    "Regardez sa boîte de réception (et les courriers indésirables), ou réessayez dans {wait}.",
)
RENEWAL_PER_ADDRESS = ratelimit.Limit(
    "referral-link-renewal-address",
    attempts=10,
    window=60 * 60,
    message="Trop de demandes de nouveau lien depuis votre connexion internet. Réessayez dans {wait}.",
)


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


def renew(token: str, client_address: str, purpose: str = ANSWER) -> Referral:
    """The referral whose link may be renewed now: ``LinkInvalid``, or ``ratelimit.RateLimited`` (429) past
    the limits. The caller mails the fresh link (``notifications.new_link``)."""
    ratelimit.check_and_count(RENEWAL_PER_ADDRESS, client_address)
    referral = referral_for_renewal(token, purpose)
    ratelimit.check_and_count(RENEWAL_PER_REFERRAL, f"referral:{referral.pk}")
    return referral


def _referral(payload: dict, purpose: str) -> Referral:
    if payload.get("p") != purpose:
        raise LinkInvalid()
    referral = Referral.objects.select_related("place").filter(pk=payload.get("r")).first()
    if referral is None:
        raise LinkInvalid()
    return referral
