"""Pseudonymous labels and keyed hashes, for records that must outlive a person's personal data.

The journal and the transition logs keep *who* acted as a user id and a label that names no one
("utilisateur n° 42"): erasing an account's name and e-mail leaves them intact and still meaningful
to whoever can look the id up. Identifiers of people without an account (an e-mail typed at login,
at a password reset) are stored only as a keyed hash (HMAC-SHA256): the same value always gives the
same hash, so repeated attempts can be told apart, but the value cannot be read back nor guessed
without the key.

The key is ``settings.JOURNAL_HASH_KEY`` (environment variable of the same name), or derived from
``SECRET_KEY`` when it is empty. Changing it makes new hashes differ from the stored ones.
"""

import hashlib
import hmac

from django.conf import settings

HASH_PREFIX = "hmac:"
HASH_LENGTH = 24  # hex characters kept: 96 bits, plenty to tell identifiers apart


def _key() -> bytes:
    key = getattr(settings, "JOURNAL_HASH_KEY", "") or ""
    if key:
        return key.encode()
    return hashlib.sha256(b"cordee.journal.hash:" + settings.SECRET_KEY.encode()).digest()


def keyed_hash(value: str) -> str:
    """A stable keyed hash of an identifier (trimmed, case-insensitive), e.g. ``hmac:3f1c…``."""
    normalised = (value or "").strip().lower().encode()
    digest = hmac.new(_key(), normalised, hashlib.sha256).hexdigest()
    return f"{HASH_PREFIX}{digest[:HASH_LENGTH]}"


def user_label(user_or_id) -> str:
    """A label that names no one: ``utilisateur n° 42``. Empty for nobody (system actions)."""
    pk = getattr(user_or_id, "pk", user_or_id)
    return f"utilisateur n° {pk}" if pk else ""
