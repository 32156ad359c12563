"""How long the journal keeps its entries, and the purge (the only deletion the journal allows).

Entries about logging in and passwords (``accounts.*``) are kept one year, every other entry five years
(docs/personal-data.md). The purge lifts the append-only triggers for the deletion only, in one
transaction, creates them again and journals itself.
"""

import datetime as dt
import importlib

from django.db import connection, transaction
from django.utils import timezone

from cordee.journal.models import Entry
from cordee.journal.services import record

AUTHENTICATION_PREFIX = "accounts."
AUTHENTICATION_RETENTION = dt.timedelta(days=365)
DEFAULT_RETENTION = dt.timedelta(days=5 * 365)

_triggers = importlib.import_module("cordee.journal.migrations.0003_append_only_triggers")


def expired(now=None) -> dict:
    """The querysets of expired entries, by kind."""
    now = now or timezone.now()
    return {
        "authentication": Entry.objects.filter(
            action__startswith=AUTHENTICATION_PREFIX, at__lt=now - AUTHENTICATION_RETENTION
        ),
        "other": Entry.objects.exclude(action__startswith=AUTHENTICATION_PREFIX).filter(
            at__lt=now - DEFAULT_RETENTION
        ),
    }


def _statements(which: str) -> list[str]:
    if connection.vendor == "sqlite":
        return _triggers.SQLITE_FORWARD if which == "create" else _triggers.SQLITE_BACKWARD
    if connection.vendor == "postgresql":
        return _triggers.POSTGRES_FORWARD if which == "create" else _triggers.POSTGRES_BACKWARD
    return []


def purge(now=None, *, wet_run: bool = False) -> dict:
    """Delete the expired entries (or only count them without ``wet_run``); returns the counts by kind."""
    querysets = expired(now)
    counts = {kind: queryset.count() for kind, queryset in querysets.items()}
    if not wet_run or not any(counts.values()):
        return counts
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _statements("drop"):
            cursor.execute(statement)
        for queryset in querysets.values():
            queryset._raw_delete(queryset.db)
        for statement in _statements("create"):
            cursor.execute(statement)
        record(None, "journal.purged", **counts)
    return counts
