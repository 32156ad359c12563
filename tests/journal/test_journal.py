import pytest
from django.db import DatabaseError, connection, transaction

from cordee.journal.models import Entry, JournalIsAppendOnly
from cordee.journal.services import record

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_action_object_and_details(django_user_model):
    user = django_user_model.objects.create_user("coordination@creuse.example", "un-mot-de-passe-long")
    entry = record(user, "structure.update", user, field="name")

    assert entry.actor == user
    assert entry.actor_label == f"utilisateur n° {user.pk}"
    assert entry.object_type == "users.user"
    assert entry.object_id == str(user.pk)
    assert entry.details == {"field": "name"}
    assert list(Entry.objects.for_object(user)) == [entry]


def test_model_refuses_update_and_delete():
    entry = record(None, "test.action")
    entry.action = "changed"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    with pytest.raises(JournalIsAppendOnly):
        Entry.objects.all().update(action="changed")
    with pytest.raises(JournalIsAppendOnly):
        Entry.objects.all().delete()
    assert Entry.objects.get().action == "test.action"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE journal_entry SET action = 'changed'", "DELETE FROM journal_entry"],
)
def test_database_refuses_update_and_delete(statement):
    record(None, "test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Entry.objects.get().action == "test.action"
