import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from opening_hours import OpeningHours


def _warm_up_opening_hours():
    """opening-hours-py remembers the datetime class it meets first; if that were freezegun's FakeDatetime
    (a test under freeze_time), every later call with a real datetime would fail. Meet the real one first."""
    expression = OpeningHours("Mo-Fr 09:00-12:00; PH off", country="FR")
    for moment in (dt.datetime(2025, 6, 2, 10), dt.datetime(2025, 6, 2, 10, tzinfo=ZoneInfo("Europe/Paris"))):
        expression.is_open(moment)
        expression.next_change(moment)
        list(expression.intervals(moment, moment + dt.timedelta(days=1)))


_warm_up_opening_hours()


@pytest.fixture(autouse=True)
def _media_and_mail(settings):
    """Every test gets an empty outbox and no real e-mail backend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters (login, password reset) live in the cache: each test starts without any."""
    import contextlib

    from django.core.cache import cache

    # A database cache in a test without database access: nothing to clear.
    with contextlib.suppress(RuntimeError):
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns (an error here) when STATIC_ROOT is missing, as it is before any collectstatic."""
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True, scope="session")
def _journal_flushable_between_transactional_tests():
    """The journal's triggers refuse the DELETE (SQLite) or TRUNCATE (PostgreSQL) that Django's flush uses after
    each transactional test (live server, concurrency): lift them for the flush only, the journal stays
    append-only otherwise."""
    import importlib

    from django.db import connections
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    triggers = importlib.import_module("cordee.journal.migrations.0003_append_only_triggers")

    def set_triggers(test_case, action):
        for alias in test_case._databases_names(include_mirrors=False):
            connection = connections[alias]
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"ALTER TABLE journal_entry {action} TRIGGER USER")
                elif connection.vendor == "sqlite":
                    # SQLite cannot disable a trigger: drop it for the flush and create it again.
                    for statement in triggers.SQLITE_BACKWARD if action == "DISABLE" else triggers.SQLITE_FORWARD:
                        cursor.execute(statement)

    def fixture_teardown(test_case):
        set_triggers(test_case, "DISABLE")
        try:
            original(test_case)
        finally:
            set_triggers(test_case, "ENABLE")

    TransactionTestCase._fixture_teardown = fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original
