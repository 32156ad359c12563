"""The journal keeps no personal data: pseudonymous actors, hashed identifiers, and the migration that scrubs
what older versions stored."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cordee.core.pseudonyms import keyed_hash, user_label
from cordee.journal.models import Entry
from cordee.journal.services import hashed_identifier, record
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_no_email(rows):
    assert "@" not in str(list(rows))


def test_actor_is_an_id_and_a_pseudonymous_label():
    user = UserFactory(email="claire.martin@creuse.fr", first_name="Claire", last_name="Martin")
    entry = record(user, "test.action", user)
    assert entry.actor_id == user.pk
    assert entry.actor_label == f"utilisateur n° {user.pk}"
    assert entry.object_repr == f"utilisateur n° {user.pk}"
    stored = str(Entry.objects.filter(pk=entry.pk).values().get())
    assert "claire" not in stored.lower() and "martin" not in stored.lower()


def test_objects_naming_a_person_are_described_by_kind_and_id():
    membership = MembershipFactory(user__email="paul@exemple.fr", user__first_name="Paul")
    entry = record(None, "test.action", membership)
    assert entry.object_repr == f"appartenance n° {membership.pk}"


def test_emails_left_in_details_or_object_text_become_keyed_hashes():
    entry = record(None, "test.action", email="quelqu.un@exemple.fr", nested={"emails": ["a@b.fr"]}, count=2)
    assert entry.details == {
        "email": keyed_hash("quelqu.un@exemple.fr"),
        "nested": {"emails": [keyed_hash("a@b.fr")]},
        "count": 2,
    }
    place = PlaceFactory(name="Permanence de jean.dupont@exemple.fr")
    assert record(None, "test.action", place).object_repr == f"Permanence de {keyed_hash('jean.dupont@exemple.fr')}"
    assert_no_email(Entry.objects.values())


def test_identifiers_of_people_without_account_are_keyed_hashes(settings):
    value = hashed_identifier("  Quelqu.Un@Exemple.fr ")
    assert value == hashed_identifier("quelqu.un@exemple.fr")
    assert value.startswith("hmac:") and "exemple" not in value
    entry = record(None, "accounts.login.failed", identifier=value)
    assert entry.details == {"identifier": value}
    settings.JOURNAL_HASH_KEY = "une-autre-cle"
    assert hashed_identifier("quelqu.un@exemple.fr") != value


def test_the_key_derives_from_the_secret_key_when_unset(settings):
    settings.JOURNAL_HASH_KEY = ""
    first = keyed_hash("x@y.fr")
    settings.SECRET_KEY = "une-autre-cle-secrete"
    assert keyed_hash("x@y.fr") != first


def test_erasing_an_account_leaves_the_journal_intact():
    user = UserFactory(email="efface@exemple.fr")
    entry = record(user, "test.action")
    user.email, user.first_name, user.last_name = f"efface-{user.pk}@invalid", "", ""
    user.save()
    entry.refresh_from_db()
    assert entry.actor_label == user_label(user)


class _Editor:
    """Enough of a schema editor for the data migration (the real one refuses to run inside a test transaction
    on SQLite)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_migration_replaces_stored_emails_and_keeps_the_journal_append_only():
    user = UserFactory(email="ancien@exemple.fr")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO journal_entry"
            " (actor_id, actor_label, action, object_type, object_id, object_repr, at, details)"
            " VALUES (%s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP, %s)",
            [
                user.pk,
                "ancien@exemple.fr",
                "api_token.create",
                "users.user",
                str(user.pk),
                "ancien@exemple.fr",
                '{"typed": "saisi@exemple.fr", "count": 3}',
            ],
        )
        cursor.execute(
            "INSERT INTO journal_entry"
            " (actor_id, actor_label, action, object_type, object_id, object_repr, at, details)"
            " VALUES (NULL, '', 'places.report.received', 'places.place', '7', 'Médiathèque', CURRENT_TIMESTAMP, '{}')"
        )
    migration = importlib.import_module("cordee.journal.migrations.0004_pseudonymous_actors")
    state_apps = MigrationExecutor(connection).loader.project_state(("journal", "0004_pseudonymous_actors")).apps
    migration.pseudonymise(state_apps, _Editor())

    rows = {row["action"]: row for row in Entry.objects.values()}
    token = rows["api_token.create"]
    assert token["actor_id"] == user.pk
    assert token["actor_label"] == f"utilisateur n° {user.pk}"
    assert token["object_repr"] == f"utilisateur n° {user.pk}"
    assert token["details"] == {"typed": keyed_hash("saisi@exemple.fr"), "count": 3}
    assert rows["places.report.received"]["object_repr"] == "Médiathèque"
    assert "@" not in str(list(Entry.objects.values()))
    # The triggers are back.
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_entry")


def test_purge_deletes_only_expired_entries_and_journals_itself():
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone
    from freezegun import freeze_time

    now = timezone.now()
    with freeze_time(now - dt.timedelta(days=400)):
        record(None, "accounts.login.locked", scope="account")
        record(None, "places.place.updated")
    with freeze_time(now - dt.timedelta(days=6 * 365)):
        record(None, "places.place.created")
    record(None, "accounts.login.locked", scope="address")

    call_command("purge_journal")  # a dry run
    assert Entry.objects.count() == 4

    call_command("purge_journal", "--wet-run")
    assert sorted(Entry.objects.values_list("action", flat=True)) == [
        "accounts.login.locked",
        "journal.purged",
        "places.place.updated",
    ]
    assert Entry.objects.get(action="journal.purged").details == {"authentication": 1, "other": 1}
    # Still append-only afterwards.
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_entry")


def test_the_nightly_task_purges_with_the_same_rules():
    import datetime as dt

    from django.utils import timezone
    from freezegun import freeze_time

    from cordee.journal.tasks import purge_journal_nightly

    with freeze_time(timezone.now() - dt.timedelta(days=366)):
        record(None, "accounts.login.locked", scope="account")
    assert purge_journal_nightly.call_local() == {"authentication": 1, "other": 0}
    assert list(Entry.objects.values_list("action", flat=True)) == ["journal.purged"]
