"""Replace the e-mail addresses already stored in the journal by pseudonymous labels and keyed hashes.

Who acted becomes ``utilisateur n° <id>`` (the id stays in ``actor``); objects whose text named a person
(accounts, memberships, invitations) become ``<kind> n° <id>``; any e-mail address left in ``details``
becomes its keyed hash. The journal is append-only down to the database: the triggers of
0003_append_only_triggers are dropped for this rewrite only, and created again in the same transaction.
"""

import importlib
import re

from django.db import migrations, models

from cordee.core.pseudonyms import keyed_hash

triggers = importlib.import_module("cordee.journal.migrations.0003_append_only_triggers")

EMAIL = re.compile(r"[^@\s\"']+@[^@\s\"']+\.[^@\s\"']+")
PERSONAL_MODELS = {
    "users.user": "utilisateur",
    "structures.membership": "appartenance",
    "structures.invitation": "invitation",
}


def _scrub(value):
    if isinstance(value, str):
        return EMAIL.sub(lambda match: keyed_hash(match.group(0)), value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _statements(schema_editor, which):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return triggers.SQLITE_FORWARD if which == "create" else triggers.SQLITE_BACKWARD
    if vendor == "postgresql":
        return triggers.POSTGRES_FORWARD if which == "create" else triggers.POSTGRES_BACKWARD
    return []


def pseudonymise(apps, schema_editor):
    Entry = apps.get_model("journal", "Entry")
    for statement in _statements(schema_editor, "drop"):
        schema_editor.execute(statement)
    changed = []
    for entry in Entry.objects.all().iterator(chunk_size=2000):
        label = f"utilisateur n° {entry.actor_id}" if entry.actor_id else ""
        object_repr = entry.object_repr
        if entry.object_type in PERSONAL_MODELS:
            object_repr = f"{PERSONAL_MODELS[entry.object_type]} n° {entry.object_id}"
        else:
            object_repr = _scrub(object_repr)
        details = _scrub(entry.details)
        if (label, object_repr, details) != (entry.actor_label, entry.object_repr, entry.details):
            entry.actor_label, entry.object_repr, entry.details = label, object_repr, details
            changed.append(entry)
        if len(changed) >= 1000:
            Entry.objects.bulk_update(changed, ["actor_label", "object_repr", "details"])
            changed = []
    if changed:
        Entry.objects.bulk_update(changed, ["actor_label", "object_repr", "details"])
    for statement in _statements(schema_editor, "create"):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_append_only_triggers")]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="actor_label",
            field=models.CharField(blank=True, max_length=255, verbose_name="auteur (pseudonyme)"),
        ),
        migrations.RunPython(pseudonymise, migrations.RunPython.noop),
    ]
