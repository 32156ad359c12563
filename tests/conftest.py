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
    """The append-only triggers (journal, pass events and credits) refuse the DELETE (SQLite) or TRUNCATE
    (PostgreSQL) that Django's flush uses after each transactional test (live server, concurrency): lift them
    for the flush only, the tables stay append-only otherwise."""
    import importlib

    from django.db import connections
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    journal = importlib.import_module("cordee.journal.migrations.0003_append_only_triggers")
    ledger = importlib.import_module("cordee.pass_numerique.migrations.0003_append_only_ledger")
    tables = ("journal_entry", *ledger.TABLES)
    sqlite_drop = [*journal.SQLITE_BACKWARD, *ledger.SQLITE_BACKWARD]
    sqlite_create = [*journal.SQLITE_FORWARD, *ledger.SQLITE_FORWARD]

    def set_triggers(test_case, action):
        for alias in test_case._databases_names(include_mirrors=False):
            connection = connections[alias]
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    for table in tables:
                        cursor.execute(f"ALTER TABLE {table} {action} TRIGGER USER")
                elif connection.vendor == "sqlite":
                    # SQLite cannot disable a trigger: drop it for the flush and create it again.
                    for statement in sqlite_drop if action == "DISABLE" else sqlite_create:
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


@pytest.fixture(autouse=True, scope="session")
def _unordered_querysets_come_back_shuffled():
    """A queryset without an order (no ``order_by()``, and no ``Meta.ordering`` in force) comes back from the
    database in whatever order the database likes, which differs between SQLite and PostgreSQL, and between two
    runs of PostgreSQL. Shuffle its rows in tests, so code or a test that relies on that order fails here rather
    than in production. ``random`` is seeded per test by pytest-randomly: a failure replays with its seed."""
    import random

    from django.db.models.query import QuerySet

    original = QuerySet._fetch_all

    def fetch_all(queryset):
        already_fetched = queryset._result_cache is not None
        original(queryset)
        if (
            not already_fetched
            and not queryset.ordered
            and not queryset.query.is_sliced  # the rows picked depend on the order already: shuffling hides nothing
            and isinstance(queryset._result_cache, list)
            and len(queryset._result_cache) > 1
        ):
            random.shuffle(queryset._result_cache)

    QuerySet._fetch_all = fetch_all
    yield
    QuerySet._fetch_all = original


class SelectForUpdateWithoutOf(AssertionError):
    pass


@pytest.fixture(autouse=True, scope="session")
def _select_for_update_of_with_select_related():
    """``select_for_update()`` with ``select_related()`` locks the rows of every joined table (on PostgreSQL), which
    blocks unrelated writers and invites deadlocks. Refuse it in tests unless ``of=`` names the tables to lock.
    The check runs on the query, so it holds on SQLite too, where locking is a no-op."""
    from django.db.models.sql.compiler import SQLCompiler

    original = SQLCompiler.execute_sql

    def execute_sql(compiler, *args, **kwargs):
        query = compiler.query
        if query.select_for_update and query.select_related and not query.select_for_update_of:
            raise SelectForUpdateWithoutOf(
                f"select_for_update() avec select_related() sur {query.model.__name__} verrouille aussi les tables "
                'jointes : nommez les tables à verrouiller avec select_for_update(of=("self", …)).'
            )
        return original(compiler, *args, **kwargs)

    SQLCompiler.execute_sql = execute_sql
    yield
    SQLCompiler.execute_sql = original


@pytest.fixture
def sign_in_as(client):
    """``sign_in_as(kind, structure=None)``: sign the test's client in as a user of that kind (tests/user_kinds.py)."""
    from tests.user_kinds import login_as

    def sign_in(kind, structure=None):
        return login_as(client, kind, structure)

    return sign_in


@pytest.fixture
def sql_snapshot(snapshot):
    """A syrupy snapshot stored per database (tests/snapshots.py), for the SQL a page runs."""
    from tests.snapshots import PerDatabaseSnapshotExtension

    return snapshot.with_defaults(extension_class=PerDatabaseSnapshotExtension)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` prove what only PostgreSQL can (concurrency, locks): skipped on SQLite."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="PostgreSQL seulement : lancez avec DATABASE_URL=postgres://…")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


SLOW_TEST_SECONDS = 5.0
_unmarked_slow_tests = []


def pytest_runtest_logreport(report):
    """Remember tests that took long without being marked ``slow`` (nor ``bench``, ``browser``)."""
    marked = {"slow", "bench", "browser"} & set(report.keywords)
    if report.when == "call" and report.duration > SLOW_TEST_SECONDS and not marked:
        _unmarked_slow_tests.append((report.duration, report.nodeid))


def pytest_terminal_summary(terminalreporter):
    """`make test` must stay under 5 minutes per database: name the long tests that are not marked ``slow``."""
    if _unmarked_slow_tests:
        terminalreporter.write_sep("-", f"Tests de plus de {SLOW_TEST_SECONDS:.0f} s sans la marque slow")
        for duration, nodeid in sorted(_unmarked_slow_tests, reverse=True):
            terminalreporter.write_line(f"{duration:6.1f} s  {nodeid}")
