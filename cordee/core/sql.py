"""Model instances from a hand-written SELECT, for the few hottest statements of the platform.

The ORM composes each query anew: on the Pass numérique redemption and the API token check, composing cost
several times what the database spent answering (measured in docs/benchmarks.md). A ``Loader`` gives the
column list of a model under a table alias, and turns the matching slice of a row into the instance the ORM
would have built: the same database converters (SQLite's dates and booleans, JSON…) and ``from_db``, so the
instance is an ordinary one (saved, refreshed, compared like any other). Only the fields asked for are loaded;
the others are deferred and read on access, as with ``QuerySet.only``.

    PASS = Loader(Pass, "p")
    cursor.execute(f"SELECT {PASS.columns} FROM {PASS.table} p WHERE p.code = %s", [code])
    target = PASS.load(cursor.fetchone())

``update_row`` is the matching UPDATE of one row by its key, with optional conditions, values prepared by the
fields as the ORM's ``QuerySet.update`` does (no signals, like it); ``insert_row`` the INSERT of one new instance
as ``save()`` would write it (defaults, ``auto_now_add``), for models whose ``save()`` adds nothing to an insert.
Everything else goes through the ORM.

On PostgreSQL their statements go through ``prepared_cursor()``: sent apart from their values and kept prepared
on the connection, so the database parses and plans each once per connection instead of at every request (the ORM's
statements are sent with their values inlined, never prepared). ``DB_PREPARED_STATEMENTS=false`` turns this off
for a pooler that cannot keep prepared statements.
"""

import functools

from django.conf import settings
from django.db import connection


def prepared_cursor():
    """A cursor for the statements of this module's users (``with sql.prepared_cursor() as cursor:``): on
    PostgreSQL, statements prepared once per connection; elsewhere, or with prepared statements turned off, the
    usual one, as also while queries are logged (DEBUG, tests counting queries): Django can only show the text of
    a statement it did not prepare. Wrapped like ``connection.cursor()``'s (health check, errors)."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS or connection.queries_logged:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg is there only with PostgreSQL

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


class Loader:
    def __init__(self, model, alias: str, fields: list[str] | None = None):
        """``fields``: attribute names (``structure_id`` for a foreign key), all concrete fields by default."""
        concrete = model._meta.concrete_fields
        if fields is not None:
            unknown = set(fields) - {field.attname for field in concrete}
            if unknown:
                raise ValueError(f"Champs inconnus de {model.__name__} : {sorted(unknown)}")
        self.model = model
        self.alias = alias
        self.fields = [field for field in concrete if fields is None or field.attname in fields]
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        pk = model._meta.pk.attname
        self._pk_index = self.attnames.index(pk) if pk in self.attnames else None
        self._converters: dict[str, list] = {}

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    @property
    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def column(self, attname: str) -> str:
        """``alias.column`` of one field, for the WHERE and JOIN clauses."""
        field = self.model._meta.get_field(attname)
        return f"{self.alias}.{connection.ops.quote_name(field.column)}"

    def _field_converters(self) -> list:
        """Per field, ``(converters, expression)`` as the ORM's compiler would apply them on this database."""
        vendor = connection.vendor
        if vendor not in self._converters:
            result = []
            for field in self.fields:
                expression = field.get_col(self.alias)
                converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
                result.append((converters, expression))
            self._converters[vendor] = result
        return self._converters[vendor]

    def load(self, row, start: int = 0):
        """The instance from ``row[start:start + width]``; None when its key is NULL (an outer join found nothing)."""
        values = list(row[start : start + self.width])
        if self._pk_index is not None and values[self._pk_index] is None:
            return None
        for index, (converters, expression) in enumerate(self._field_converters()):
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


@functools.cache
def _update_sql(model, names: tuple[str, ...], conditions: tuple[str, ...], vendor: str) -> str:
    meta, quote = model._meta, connection.ops.quote_name
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in names)
    where = " AND ".join(f"{quote(meta.get_field(name).column)} = %s" for name in (meta.pk.attname, *conditions))
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where}"


def update_row(model, pk, values: dict, *, where: dict | None = None) -> int:
    """``UPDATE`` the row of key ``pk`` with ``values`` (attribute names) if it still matches ``where``
    (equalities); the number of rows changed (0 or 1), as ``QuerySet.filter(pk=…, **where).update(**values)``."""
    where = where or {}
    meta = model._meta
    params = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    params.append(meta.pk.get_db_prep_value(pk, connection))
    params += [meta.get_field(name).get_db_prep_value(value, connection) for name, value in where.items()]
    with prepared_cursor() as cursor:
        cursor.execute(_update_sql(model, tuple(values), tuple(where), connection.vendor), params)
        return cursor.rowcount


@functools.cache
def _insert_sql(model, vendor: str, returning_key: bool, ignore_conflict: bool) -> tuple[str, list]:
    meta, quote = model._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not (field.primary_key and field.db_returning)]
    columns = ", ".join(quote(field.column) for field in fields)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflict else ""
    returning = f" RETURNING {quote(meta.pk.column)}" if returning_key else ""
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values}){conflict}{returning}"
    return sql, fields


def insert_row(instance, *, ignore_conflict: bool = False):
    """Write the new ``instance`` (its key given by the database) in one INSERT, and return it saved.

    ``ignore_conflict``: a row breaking a unique constraint is not written and None is returned, without an
    error (no savepoint needed to carry on); on PostgreSQL the INSERT first waits for a concurrent transaction
    that wrote the same unique values."""
    model = type(instance)
    returning_key = connection.features.can_return_columns_from_insert  # SQLite before 3.35: lastrowid
    sql, fields = _insert_sql(model, connection.vendor, returning_key, ignore_conflict)
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        if returning_key:
            inserted = cursor.fetchone()
            key = inserted[0] if inserted else None
        else:
            key = cursor.lastrowid if cursor.rowcount else None
    if key is None:
        return None
    instance.pk = key
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
