"""Writing to the append-only journal, without personal data.

Who acted is kept as a user id and a pseudonymous label (``utilisateur n° 42``): the account's name and
e-mail can be erased while the journal stays intact. Objects whose text names a person (accounts,
memberships, invitations) are described by their kind and id only. An identifier of someone without an
account (an e-mail typed at login or at a password reset) goes in ``details`` only as a keyed hash
(``hashed_identifier``); ``record`` replaces anything that still looks like an e-mail address, in the
details or in an object's text, by its keyed hash.
"""

import re

from cordee.core.pseudonyms import keyed_hash, user_label
from cordee.core.sql import insert_row
from cordee.journal.models import Entry

# Models whose text (``str``) names a person: the journal keeps "<kind> n° <id>" instead.
PERSONAL_MODELS = frozenset(
    {"users.user", "structures.membership", "structures.invitation", "structures.teammembership"}
)
EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def hashed_identifier(value: str) -> str:
    """How the journal keeps an identifier typed by someone (e-mail at login, at a reset): a keyed hash."""
    return keyed_hash(value)


def scrub(value):
    """``value`` with every e-mail address replaced by its keyed hash (strings, lists, dicts)."""
    if isinstance(value, str):
        return EMAIL_LIKE.sub(lambda match: keyed_hash(match.group(0)), value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [scrub(item) for item in value]
    return value


def object_label(obj) -> str:
    """What the journal shows for an object: its text, or its kind and id when the text names a person."""
    if obj._meta.label_lower in PERSONAL_MODELS:
        return f"{obj._meta.verbose_name} n° {obj.pk}"
    return scrub(str(obj))[:255]


def record(actor, action: str, obj=None, **details) -> Entry:
    """Write one journal entry. ``details``: identifiers only, never personal data (see ``hashed_identifier``)."""
    entry = Entry(action=action, details=scrub(details))
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.actor = actor
        entry.actor_label = user_label(actor)
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = object_label(obj)
    return insert_row(entry)  # a new row only (the journal is append-only), written by one plain INSERT
