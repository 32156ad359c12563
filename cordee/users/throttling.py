"""Limits on failed logins and on password-reset e-mails, counted in the shared cache.

Failed logins are counted per account (the e-mail typed, whether an account exists or not, so the answer
tells nothing about it) and per client address. Past the limit the account, or the address, is locked
for a while: every attempt is refused, even with the right password, with a French message saying how
long to wait. The account lock is short (a few minutes): an attacker who knows someone's e-mail cannot
keep them out for long; the address lock is longer, since it only stops that address. Each lock is
journaled (the e-mail and the address as keyed hashes only).

Password-reset requests are limited per account (beyond the limit, no e-mail is sent but the answer is
the same) and per address (beyond the limit, the person is told to wait).

Counters and locks are those of ``cordee.core.ratelimit``, in the cache shared by every process (database
cache or Redis), under keys made of keyed hashes: neither e-mails nor addresses are stored in clear.
"""

from cordee.core import ratelimit
from cordee.core.pseudonyms import keyed_hash
from cordee.core.ratelimit import Limit, locked_for, reset, retry_after, wait_text
from cordee.journal.services import record


class TooManyAttempts(ratelimit.RateLimited):
    """Refused because of a lock; ``retry_after`` in seconds, ``scope`` "account" or "address"."""

    default_reason = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, scope: str):
        super().__init__(message, retry_after=retry_after, scope=scope)
        self.scope = scope


# A lock of 0 refuses until the window ends (``retry_after``) instead of locking.
LOGIN_PER_ACCOUNT = Limit("login-account", attempts=5, window=15 * 60, lock=5 * 60)
LOGIN_PER_ADDRESS = Limit("login-address", attempts=20, window=60 * 60, lock=60 * 60)
PASSWORD_CHANGE_PER_ACCOUNT = Limit("password-change-account", attempts=5, window=15 * 60, lock=15 * 60)
PASSWORD_CHANGE_PER_ADDRESS = Limit("password-change-address", attempts=20, window=60 * 60, lock=60 * 60)
RESET_PER_ACCOUNT = Limit("reset-account", attempts=2, window=60 * 60)
RESET_PER_ADDRESS = Limit("reset-address", attempts=5, window=60 * 60)


def _failed(limit: Limit, identifier: str) -> bool:
    """Count one failure; past the limit lock the identifier and return True."""
    if ratelimit.count(limit, identifier) >= limit.attempts:
        ratelimit.lock(limit, identifier)
        return True
    return False


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


# --- Login ------------------------------------------------------------------------------------------------


def check_login_allowed(email: str, address: str) -> None:
    """Before checking a password: refuse while the account or the address is locked."""
    wait = locked_for(LOGIN_PER_ADDRESS, address)
    if wait:
        raise TooManyAttempts(
            f"Trop de tentatives de connexion depuis votre connexion internet. Réessayez dans {wait_text(wait)}.",
            retry_after=wait,
            scope="address",
        )
    wait = locked_for(LOGIN_PER_ACCOUNT, _normalise(email))
    if wait:
        raise TooManyAttempts(
            "Trop de tentatives de connexion à ce compte : il est bloqué un moment pour le protéger. "
            f"Réessayez dans {wait_text(wait)}, ou choisissez un nouveau mot de passe "
            "avec « Mot de passe oublié ? ».",
            retry_after=wait,
            scope="account",
        )


def login_failed(email: str, address: str) -> None:
    """After a wrong password: count it, lock past the limits (journaled)."""
    email = _normalise(email)
    if _failed(LOGIN_PER_ACCOUNT, email):
        record(
            None,
            "accounts.login.locked",
            scope="account",
            identifier=keyed_hash(email),
            address=keyed_hash(address),
            seconds=LOGIN_PER_ACCOUNT.lock,
        )
    if _failed(LOGIN_PER_ADDRESS, address):
        record(
            None, "accounts.login.locked", scope="address", address=keyed_hash(address), seconds=LOGIN_PER_ADDRESS.lock
        )


def login_succeeded(email: str) -> None:
    """The right password: forget the account's failures (not the address's)."""
    reset(LOGIN_PER_ACCOUNT, _normalise(email))


def password_reset_done(user) -> None:
    """A new password chosen from the e-mailed link: the account's logins are no longer locked (journaled)."""
    reset(LOGIN_PER_ACCOUNT, _normalise(user.email))
    record(user, "accounts.password_reset.completed", user)


# --- Password change (signed in) ------------------------------------------------------------------------
# The current password is asked again: someone using a session left open must not guess it. Wrong guesses
# are limited like logins, with their own counters (a person who mistypes it does not lock their logins).


def check_password_change_allowed(user, address: str) -> None:
    """Before checking the current password: refuse while the account or the address is locked."""
    wait = max(locked_for(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk)), locked_for(PASSWORD_CHANGE_PER_ADDRESS, address))
    if wait:
        raise TooManyAttempts(
            "Trop d'essais du mot de passe actuel : le changement est bloqué un moment pour protéger votre compte. "
            f"Réessayez dans {wait_text(wait)}, ou choisissez un nouveau mot de passe "
            "avec « Mot de passe oublié ? ».",
            retry_after=wait,
            scope="account",
        )


def password_change_failed(user, address: str) -> None:
    """A wrong current password: count it, lock past the limits (journaled, without the address in clear)."""
    if _failed(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk)):
        record(
            user,
            "accounts.password_change.locked",
            user,
            scope="account",
            address=keyed_hash(address),
            seconds=PASSWORD_CHANGE_PER_ACCOUNT.lock,
        )
    if _failed(PASSWORD_CHANGE_PER_ADDRESS, address):
        record(
            user,
            "accounts.password_change.locked",
            user,
            scope="address",
            address=keyed_hash(address),
            seconds=PASSWORD_CHANGE_PER_ADDRESS.lock,
        )


def password_changed(user) -> None:
    """The password was changed while signed in: forget the failures, lift a login lock (journaled)."""
    reset(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk))
    reset(LOGIN_PER_ACCOUNT, _normalise(user.email))
    record(user, "accounts.password.changed", user)


# --- Password reset --------------------------------------------------------------------------------------


def reset_request(email: str, address: str) -> bool:
    """Count a password-reset request; returns whether an e-mail may be sent.

    Over the address limit: ``TooManyAttempts`` (the person is told to wait). Over the account limit:
    ``False`` — no e-mail, but the same answer as usual, so nothing tells whether the account exists.
    """
    email = _normalise(email)
    wait = retry_after(RESET_PER_ADDRESS, address)
    if wait:
        record(None, "accounts.password_reset.throttled", scope="address", address=keyed_hash(address))
        raise TooManyAttempts(
            "Trop de demandes de nouveau mot de passe depuis votre connexion internet. "
            f"Réessayez dans {wait_text(wait)}.",
            retry_after=wait,
            scope="address",
        )
    ratelimit.count(RESET_PER_ADDRESS, address)
    if retry_after(RESET_PER_ACCOUNT, email):
        record(None, "accounts.password_reset.throttled", scope="account", identifier=keyed_hash(email))
        return False
    ratelimit.count(RESET_PER_ACCOUNT, email)
    record(None, "accounts.password_reset.requested", identifier=keyed_hash(email), address=keyed_hash(address))
    return True
