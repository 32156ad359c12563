"""The switch that the dashboards' rollup triggers (``cordee.dashboards.rollups``) read before counting a write
to the activities: here, below the dashboards, so that the activities' own work can use it.

A dry run of an import writes every activity, then rolls everything back. Counted in the rollups, its writes
would lock the rollup rows of every month and département of the file until the end of the run, making every
mediator saving an activity there wait, and two runs at once could wait for each other. Nothing it counts
survives anyway: ``skip_rollups_in_this_transaction()`` makes the triggers ignore its transaction.
"""

from django.db import connections

SETTING = "cordee.rollups_suspended"  # read by the triggers: 'on' → they do nothing (PostgreSQL)


def skip_rollups_in_this_transaction(using="default") -> None:
    """PostgreSQL: the rollup triggers ignore the writes of the current transaction (a transaction-local setting,
    undone with it, or with the savepoint it was set in). SQLite: nothing (its immediate transactions serialise the
    writers anyway). Call it inside ``transaction.atomic()``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
