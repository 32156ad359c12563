"""Snapshots (syrupy) of pages, API payloads and SQL, normalised so that they change only when the output does.

    assert main_html(response) == snapshot
    with sql_queries() as queries:
        client.get(url)
    assert queries == sql_snapshot   # fixture of tests/conftest.py: one file per database, their SQL differs

Update the stored snapshots with ``pytest --snapshot-update tests/…`` on SQLite, then again with DATABASE_URL set to
a PostgreSQL database for the SQL ones (``__snapshots_postgresql__/``); read the diff before committing it: it is the
point of the test.
Objects that appear in the output are created with fixed primary keys (``SNAPSHOT_PK``…) so that pages and
payloads do not depend on the database's sequences.
"""

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from syrupy.extensions.amber import AmberSnapshotExtension

SNAPSHOT_PK = 7001  # the first primary key of objects that a snapshot shows; add 1, 2… for the next ones

# 10:00 in Paris on Monday 2 June 2025. Patch django.utils.timezone.now with it rather than use freezegun: the
# opening_hours extension keeps the first datetime class it meets.
MONDAY_10AM = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)


def snapshot_structure():
    from tests.structures.factories import StructureFactory
    from tests.territories.factories import CommuneFactory

    return StructureFactory(pk=SNAPSHOT_PK, name="Espace numérique de Guéret", commune=CommuneFactory())


def snapshot_places(structure):
    """Three places of Guéret, 100 m, 1 km and 3 km north of its centre, each showing other fields."""
    from cordee.places import enums
    from tests.places.factories import PlaceFactory

    common = {"structure": structure, "commune_ref": structure.commune, "longitude": 1.87148}
    return [
        PlaceFactory(
            pk=SNAPSHOT_PK,
            source_id="mediatheque",
            name="Médiathèque de Guéret",
            address="1 avenue de la République",
            latitude=46.17199 + 0.1 / 111.195,
            with_hours=True,
            with_contacts=True,
            pass_numerique=True,
            qualified=True,
            **common,
        ),
        PlaceFactory(
            pk=SNAPSHOT_PK + 1,
            source_id="france-services",
            name="France Services de Guéret",
            address="2 place Bonnyaud",
            latitude=46.17199 + 1 / 111.195,
            opening_hours="Mo-Sa 09:00-12:00; PH off",
            services=[enums.Service.AIDE_DEMARCHES.value],
            **common,
        ),
        PlaceFactory(
            pk=SNAPSHOT_PK + 2,
            source_id="tiers-lieu",
            name="Tiers-lieu du centre",
            address="3 rue Nationale",
            latitude=46.17199 + 3 / 111.195,
            with_invalid_hours=True,
            **common,
        ),
    ]


_MAIN = re.compile(r"<main\b.*?</main>", re.DOTALL)
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
_NONCE = re.compile(r'(nonce=")[^"]+(")')
_BLANK_LINES = re.compile(r"\n\s*\n")


def main_html(response):
    """The ``<main>`` element of a page, without its tokens and nonces, and without blank lines."""
    html = response.content.decode()
    match = _MAIN.search(html)
    assert match, "La page n'a pas d'élément <main>"
    html = _CSRF.sub(r"\1[csrf]\2", match.group(0))
    html = _NONCE.sub(r"\1[nonce]\2", html)
    return _BLANK_LINES.sub("\n", html).strip() + "\n"


_SAVEPOINT = re.compile(r'"?s\d+_x\d+"?')
_SELECT_LIST = re.compile(r"^SELECT (DISTINCT )?.+? FROM ", re.DOTALL)
_SPACES = re.compile(r"\s+")
_PLACEHOLDER_LIST = re.compile(r"\bIN \(%s(?:, %s)*\)")
_LIMIT = re.compile(r"\b(LIMIT|OFFSET) \d+")


def normalise_sql(sql):
    """The statement with its placeholders (no values, so no primary keys or dates), its savepoint names hidden, the
    list of selected columns shortened, and what depends on the number of rows (``IN (%s, %s…)``, ``LIMIT 20``)
    made constant: what a snapshot must show is which queries run, and how many."""
    sql = _SPACES.sub(" ", sql).strip()
    sql = _SAVEPOINT.sub("[savepoint]", sql)
    sql = _PLACEHOLDER_LIST.sub("IN (%s, …)", sql)
    sql = _LIMIT.sub(r"\1 n", sql)
    return _SELECT_LIST.sub(lambda match: f"SELECT {match.group(1) or ''}… FROM ", sql)


@contextmanager
def sql_queries(using=connection):
    """Collect the normalised SQL of every statement run in the block, in order."""
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(normalise_sql(sql))
        return execute(sql, params, many, context)

    with using.execute_wrapper(record):
        yield queries


class PerDatabaseSnapshotExtension(AmberSnapshotExtension):
    """Snapshots kept in ``__snapshots_<database vendor>__/`` beside ``__snapshots__/``: the SQLite run neither reads
    nor prunes the PostgreSQL ones, and the other way round."""

    @classmethod
    def dirname(cls, *, test_location):
        return str(Path(test_location.filepath).parent / f"__snapshots_{connection.vendor}__")
