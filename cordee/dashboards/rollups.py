"""Rollups: the activity rows summed at a few grains, so that the dashboards read thousands of rows, not millions.

Tables (``cordee.dashboards.models``), one row per combination of their dimensions; « none » is 0 or "":

| grain (table)                 | period | dimensions                                                   | measures |
|-------------------------------|--------|--------------------------------------------------------------|----------|
| ``MonthlyTerritoryRollup``    | month  | département, région, kind, source, conseiller numérique      | all      |
| ``MonthlyMediatorRollup``     | month  | + mediator, structure                                        | all      |
| ``DailyRollup``               | day    | département, région, kind, source, conseiller numérique      | narrow   |
| ``MonthlyPlaceRollup``        | month  | place, commune, structure + the territory's                  | narrow   |
| ``MonthlyTagRollup``          | month  | tag, mediator, structure + the territory's                   | narrow   |

*All* measures (``measures.WIDE``) are the totals and every closed breakdown of the dashboards; *narrow* ones
are activities, participants and minutes. Distinct followed beneficiaries cannot be summed: they are always
counted on the activity rows (``aggregates.followed_count``, a partial index on the followed ones).

**Maintenance**: database triggers on the activities and on their tags (``install``), so every write is
counted in the same transaction whatever its path (services, imports, bulk inserts, ``COPY``, cascades when a
mediator, place, commune or tag is deleted). PostgreSQL: one statement-level trigger per event with transition
tables, adding the signed sums of the rows in one ``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``
ordered by key (row locks taken in one order: concurrent writers wait for each other, never lose a count).
SQLite: row triggers doing the same. ``rebuild()`` recomputes every table from the rows (after a bulk load,
or to repair). There is no lag.

**Reading** (``Selection``): a view (``Scope``) and its filters are answered from the rollups when each of
them is a dimension (mediator, structure, France / région / département, kind, source, conseiller
numérique, département filter); a place, commune, tag or theme filter, an EPCI or commune territory and any
other kind of view read the rows (``aggregates``). A period that does not fall on whole months is split: the
whole months from a monthly table, and the days at its ends added from the rows — or, when that is fewer days,
the month taken whole and the days outside the period subtracted. The daily trend reads ``DailyRollup``.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, connections, transaction

from cordee.activities import rollup_switch
from cordee.activities.models import Activity
from cordee.dashboards import measures
from cordee.dashboards.models import (
    TERRITORY_DIMENSIONS,
    DailyRollup,
    MonthlyMediatorRollup,
    MonthlyPlaceRollup,
    MonthlyTagRollup,
    MonthlyTerritoryRollup,
)

TERRITORY_DIMS = tuple(TERRITORY_DIMENSIONS)
ACTIVITY = Activity._meta.db_table
TAGS = Activity.tags.through._meta.db_table
TRIGGER_PREFIX = "cordee_rollup"
SUSPENDED = rollup_switch.SETTING  # 'on' (for a session or a transaction): the triggers do nothing (PostgreSQL)


@dataclass(frozen=True)
class Grain:
    model: type
    period: str  # "month" or "day"
    dims: tuple[str, ...]
    wide: bool = False
    tagged: bool = False

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def period_column(self) -> str:
        return self.period

    @property
    def key(self) -> tuple[str, ...]:
        return (self.period_column, *(["tag_id"] if self.tagged else []), *self.dims)

    @property
    def measures(self) -> list[measures.Measure]:
        return measures.WIDE if self.wide else measures.NARROW


MONTH_TERRITORY = Grain(MonthlyTerritoryRollup, "month", TERRITORY_DIMS, wide=True)
MONTH_MEDIATOR = Grain(MonthlyMediatorRollup, "month", ("mediator_id", "structure_id", *TERRITORY_DIMS), wide=True)
DAY = Grain(DailyRollup, "day", TERRITORY_DIMS)
MONTH_PLACE = Grain(MonthlyPlaceRollup, "month", ("place_id", "commune_id", "structure_id", *TERRITORY_DIMS))
MONTH_TAG = Grain(MonthlyTagRollup, "month", ("mediator_id", "structure_id", *TERRITORY_DIMS), tagged=True)
GRAINS = [MONTH_MEDIATOR, MONTH_TERRITORY, DAY, MONTH_PLACE, MONTH_TAG]
# The activity columns a rollup reads: a change elsewhere (a note, a tag's name) touches no rollup.
SOURCE_COLUMNS = (
    "date",
    "mediator_id",
    "structure_id",
    "place_id",
    "commune_id",
    "departement_code",
    "region_code",
    "kind",
    "source",
    "is_conseiller_numerique",
    "participants",
    "returning",
    "duration_minutes",
    "location_kind",
    "autonomy",
    "themes_mask",
    "admin_subthemes_mask",
    "equipment_mask",
    "redirections_mask",
    *(column for _key, _title, bands in measures.PEOPLE for _code, _label, column in bands),
)


def q(name: str) -> str:
    return connection.ops.quote_name(name)


# --- SQL over activity rows, for triggers and rebuild ---


def _dimension(name: str, r: str, t: str, vendor: str) -> str:
    if name == "month":
        if vendor == "postgresql":
            return f"CAST(date_trunc('month', {r}\"date\") AS date)"
        return f"date({r}\"date\", 'start of month')"
    if name == "day":
        return f'{r}"date"'
    if name == "tag_id":
        return f'{t}"activitytag_id"'
    if name in ("mediator_id", "structure_id", "place_id"):
        return f'COALESCE({r}"{name}", 0)'
    if name == "commune_id":
        return f"COALESCE({r}\"commune_id\", '')"
    return f'{r}"{name}"'


def _upsert(grain: Grain, source: str, r: str, t: str, vendor: str, *, sign: str = "", where: str = "") -> str:
    """INSERT the sums of the rows of ``source`` into the grain's table, adding them to the rows already there."""
    key = grain.key
    table = q(grain.table)
    columns = ", ".join(q(name) for name in (*key, *(m.column for m in grain.measures)))
    dims = [_dimension(name, r, t, vendor) for name in key]
    sums = [f"SUM({sign}({m.sql.format(r=r)}))" for m in grain.measures]
    positions = ", ".join(str(n + 1) for n in range(len(key)))
    updates = ", ".join(f"{q(m.column)} = {table}.{q(m.column)} + excluded.{q(m.column)}" for m in grain.measures)
    return (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(dims + sums)} FROM {source} "
        f"WHERE {where or 'true'} GROUP BY {positions} ORDER BY {positions} "
        f"ON CONFLICT ({', '.join(q(name) for name in key)}) DO UPDATE SET {updates}"
    )


def _changed(old: str, new: str) -> str:
    return " OR ".join(f'{old}"{name}" IS DISTINCT FROM {new}"{name}"' for name in SOURCE_COLUMNS)


def _postgresql_triggers() -> list[str]:
    activity, tags = q(ACTIVITY), q(TAGS)
    untagged = [grain for grain in GRAINS if not grain.tagged]
    tagged = [grain for grain in GRAINS if grain.tagged]
    moved = (
        f"(SELECT 1 AS cordee_sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_changed('o.', 'n.')} "
        f"UNION ALL SELECT -1, o.* FROM old_rows o JOIN new_rows n ON o.id = n.id WHERE {_changed('o.', 'n.')})"
    )
    sources = {
        "insert": "(SELECT 1 AS cordee_sign, n.* FROM new_rows n)",
        "delete": "(SELECT -1 AS cordee_sign, o.* FROM old_rows o)",
        "update": moved,
    }
    statements = []
    for event, rows in sources.items():
        body = [_upsert(g, f"{rows} r", "r.", "", "postgresql", sign="r.cordee_sign * ") for g in untagged]
        body += [
            _upsert(
                g, f"{rows} r JOIN {tags} t ON t.activity_id = r.id", "r.", "t.", "postgresql", sign="r.cordee_sign * "
            )
            for g in tagged
        ]
        statements.append(_pg_function(f"{TRIGGER_PREFIX}_activity_{event}", body))
        transition = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows"}.get(
            event, "OLD TABLE AS old_rows NEW TABLE AS new_rows"
        )
        statements.append(
            f"CREATE TRIGGER {TRIGGER_PREFIX}_activity_{event} AFTER {event.upper()} ON {activity} "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}_activity_{event}()"
        )
    link = "SELECT {sign}, a.*, l.activitytag_id FROM {rows} l JOIN {activity} a ON a.id = l.activity_id"
    links = {
        "insert": "(" + link.format(sign="1 AS cordee_sign", rows="new_rows", activity="{activity}") + ")",
        "delete": "(" + link.format(sign="-1 AS cordee_sign", rows="old_rows", activity="{activity}") + ")",
        "update": "("
        + link.format(sign="1 AS cordee_sign", rows="new_rows", activity="{activity}")
        + " UNION ALL "
        + link.format(sign="-1", rows="old_rows", activity="{activity}")
        + ")",
    }
    for event, rows in links.items():
        rows = rows.format(activity=activity)
        # Lock the activities' rows of the other rollups first, as a write on the activities does: every
        # transaction then locks rollup rows in one order (tables in GRAINS order, keys sorted), never in a cycle.
        body = [_lock(g, f"{rows} r", "r.") for g in untagged]
        body += [_upsert(g, f"{rows} r", "r.", "r.", "postgresql", sign="r.cordee_sign * ") for g in tagged]
        statements.append(_pg_function(f"{TRIGGER_PREFIX}_tags_{event}", body))
        transition = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows"}.get(
            event, "OLD TABLE AS old_rows NEW TABLE AS new_rows"
        )
        statements.append(
            f"CREATE TRIGGER {TRIGGER_PREFIX}_tags_{event} AFTER {event.upper()} ON {tags} "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER_PREFIX}_tags_{event}()"
        )
    return statements


def _lock(grain: Grain, source: str, r: str) -> str:
    """PostgreSQL: lock, in key order, the grain's rows of the activities of ``source``."""
    key = ", ".join(f"g.{q(name)}" for name in grain.key)
    dims = ", ".join(_dimension(name, r, "", "postgresql") for name in grain.key)
    return (
        f"PERFORM 1 FROM {q(grain.table)} g WHERE ({key}) IN (SELECT {dims} FROM {source}) "
        f"ORDER BY {key} FOR UPDATE OF g"
    )


def _pg_function(name: str, body: list[str]) -> str:
    statements = "".join(f"  {statement};\n" for statement in body)
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  IF current_setting('{SUSPENDED}', true) = 'on' THEN\n    RETURN NULL;\n  END IF;\n"
        f"{statements}  RETURN NULL;\nEND\n$$"
    )


def _sqlite_triggers() -> list[str]:
    activity, tags = q(ACTIVITY), q(TAGS)
    statements = []

    def apply(row: str, sign: str) -> list[str]:
        body = []
        for grain in GRAINS:
            if grain.tagged:
                where = f"t.activity_id = {row}id"
                body.append(_upsert(grain, f"{tags} t", row, "t.", "sqlite", sign=sign, where=where))
            else:
                body.append(_upsert(grain, "(SELECT 1)", row, "", "sqlite", sign=sign))
        return body

    def link(row: str, sign: str) -> list[str]:
        return [
            _upsert(grain, f"{activity} a", "a.", row, "sqlite", sign=sign, where=f"a.id = {row}activity_id")
            for grain in GRAINS
            if grain.tagged
        ]

    def trigger(name, event, table, body, when=""):
        when = f" WHEN {when}" if when else ""
        statements.append(
            f"CREATE TRIGGER {TRIGGER_PREFIX}_{name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN\n"
            + "".join(f"  {statement};\n" for statement in body)
            + "END"
        )

    trigger("activity_insert", "INSERT", activity, apply("NEW.", ""))
    trigger("activity_delete", "DELETE", activity, apply("OLD.", "-"))
    trigger(
        "activity_update",
        "UPDATE",
        activity,
        apply("OLD.", "-") + apply("NEW.", ""),
        when=_changed("OLD.", "NEW.").replace("IS DISTINCT FROM", "IS NOT"),
    )
    trigger("tags_insert", "INSERT", tags, link("NEW.", ""))
    trigger("tags_delete", "DELETE", tags, link("OLD.", "-"))
    trigger("tags_update", "UPDATE", tags, link("OLD.", "-") + link("NEW.", ""))
    return statements


def _trigger_names() -> list[tuple[str, str]]:
    names = []
    for table, prefix in ((ACTIVITY, "activity"), (TAGS, "tags")):
        for event in ("insert", "delete", "update"):
            names.append((table, f"{TRIGGER_PREFIX}_{prefix}_{event}"))
    return names


def statements(vendor: str) -> list[str]:
    return _postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers()


def signature(vendor: str) -> str:
    return hashlib.sha256("\n".join(statements(vendor)).encode()).hexdigest()[:16]


def uninstall(using="default") -> None:
    """Drop the triggers."""
    conn = connections[using]
    with conn.cursor() as cursor:
        for table, name in _trigger_names():
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {q(table)}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(using="default") -> None:
    """Create (or re-create) the triggers that keep the rollups equal to the activity rows."""
    conn = connections[using]
    uninstall(using)
    with conn.cursor() as cursor:
        for statement in statements(conn.vendor):
            cursor.execute(statement)
        if conn.vendor == "postgresql":
            cursor.execute(
                f"COMMENT ON TRIGGER {TRIGGER_PREFIX}_activity_insert ON {q(ACTIVITY)} IS %s", [signature(conn.vendor)]
            )


def installed_signature(using="default") -> str | None:
    """The signature of the triggers in the database (None when some are missing)."""
    conn = connections[using]
    names = [name for _table, name in _trigger_names()]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = ANY(%s)", [names]
            )
            found = dict(cursor.fetchall())
            if len(found) != len(names):
                return None
            return found[f"{TRIGGER_PREFIX}_activity_insert"]
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ORDER BY name",
            [TRIGGER_PREFIX + "%"],
        )
        found = [row[0] for row in cursor.fetchall()]
    if sorted(found) != sorted(statements(conn.vendor)):
        return None
    return signature(conn.vendor)


def ensure_installed(using="default", **kwargs) -> bool:
    """After ``migrate``: when the triggers are missing or out of date, install them and rebuild the rollups.
    Returns whether it did."""
    conn = connections[using]
    if MonthlyMediatorRollup._meta.db_table not in conn.introspection.table_names():
        return False
    if installed_signature(using) == signature(conn.vendor):
        return False
    with transaction.atomic(using=using):
        install(using)
        rebuild(using=using)
    return True


def rebuild(progress=None, using="default") -> dict[str, int]:
    """Recompute every rollup from the activity rows, in one transaction: activity writers and dashboard readers
    wait until it commits (``TRUNCATE`` on PostgreSQL). Returns the rows of each table; ``progress(done, total)``
    after each table."""
    conn = connections[using]
    counts = {}
    steps = len(GRAINS)
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {q(ACTIVITY)}, {q(TAGS)} IN SHARE MODE")
        tables = ", ".join(q(grain.table) for grain in GRAINS)
        cursor.execute(f"TRUNCATE {tables}" if conn.vendor == "postgresql" else "SELECT 1")
        for done, grain in enumerate(GRAINS, start=1):
            if conn.vendor != "postgresql":
                cursor.execute(f"DELETE FROM {q(grain.table)}")
            if grain is MONTH_TERRITORY:
                cursor.execute(_derive(MONTH_MEDIATOR, MONTH_TERRITORY))
            elif grain.tagged:
                source = f"{q(TAGS)} t JOIN {q(ACTIVITY)} r ON r.id = t.activity_id"
                cursor.execute(_insert(grain, source, "r.", "t.", conn.vendor))
            else:
                cursor.execute(_insert(grain, f"{q(ACTIVITY)} r", "r.", "", conn.vendor))
            counts[grain.table] = cursor.rowcount
            if progress:
                progress(done, steps)
        if conn.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(q(grain.table) for grain in GRAINS))
    return counts


@contextmanager
def bulk_load(using="default", progress=None):
    """For loading many activities at once (the triggers double the time of a bulk insert): the rollups are not
    kept during the load, then ``rebuild()`` recomputes them. PostgreSQL: only this session's triggers do nothing
    (a session setting), other writers keep theirs counted. SQLite: the triggers are dropped, then installed again.
    """
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT set_config('{SUSPENDED}', 'on', false)")
    else:
        uninstall(using)
    try:
        yield
    finally:
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute(f"SELECT set_config('{SUSPENDED}', 'off', false)")
        else:
            install(using)
        if not conn.needs_rollback:
            rebuild(progress=progress, using=using)


def _insert(grain: Grain, source: str, r: str, t: str, vendor: str) -> str:
    key = grain.key
    columns = ", ".join(q(name) for name in (*key, *(m.column for m in grain.measures)))
    dims = [_dimension(name, r, t, vendor) for name in key]
    sums = [f"SUM({m.sql.format(r=r)})" for m in grain.measures]
    positions = ", ".join(str(n + 1) for n in range(len(key)))
    return (
        f"INSERT INTO {q(grain.table)} ({columns}) SELECT {', '.join(dims + sums)} FROM {source} GROUP BY {positions}"
    )


def _derive(finer: Grain, coarser: Grain) -> str:
    key = ", ".join(q(name) for name in coarser.key)
    columns = [q(m.column) for m in coarser.measures]
    sums = ", ".join(f"SUM({column})" for column in columns)
    return (
        f"INSERT INTO {q(coarser.table)} ({key}, {', '.join(columns)}) SELECT {key}, {sums} FROM {q(finer.table)} "
        f"GROUP BY {key}"
    )


# --- Reading ---


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass
class Period:
    """A period as whole months read from a monthly rollup (``months``, first days, both included; None when
    there is none) plus or minus the activity rows of a few days (``days``: (sign, first, last))."""

    months: tuple[dt.date, dt.date] | None
    days: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)


def split(start: dt.date, end: dt.date, today: dt.date | None = None) -> Period:
    """Whole months and the days at the ends, choosing at each end whichever reads fewer days of rows (days after
    ``today`` cost nothing: no activity can be dated there)."""
    today = today or dt.date.today() + dt.timedelta(days=1)

    def cost(first, last):
        last = min(last, today)
        return max(0, (last - first).days + 1)

    if month_start(start) == month_start(end):
        inside = cost(start, end)
        outside = cost(month_start(start), start - dt.timedelta(days=1)) + cost(
            end + dt.timedelta(days=1), month_end(end)
        )
        if inside <= outside:
            return Period(None, [(1, start, end)])
        return Period((month_start(start), month_start(end)), _outside(start, end))
    days = []
    first_month = month_start(start)
    if start != first_month:
        before = cost(first_month, start - dt.timedelta(days=1))
        after = cost(start, month_end(start))
        if before <= after:
            days.append((-1, first_month, start - dt.timedelta(days=1)))
        else:
            days.append((1, start, month_end(start)))
            first_month = month_end(start) + dt.timedelta(days=1)
    last_month = month_start(end)
    if end != month_end(end):
        inside = cost(last_month, end)
        outside = cost(end + dt.timedelta(days=1), month_end(end))
        if outside <= inside:
            days.append((-1, end + dt.timedelta(days=1), month_end(end)))
        else:
            days.append((1, last_month, end))
            last_month = month_start(last_month - dt.timedelta(days=1))
    months = (first_month, last_month) if first_month <= last_month else None
    return Period(months, days)


def _outside(start, end):
    days = []
    if start != month_start(start):
        days.append((-1, month_start(start), start - dt.timedelta(days=1)))
    if end != month_end(end):
        days.append((-1, end + dt.timedelta(days=1), month_end(end)))
    return days


@dataclass
class Selection:
    """A view and its filters as conditions on the rollups' dimensions, and the activity rows of any period."""

    conditions: list[tuple[str, tuple]]
    start: dt.date
    end: dt.date
    using: str
    rows: object  # rows(first, last) -> the Activity queryset of the view and filters on those days

    @property
    def dims(self) -> set[str]:
        return {column for column, _values in self.conditions}

    def grain(self, *candidates: Grain) -> Grain | None:
        """The first of ``candidates`` that has every dimension the selection filters on."""
        for grain in candidates:
            if self.dims <= set(grain.dims):
                return grain
        return None

    def period(self) -> Period:
        """``split`` of the period, without the days that have no activity of the selection."""
        period = split(self.start, self.end)
        period.days = [(sign, a, b) for sign, a, b in period.days if self.rows(a, b).exists()]
        return period


def selection(scope, values: dict, using: str) -> Selection | None:
    """The rollup conditions of a view (``cordee.dashboards.scope.Scope``) and its cleaned filters; None when
    they cannot be answered from the rollups (the rows are read then)."""
    from cordee.dashboards.filters import filter_conditions
    from cordee.dashboards.scope import ScopeKind
    from cordee.territories.enums import TerritoryKind

    conditions = []
    if scope.kind == ScopeKind.MEDIATOR:
        conditions.append(("mediator_id", (int(scope.key),)))
    elif scope.kind == ScopeKind.STRUCTURE:
        conditions.append(("structure_id", (int(scope.key),)))
    elif scope.kind == ScopeKind.TERRITORY and scope.is_france:
        pass
    elif scope.kind == ScopeKind.TERRITORY and scope.territory_kind == TerritoryKind.REGION:
        conditions.append(("region_code", (scope.territory_code,)))
    elif scope.kind == ScopeKind.TERRITORY and scope.territory_kind == TerritoryKind.DEPARTEMENT:
        conditions.append(("departement_code", (scope.territory_code,)))
    else:
        return None
    for name in ("place", "commune", "tag", "theme"):
        if values.get(name) not in (None, "", []):
            return None
    for name, column in (("mediator", "mediator_id"), ("structure", "structure_id")):
        if values.get(name) not in (None, ""):
            conditions.append((column, (int(values[name]),)))
    for name, column in (("departement", "departement_code"), ("source", "source")):
        if values.get(name) not in (None, ""):
            conditions.append((column, (values[name],)))
    if values.get("kind"):
        conditions.append(("kind", tuple(values["kind"])))
    if values.get("conseiller_numerique"):
        conditions.append(("is_conseiller_numerique", (values["conseiller_numerique"] == "oui",)))

    def rows(first, last):
        period = {**values, "from": first, "to": last}
        return Activity.objects.using(using).filter(scope.q()).filter(*filter_conditions(period)).order_by()

    return Selection(conditions, values["from"], values["to"], using, rows)


def read(
    grain: Grain, sel: Selection, first: dt.date, last: dt.date, *, group=(), columns=None, limit=None, order=None
) -> list[tuple]:
    """Sums of ``columns`` (default: the grain's measures) over the grain's rows from ``first`` to ``last`` (months
    or days of its period), grouped by ``group``; rows without activities left out."""
    columns = columns or [m.column for m in grain.measures]
    where = [f"{q(grain.period_column)} >= %s", f"{q(grain.period_column)} <= %s"]
    params: list = [first, last]
    for column, values in sel.conditions:
        where.append(f"{q(column)} IN ({', '.join(['%s'] * len(values))})")
        params += list(values)
    group_sql = ", ".join(q(name) for name in group)
    select = ", ".join([*(q(name) for name in group), *(f"SUM({q(column)})" for column in columns)])
    sql = f"SELECT {select} FROM {q(grain.table)} WHERE {' AND '.join(where)}"
    if group:
        sql += f" GROUP BY {group_sql}"
    sql += f" HAVING SUM({q('activities')}) > 0"
    if order:
        sql += f" ORDER BY {order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connections[sel.using].cursor() as cursor:
        cursor.execute(sql, params)
        return [
            tuple(value if n < len(group) else (value or 0) for n, value in enumerate(row))
            for row in cursor.fetchall()
        ]


def raw_sums(queryset, group: tuple[str, ...] = (), measures_list=None) -> dict[tuple, dict[str, int]]:
    """The same sums as the rollups over the activity rows of ``queryset``, by ``group`` (activity columns)."""
    measures_list = measures_list or measures.WIDE
    query = queryset.order_by().values("pk").query
    sql, params = query.get_compiler(using=queryset.db).as_sql()
    head = sql.index(" FROM ")
    r = q(ACTIVITY) + "."
    # The rollups' own expressions: « none » is 0 or "" on both sides.
    groups = [_dimension(name, r, "", connections[queryset.db].vendor) for name in group]
    select = ", ".join([*groups, *(f"SUM({m.sql.format(r=r)})" for m in measures_list)])
    sql = "SELECT " + select + sql[head:]
    if groups:
        sql += " GROUP BY " + ", ".join(groups)
    result = {}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values = row[len(group) :]
            if not values[0]:
                continue
            result[tuple(row[: len(group)])] = {
                m.column: int(value or 0) for m, value in zip(measures_list, values, strict=True)
            }
    return result


def sums(grain: Grain, sel: Selection, period: Period, group=()) -> dict[tuple, dict[str, int]]:
    """Measures of the grain over the selection's period, by ``group``: whole months from the rollup, plus or
    minus the rows of the days at the ends. Grouping by ``month`` gives ISO dates (``"2025-01-01"``)."""
    columns = [m.column for m in grain.measures]
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(columns, 0))
    by_month = tuple(group) == ("month",)
    if period.months:
        for row in read(grain, sel, *period.months, group=group):
            key = (str(row[0])[:10],) if by_month else tuple(row[: len(group)])
            target = totals[key]
            for column, value in zip(columns, row[len(group) :], strict=True):
                target[column] += int(value)
    for sign, first, last in period.days:
        raw = raw_sums(sel.rows(first, last), () if by_month else group, grain.measures)
        for key, values in raw.items():
            target = totals[(month_start(first).isoformat(),) if by_month else key]
            for column in columns:
                target[column] += sign * values[column]
    return {key: values for key, values in totals.items() if values["activities"]}
