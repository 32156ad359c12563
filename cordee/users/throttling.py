"""Limits on failed logins and on password-reset e-mails, counted in the shared cache.

Failed logins are counted per account (the e-mail typed, whether an account exists or not, so the answer
tells nothing about it) and per client address. Past the limit the account, or the address, is locked
for a while: every attempt is refused, even with the right password, with a French message saying how
long to wait. The account lock is short (a few minutes): an attacker who knows someone's e-mail cannot
keep them out for long; the address lock is longer, since it only stops that address. Each lock is
journaled (the e-mail and the address as keyed hashes only).

Password-reset requests are limited per account (beyond the limit, no e-mail is sent but the answer is
the same) and per address (beyond the limit, the person is told to wait).

Counters live in ``django.core.cache.cache``, which must be shared by every process (database cache or
Redis), under keys made of keyed hashes: neither e-mails nor addresses are stored in clear.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from cordee.core.errors import DomainError
from cordee.core.pseudonyms import keyed_hash
from cordee.journal.services import record


class TooManyAttempts(DomainError):
    """Refused because of a lock; ``retry_after`` in seconds."""

    status = 429
    default_reason = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, scope: str):
        super().__init__(message, retry_after=retry_after, scope=scope)
        self.retry_after = retry_after
        self.scope = scope


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int  # how many within the window…
    window: int  # …seconds, counted from the first one
    lock: int  # seconds locked once over (0: refuse until the window ends)


LOGIN_PER_ACCOUNT = Limit("login-account", attempts=5, window=15 * 60, lock=5 * 60)
LOGIN_PER_ADDRESS = Limit("login-address", attempts=20, window=60 * 60, lock=60 * 60)
PASSWORD_CHANGE_PER_ACCOUNT = Limit("password-change-account", attempts=5, window=15 * 60, lock=15 * 60)
PASSWORD_CHANGE_PER_ADDRESS = Limit("password-change-address", attempts=20, window=60 * 60, lock=60 * 60)
RESET_PER_ACCOUNT = Limit("reset-account", attempts=2, window=60 * 60, lock=0)
RESET_PER_ADDRESS = Limit("reset-address", attempts=5, window=60 * 60, lock=0)


def _key(limit: Limit, identifier: str, suffix: str) -> str:
    return f"throttle:{limit.name}:{keyed_hash(identifier)}:{suffix}"


def _locked_for(limit: Limit, identifier: str) -> int:
    """Seconds left on the lock of this identifier, 0 when free."""
    until = cache.get(_key(limit, identifier, "lock"))
    if not until:
        return 0
    return max(0, math.ceil(until - time.time()))


def _hit(limit: Limit, identifier: str) -> int:
    """Count one more attempt; returns the count in the current window."""
    key = _key(limit, identifier, "count")
    if cache.add(key, 0, timeout=limit.window):
        cache.set(_key(limit, identifier, "start"), time.time(), timeout=limit.window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.window)
        return 1


def _lock(limit: Limit, identifier: str) -> None:
    cache.set(_key(limit, identifier, "lock"), time.time() + limit.lock, timeout=limit.lock)
    cache.delete(_key(limit, identifier, "count"))


def _reset(limit: Limit, identifier: str) -> None:
    cache.delete_many([_key(limit, identifier, suffix) for suffix in ("count", "start", "lock")])


def _wait_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes >= 60:
        hours = math.ceil(minutes / 60)
        return "une heure" if hours == 1 else f"{hours} heures"
    return "une minute" if minutes == 1 else f"{minutes} minutes"


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


# --- Login ------------------------------------------------------------------------------------------------


def check_login_allowed(email: str, address: str) -> None:
    """Before checking a password: refuse while the account or the address is locked."""
    wait = _locked_for(LOGIN_PER_ADDRESS, address)
    if wait:
        raise TooManyAttempts(
            f"Trop de tentatives de connexion depuis votre connexion internet. Réessayez dans {_wait_text(wait)}.",
            retry_after=wait,
            scope="address",
        )
    wait = _locked_for(LOGIN_PER_ACCOUNT, _normalise(email))
    if wait:
        raise TooManyAttempts(
            "Trop de tentatives de connexion à ce compte : il est bloqué un moment pour le protéger. "
            f"Réessayez dans {_wait_text(wait)}, ou choisissez un nouveau mot de passe "
            "avec « Mot de passe oublié ? ».",
            retry_after=wait,
            scope="account",
        )


def login_failed(email: str, address: str) -> None:
    """After a wrong password: count it, lock past the limits (journaled)."""
    email = _normalise(email)
    if _hit(LOGIN_PER_ACCOUNT, email) >= LOGIN_PER_ACCOUNT.attempts:
        _lock(LOGIN_PER_ACCOUNT, email)
        record(
            None,
            "accounts.login.locked",
            scope="account",
            identifier=keyed_hash(email),
            address=keyed_hash(address),
            seconds=LOGIN_PER_ACCOUNT.lock,
        )
    if _hit(LOGIN_PER_ADDRESS, address) >= LOGIN_PER_ADDRESS.attempts:
        _lock(LOGIN_PER_ADDRESS, address)
        record(
            None, "accounts.login.locked", scope="address", address=keyed_hash(address), seconds=LOGIN_PER_ADDRESS.lock
        )


def login_succeeded(email: str) -> None:
    """The right password: forget the account's failures (not the address's)."""
    _reset(LOGIN_PER_ACCOUNT, _normalise(email))


def password_reset_done(user) -> None:
    """A new password chosen from the e-mailed link: the account's logins are no longer locked (journaled)."""
    _reset(LOGIN_PER_ACCOUNT, _normalise(user.email))
    record(user, "accounts.password_reset.completed", user)


# --- Password change (signed in) ------------------------------------------------------------------------
# The current password is asked again: someone using a session left open must not guess it. Wrong guesses
# are limited like logins, with their own counters (a person who mistypes it does not lock their logins).


def check_password_change_allowed(user, address: str) -> None:
    """Before checking the current password: refuse while the account or the address is locked."""
    wait = max(
        _locked_for(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk)), _locked_for(PASSWORD_CHANGE_PER_ADDRESS, address)
    )
    if wait:
        raise TooManyAttempts(
            "Trop d'essais du mot de passe actuel : le changement est bloqué un moment pour protéger votre compte. "
            f"Réessayez dans {_wait_text(wait)}, ou choisissez un nouveau mot de passe "
            "avec « Mot de passe oublié ? ».",
            retry_after=wait,
            scope="account",
        )


def password_change_failed(user, address: str) -> None:
    """A wrong current password: count it, lock past the limits (journaled, without the address in clear)."""
    if _hit(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk)) >= PASSWORD_CHANGE_PER_ACCOUNT.attempts:
        _lock(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk))
        record(
            user,
            "accounts.password_change.locked",
            user,
            scope="account",
            address=keyed_hash(address),
            seconds=PASSWORD_CHANGE_PER_ACCOUNT.lock,
        )
    if _hit(PASSWORD_CHANGE_PER_ADDRESS, address) >= PASSWORD_CHANGE_PER_ADDRESS.attempts:
        _lock(PASSWORD_CHANGE_PER_ADDRESS, address)
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
    _reset(PASSWORD_CHANGE_PER_ACCOUNT, str(user.pk))
    _reset(LOGIN_PER_ACCOUNT, _normalise(user.email))
    record(user, "accounts.password.changed", user)


# --- Password reset --------------------------------------------------------------------------------------


def reset_request(email: str, address: str) -> bool:
    """Count a password-reset request; returns whether an e-mail may be sent.

    Over the address limit: ``TooManyAttempts`` (the person is told to wait). Over the account limit:
    ``False`` — no e-mail, but the same answer as usual, so nothing tells whether the account exists.
    """
    email = _normalise(email)
    wait = _window_left(RESET_PER_ADDRESS, address)
    if wait:
        record(None, "accounts.password_reset.throttled", scope="address", address=keyed_hash(address))
        raise TooManyAttempts(
            "Trop de demandes de nouveau mot de passe depuis votre connexion internet. "
            f"Réessayez dans {_wait_text(wait)}.",
            retry_after=wait,
            scope="address",
        )
    _hit(RESET_PER_ADDRESS, address)
    if _window_left(RESET_PER_ACCOUNT, email):
        record(None, "accounts.password_reset.throttled", scope="account", identifier=keyed_hash(email))
        return False
    _hit(RESET_PER_ACCOUNT, email)
    record(None, "accounts.password_reset.requested", identifier=keyed_hash(email), address=keyed_hash(address))
    return True


def _window_left(limit: Limit, identifier: str) -> int:
    """Seconds to wait when the limit is reached in the current window, else 0."""
    key = _key(limit, identifier, "count")
    count = cache.get(key) or 0
    if count < limit.attempts:
        return 0
    started = cache.get(_key(limit, identifier, "start"))
    return max(1, math.ceil(started + limit.window - time.time())) if started else limit.window
