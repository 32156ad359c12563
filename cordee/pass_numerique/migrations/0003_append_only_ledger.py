"""The database itself refuses any UPDATE or DELETE of pass events and credits, whatever the client.

The events and credits are the ledger of public money: rows are only ever added. Triggers per vendor (the
same approach as the journal's 0003_append_only_triggers); the test harness lifts them for Django's flush
between transactional tests only (tests/conftest.py). ``Credit.by`` keeps the account's identifier without a
database link, as ``PassEvent.actor`` does, so that deleting an account never has to update a credit.

A later migration that rebuilds one of these tables on SQLite (any ``AlterField`` there) drops its triggers
with the old table: such a migration must create them again (``SQLITE_FORWARD``).
"""

from django.conf import settings
from django.db import migrations, models

TABLES = ("pass_numerique_passevent", "pass_numerique_credit")


def _sqlite_forward(table):
    return [
        f"""
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
        """,
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
        """,
    ]


def _sqlite_backward(table):
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


POSTGRES_FUNCTION = """
    CREATE OR REPLACE FUNCTION pass_ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
    END;
    $$ LANGUAGE plpgsql;
"""


def _postgres_forward(table):
    return [
        f"""
        CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION pass_ledger_refuse_change();
        """,
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION pass_ledger_refuse_change();
        """,
    ]


def _postgres_backward(table):
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
    ]


SQLITE_FORWARD = [statement for table in TABLES for statement in _sqlite_forward(table)]
SQLITE_BACKWARD = [statement for table in TABLES for statement in _sqlite_backward(table)]
POSTGRES_FORWARD = [POSTGRES_FUNCTION, *(statement for table in TABLES for statement in _postgres_forward(table))]
POSTGRES_BACKWARD = [
    *(statement for table in TABLES for statement in _postgres_backward(table)),
    "DROP FUNCTION IF EXISTS pass_ledger_refuse_change();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("pass_numerique", "0002_redemption_activity_link"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="credit",
            name="by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
