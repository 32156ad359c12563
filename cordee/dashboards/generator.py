"""Synthetic activities shaped like the national programme's, to measure the dashboards at scale.

``generate(count, …)`` makes sure the database holds ``count`` activities, adding synthetic ones with their
structures (in communes drawn by population), places and mediators (about a third conseillers numériques), over
``years`` years up to today:

- each mediator has their own pace (a few very active, many occasional: a Pareto draw);
- seasons (August and the end of December quiet, autumn and spring busy), weekdays (almost nothing on Sunday,
  little on Saturday), and a programme that grows year after year;
- regions differ: the structures follow the population, and each région has its own intensity; home visits and
  activities elsewhere happen in communes drawn by population too;
- kinds, durations, themes, equipment, autonomy, redirections and the people's age, gender and status drawn with
  plausible frequencies (individual accompaniments most of all; workshops of 3 to 12 people);
- imported v1 activities (``source=import_v1``) for the oldest two years.

It is resumable: structures and mediators already generated are reused, and only the missing activities are
added (an interrupted run, or a larger ``count``, picks up where the database stands). Each batch is its own
transaction. Everything is drawn from one seed: a run is reproducible.

Speed (10 million rows): the content of an activity (themes, equipment and redirections; the people and their
counts) is drawn from pools of a few thousand combinations, each drawn from the distributions above, and kept
as ready-made pieces of rows; a row is then a handful of weighted draws and one string join. PostgreSQL receives
the rows with ``COPY``, foreign keys unchecked (``session_replication_role = replica``: every id comes from the
database itself) and the secondary indexes of the activities table dropped during a large load, then rebuilt
(their definitions are kept in a small table until they are, so an interrupted run still gets them back) and
the table vacuumed and analysed. SQLite receives them with ``executemany`` in large batches, the same way.
"""

import datetime
import importlib
import importlib.util
import json
import random
import time
from bisect import bisect
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from cordee.activities import enums
from cordee.activities.models import Activity
from cordee.places.models import Place
from cordee.structures.enums import MembershipRole, StructureKind
from cordee.structures.models import Membership, Structure
from cordee.territories.enums import CommuneKind
from cordee.territories.models import Commune
from cordee.users.models import User

SOURCE_NAME = "synthetique"
EMAIL_DOMAIN = "synthetique.cordee.invalid"
BATCH = 100_000  # rows per transaction
CHUNK = 5_000  # rows per write inside a COPY, so that the database parses while the next rows are drawn
POOL = 8_192  # combinations drawn for each pool
DEFER_INDEXES_FROM = 200_000  # rows to add from which the secondary indexes are dropped and rebuilt
INDEX_STATE_TABLE = "cordee_generator_deferred_index"
# Relative activity of each month (January first) and weekday (Monday first).
MONTHS = [1.0, 1.05, 1.1, 1.0, 0.85, 0.9, 0.6, 0.3, 1.0, 1.15, 1.1, 0.7]
WEEKDAYS = [1.1, 1.2, 1.1, 1.2, 1.0, 0.25, 0.02]
YEARLY_GROWTH = 0.35
KINDS = [("individual", 55), ("quick", 22), ("workshop", 20), ("animation", 1.5), ("event", 1), ("partnership", 0.5)]
DURATIONS = [(15, 12), (30, 25), (45, 15), (60, 25), (90, 10), (120, 10), (180, 3)]
THEMES = dict(
    zip(
        enums.Theme.values,
        [6, 14, 5, 8, 10, 12, 6, 4, 6, 5, 1, 6, 5, 2, 2, 2, 3, 2, 25],
        strict=True,
    )
)
AUTONOMY = [("", 10), ("fully_assisted", 40), ("partly_autonomous", 35), ("autonomous", 15)]
LOCATIONS = [("place", 72), ("home", 8), ("remote", 8), ("elsewhere", 12)]
ELSEWHERE_OTHER_COMMUNE = 0.3  # share of home visits and « elsewhere » outside the structure's commune
EQUIPMENT = [("computer", 40), ("phone", 40), ("tablet", 10), ("other", 3), ("none", 7)]
REDIRECTION_SHARE = 0.15
AGE_BANDS = [("age_18_24", 6), ("age_25_39", 15), ("age_40_59", 25), ("age_60_69", 20), ("age_70_plus", 22)]
AGE_BANDS += [("age_under_12", 2), ("age_12_17", 3), ("age_unknown", 7)]
STATUSES = [("status_employed", 20), ("status_unemployed", 25), ("status_retired", 40), ("status_student", 5)]
STATUSES += [("status_unknown", 10)]
GENDERS = [("gender_female", 55), ("gender_male", 40), ("gender_unknown", 5)]
V1_SHARE = 0.6  # share of the activities of the oldest two years that come from the v1 import
V1_AGE_COLUMNS = ["age_v1_under_12", "age_v1_12_18", "age_v1_18_35", "age_v1_35_60", "age_v1_over_60"]
COUNT_COLUMNS = [c for c, _w in AGE_BANDS + STATUSES + GENDERS] + V1_AGE_COLUMNS

# Columns in the order of the pieces a row is made of.
MEDIATOR_COLUMNS = ["mediator_id", "legacy_mediator_id", "structure_id", "is_conseiller_numerique"]
LOCATION_COLUMNS = ["location_kind", "place_id", "commune_id", "departement_code", "region_code"]
PEOPLE_COLUMNS = ["kind", "autonomy", "title", "level", "participants", "returning", *COUNT_COLUMNS]
CONTENT_COLUMNS = [
    "themes",
    "themes_mask",
    "admin_subthemes",
    "admin_subthemes_mask",
    "admin_precision",
    "equipment",
    "equipment_mask",
    "redirections",
    "redirections_mask",
]
ROW_COLUMNS = ["date", "duration_minutes", "source", "note", "created_at", "updated_at"]
COLUMNS = MEDIATOR_COLUMNS + LOCATION_COLUMNS + PEOPLE_COLUMNS + CONTENT_COLUMNS + ROW_COLUMNS


class Chooser:
    """Weighted draws from a list of (value, weight), with cumulative weights computed once."""

    def __init__(self, pairs, rng):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]
        self.rng = rng

    def __call__(self):
        return self.values[bisect(self.cumulative, self.rng.random() * self.total)]

    def many(self, k):
        return self.rng.choices(self.values, cum_weights=self.cumulative, k=k)


class Piece:
    """Part of a row, both as values (for ``executemany``) and as text (for ``COPY``)."""

    __slots__ = ("text", "values")

    def __init__(self, values, vendor):
        self.values = tuple(values)
        self.text = "\t".join(_copy_text(value) for value in self.values) if vendor == "postgresql" else ""


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    assert not any(c in text for c in "\t\n\r\\"), text
    return text


def _years_before(day, years):
    """The same day ``years`` years earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _mask(values, order) -> int:
    mask = 0
    for value in values:
        mask |= 1 << order.index(value)
    return mask


def generate(
    count, *, mediators=4000, structures=3000, years=4, seed=20251201, today=None, progress=None, rollup_progress=None
) -> dict:
    """Bring the activities of the database to ``count`` (adding what is missing); returns what was created.

    After a bulk load, the pre-aggregated tables of ``cordee.dashboards.rollups`` (when that module exists) are
    rebuilt: the load bypasses the triggers that keep them, as it does the foreign keys."""
    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    communes = list(
        Commune.objects.filter(kind=CommuneKind.COMMUNE, population__gt=0)
        .order_by("code_insee")
        .values_list("code_insee", "departement_id", "departement__region_id", "population")
    )
    if not communes:
        raise ValueError("Chargez d'abord les territoires (python manage.py load_territories --wet-run).")
    region_intensity = {}
    for _code, _dep, region, _pop in communes:
        region_intensity.setdefault(region, 0.6 + rng.random() * 0.8)
    commune_choice = Chooser([(c[:3], c[3] * region_intensity[c[2]]) for c in communes], rng)

    with transaction.atomic():
        created_structures, structure_rows = _structures(structures, commune_choice, rng)
        created_places, place_rows = _places(structure_rows)
        created_mediators, mediator_rows = _mediators(mediators, structure_rows, place_rows, rng)

    existing = Activity.objects.count()  # quick (an index-only scan), where counting only ours is not
    missing = max(0, count - existing)
    interrupted = bool(ensure_indexes())  # a load stopped before its end: rebuild the rollups too
    if missing:
        rows = _Rows(mediator_rows, commune_choice, years, today, seed, existing)
        _load(rows, missing, existing, count, progress)
    rollups = (missing > 0 or interrupted) and rebuild_rollups(progress=rollup_progress)
    return {
        "rollups": rollups,
        "structures": created_structures,
        "places": created_places,
        "mediators": created_mediators,
        "activities": missing,
        "total": existing + missing,
        "seconds": round(time.monotonic() - started, 1),
    }


def _structures(count, commune_choice, rng):
    """Create the synthetic structures still missing; returns (created, [(pk, commune, dep, region)])."""
    existing = Structure.objects.filter(email__endswith=EMAIL_DOMAIN).count()
    structures = [
        Structure(
            name=f"Structure synthétique {n + 1}",
            kind=rng.choice(StructureKind.values),
            commune_id=commune_choice()[0],
            email=f"structure{n + 1}@{EMAIL_DOMAIN}",
        )
        for n in range(existing, count)
    ]
    Structure.objects.bulk_create(structures, batch_size=2000)
    rows = (
        Structure.objects.filter(email__endswith=EMAIL_DOMAIN)
        .order_by("pk")
        .values_list("pk", "commune_id", "commune__departement_id", "commune__departement__region_id")
    )
    return len(structures), list(rows)


def _places(structure_rows):
    """One place per synthetic structure; returns (created, {structure id: place id})."""
    places = dict(
        Place.objects.filter(source_name=SOURCE_NAME, structure__email__endswith=EMAIL_DOMAIN).values_list(
            "structure_id", "pk"
        )
    )
    new = [
        Place(
            source_name=SOURCE_NAME,
            source_id=str(pk),
            name=f"Lieu synthétique {pk}",
            search_name=f"lieu synthetique {pk}",
            structure_id=pk,
            commune_ref_id=commune,
        )
        for pk, commune, _dep, _region in structure_rows
        if pk not in places
    ]
    Place.objects.bulk_create(new, batch_size=2000)
    places = dict(
        Place.objects.filter(source_name=SOURCE_NAME, structure__email__endswith=EMAIL_DOMAIN).values_list(
            "structure_id", "pk"
        )
    )
    return len(new), places


def _mediators(count, structure_rows, place_rows, rng):
    """Create the synthetic mediators still missing (each a member of one structure, in order then at random).

    Returns (created, [(user id, structure row, place id, conseiller numérique?)]) for all of them, in order."""
    existing = User.objects.filter(email__endswith=EMAIL_DOMAIN, memberships__isnull=False).count()
    password = make_password(None)
    users = [
        User(email=f"mediateur{n + 1}@{EMAIL_DOMAIN}", password=password, first_name="Médiateur")
        for n in range(existing, count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    ids = dict(
        User.objects.filter(email__in=[user.email for user in users]).values_list("email", "pk")
    )  # bulk_create does not return ids on every backend
    memberships = []
    for n, user in enumerate(users, start=existing):
        structure = structure_rows[n % len(structure_rows)] if n < len(structure_rows) else rng.choice(structure_rows)
        role = MembershipRole.CONSEILLER_NUMERIQUE if rng.random() < 0.35 else MembershipRole.MEDIATEUR
        memberships.append(Membership(user_id=ids[user.email], structure_id=structure[0], role=role))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    by_structure = {row[0]: row for row in structure_rows}
    rows = [
        (
            user_id,
            by_structure[structure_id],
            place_rows.get(structure_id),
            role == MembershipRole.CONSEILLER_NUMERIQUE,
        )
        for user_id, structure_id, role in Membership.objects.filter(user__email__endswith=EMAIL_DOMAIN)
        .order_by("user_id")
        .values_list("user_id", "structure_id", "role")
        if structure_id in by_structure
    ]
    return len(users), rows


class _Rows:
    """Draws rows of activities: pools of ready-made pieces, then a few weighted draws per row."""

    def __init__(self, mediator_rows, commune_choice, years, today, seed, existing):
        vendor = connection.vendor
        self.vendor = vendor
        # The pace of each mediator depends on the seed only, so that every run of a resumed load agrees.
        pace = random.Random(seed)
        self.mediators = [self._mediator_pieces(row, vendor) for row in mediator_rows]
        self.mediator_weights = list(accumulate(pace.paretovariate(1.5) for _row in mediator_rows))
        rng = random.Random(seed + existing)
        self.rng = rng
        first_day = _years_before(today, years) + datetime.timedelta(days=1)
        days = [first_day + datetime.timedelta(days=n) for n in range((today - first_day).days + 1)]
        self.days = days
        self.day_weights = list(
            accumulate(
                MONTHS[d.month - 1] * WEEKDAYS[d.weekday()] * (1 + YEARLY_GROWTH * (d - first_day).days / 365)
                for d in days
            )
        )
        self.v1_until = _years_before(today, max(0, years - 2))
        self.kinds = Chooser(KINDS, rng)
        self.durations = Chooser(DURATIONS, rng)
        self.locations = Chooser(LOCATIONS, rng)
        self.commune_choice = commune_choice
        self.commune_choice.rng = rng
        self.people = {kind: [self._people(kind, rng) for _ in range(POOL)] for kind, _w in KINDS}
        self.content = [self._content(rng) for _ in range(POOL)]
        now = timezone.now()
        if vendor == "postgresql":
            self.day_text = {d: d.isoformat() for d in days}
            self.now = now.isoformat()
        else:
            self.day_text = {d: connection.ops.adapt_datefield_value(d) for d in days}
            self.now = connection.ops.adapt_datetimefield_value(now)

    @staticmethod
    def _mediator_pieces(row, vendor):
        user_id, (structure_id, commune, dep, region), place_id, is_cn = row
        mediator = Piece((user_id, "", structure_id, is_cn), vendor)
        own = {
            location: Piece((location, None, commune, dep or "", region or ""), vendor)
            for location in ("home", "elsewhere")
        }
        own["place"] = Piece(("place", place_id, commune, dep or "", region or ""), vendor)
        own["remote"] = Piece(("remote", None, None, dep or "", region or ""), vendor)
        return mediator, own

    @staticmethod
    def _people(kind, rng):
        """(piece for an entered activity, piece for a v1 one) of who was there."""
        participants = rng.randint(3, 12) if kind == "workshop" else (rng.randint(5, 40) if kind == "event" else 1)
        returning = sum(rng.random() < 0.45 for _ in range(participants))
        counts = dict.fromkeys(COUNT_COLUMNS, 0)
        for pairs in (AGE_BANDS, STATUSES, GENDERS):
            for column in rng.choices([c for c, _w in pairs], weights=[w for _c, w in pairs], k=participants):
                counts[column] += 1
        autonomy = ""
        if kind in ("individual", "quick"):
            autonomy = rng.choices([a for a, _w in AUTONOMY], weights=[w for _a, w in AUTONOMY])[0]
        head = (kind, autonomy, "Atelier" if kind == "workshop" else "", "beginner" if kind == "workshop" else "")
        head += (participants, returning)
        entered = head + tuple(counts[column] for column in COUNT_COLUMNS)
        # v1 kept its own age bands: the people are counted in one of them, never in the new ones.
        v1 = dict(counts, **{column: 0 for column, _w in AGE_BANDS}, age_v1_35_60=participants)
        imported = head + tuple(v1[column] for column in COUNT_COLUMNS)
        return Piece(entered, connection.vendor), Piece(imported, connection.vendor)

    @staticmethod
    def _content(rng):
        theme_names, theme_weights = list(THEMES), list(THEMES.values())
        drawn = set(
            rng.choices(theme_names, weights=theme_weights, k=1 + (rng.random() < 0.4) + (rng.random() < 0.15))
        )
        themes = [t for t in enums.Theme.values if t in drawn]
        admin = [rng.choice(enums.AdminSubTheme.values)] if "admin_procedures" in themes else []
        equipment = rng.choices([e for e, _w in EQUIPMENT], weights=[w for _e, w in EQUIPMENT])
        redirections = [rng.choice(enums.Redirection.values)] if rng.random() < REDIRECTION_SHARE else []
        return Piece(
            (
                json.dumps(themes),
                _mask(themes, enums.Theme.values),
                json.dumps(admin),
                _mask(admin, enums.AdminSubTheme.values),
                "",
                json.dumps(equipment),
                _mask(equipment, enums.Equipment.values),
                json.dumps(redirections),
                _mask(redirections, enums.Redirection.values),
            ),
            connection.vendor,
        )

    def draw(self, n):
        """``n`` rows: text lines for COPY on PostgreSQL, tuples elsewhere."""
        rng = self.rng
        random_ = rng.random
        mediators = rng.choices(self.mediators, cum_weights=self.mediator_weights, k=n)
        days = rng.choices(self.days, cum_weights=self.day_weights, k=n)
        kinds = self.kinds.many(n)
        durations = self.durations.many(n)
        locations = self.locations.many(n)
        content = rng.choices(self.content, k=n)
        people = self.people
        v1_until, day_text, now, commune_choice = self.v1_until, self.day_text, self.now, self.commune_choice
        vendor = self.vendor
        rows = []
        append = rows.append
        for i in range(n):
            mediator, own = mediators[i]
            location = locations[i]
            if location in ("home", "elsewhere") and random_() < ELSEWHERE_OTHER_COMMUNE:
                commune, dep, region = commune_choice()
                where = Piece((location, None, commune, dep or "", region or ""), vendor)
            else:
                where = own[location]
            day = days[i]
            entered, imported = people[kinds[i]][int(random_() * POOL)]
            source = "entered"
            who = entered
            if day < v1_until and random_() < V1_SHARE:
                source, who = "import_v1", imported
            tail = (day_text[day], durations[i], source, "", now, now)
            if vendor == "postgresql":
                append(
                    "\t".join((mediator.text, where.text, who.text, content[i].text, "\t".join(map(str, tail)))) + "\n"
                )
            else:
                append(mediator.values + where.values + who.values + content[i].values + tail)
        return rows


def _load(rows, missing, existing, target, progress):
    table = connection.ops.quote_name(Activity._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    defer = missing >= DEFER_INDEXES_FROM and not connection.in_atomic_block
    if defer:
        drop_secondary_indexes()
    written = 0
    with _bulk_session():
        while written < missing:
            size = min(BATCH, missing - written)
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        raw = getattr(cursor, "cursor", cursor)
                        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            for start in range(0, size, CHUNK):
                                copy.write("".join(rows.draw(min(CHUNK, size - start))))
                else:
                    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
                    with connection.cursor() as cursor:
                        cursor.executemany(sql, rows.draw(size))
            written += size
            if progress:
                progress(existing + written, target)
    finish(analyse=True)


class _bulk_session:
    """Foreign keys unchecked (every id was read from the database) and lazy commits, for this connection only."""

    def __enter__(self):
        self.active = not connection.in_atomic_block
        if self.active:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET session_replication_role = replica")
                    cursor.execute("SET synchronous_commit = off")
                else:
                    cursor.execute("PRAGMA foreign_keys = OFF")
        return self

    def __exit__(self, *exc):
        if self.active:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("RESET session_replication_role")
                    cursor.execute("RESET synchronous_commit")
                else:
                    cursor.execute("PRAGMA foreign_keys = ON")


def _secondary_indexes(cursor):
    """{name: definition} of the activities table's indexes that back no constraint."""
    table = Activity._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table]
        )
    return dict(cursor.fetchall())


def drop_secondary_indexes():
    """Keep the definitions of the secondary indexes in a small table, then drop them (one transaction)."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {quote(INDEX_STATE_TABLE)} "
            "(name varchar(200) PRIMARY KEY, definition text NOT NULL)"
        )
        for name, definition in _secondary_indexes(cursor).items():
            cursor.execute(f"DELETE FROM {quote(INDEX_STATE_TABLE)} WHERE name = %s", [name])
            cursor.execute(
                f"INSERT INTO {quote(INDEX_STATE_TABLE)} (name, definition) VALUES (%s, %s)", [name, definition]
            )
            cursor.execute(f"DROP INDEX {quote(name)}")


def ensure_indexes() -> list:
    """Rebuild the indexes a load dropped (also after an interrupted one); returns their names."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if INDEX_STATE_TABLE not in connection.introspection.table_names(cursor):
            return []
        cursor.execute(f"SELECT name, definition FROM {quote(INDEX_STATE_TABLE)} ORDER BY name")
        dropped = cursor.fetchall()
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in dropped:
            if name not in _secondary_indexes(cursor):
                cursor.execute(definition)
            cursor.execute(f"DELETE FROM {quote(INDEX_STATE_TABLE)} WHERE name = %s", [name])
        cursor.execute(f"DROP TABLE {quote(INDEX_STATE_TABLE)}")
        if connection.vendor == "postgresql":
            cursor.execute("RESET maintenance_work_mem")
    return [name for name, _definition in dropped]


def finish(*, analyse=True):
    """Indexes back, statistics (and on PostgreSQL the visibility map) up to date. Outside a transaction."""
    ensure_indexes()
    if analyse and not connection.in_atomic_block:
        table = connection.ops.quote_name(Activity._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}" if connection.vendor == "postgresql" else "ANALYZE")


def _rollups_rebuild():
    if importlib.util.find_spec("cordee.dashboards.rollups") is None:
        return None
    return getattr(importlib.import_module("cordee.dashboards.rollups"), "rebuild", None)


def has_rollups() -> bool:
    """Whether ``cordee.dashboards.rollups`` provides pre-aggregated tables to rebuild."""
    return _rollups_rebuild() is not None


def rebuild_rollups(progress=None) -> bool:
    """Rebuild the pre-aggregated tables when ``cordee.dashboards.rollups`` provides them; False otherwise."""
    rebuild = _rollups_rebuild()
    if rebuild is None:
        return False
    rebuild(progress=progress)
    return True
