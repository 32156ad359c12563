"""The shared background-task machinery, through the one concrete model that uses it today."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.aggregation.models import PlaceImport
from cordee.core.enums import TaskState
from cordee.core.models import fail_stale_tasks, task_models
from cordee.core.tasks import fail_stale_tasks_periodically
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def running_import(heartbeat_minutes_ago, **values):
    now = timezone.now()
    beat = now - datetime.timedelta(minutes=heartbeat_minutes_ago)
    return PlaceImport.objects.create(
        requested_by=UserFactory(national_admin=True),
        source_name="essai",
        original_name="lieux.csv",
        state=TaskState.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        **values,
    )


def test_place_imports_are_background_tasks():
    assert PlaceImport in task_models()


def test_a_running_task_without_heartbeat_for_too_long_is_marked_failed():
    stale = running_import(heartbeat_minutes_ago=30)
    alive = running_import(heartbeat_minutes_ago=1)
    pending = PlaceImport.objects.create(source_name="essai", original_name="b.csv")

    counts = fail_stale_tasks()

    assert counts == {"aggregation.PlaceImport": 1}
    stale.refresh_from_db()
    alive.refresh_from_db()
    pending.refresh_from_db()
    assert stale.state == TaskState.FAILED and stale.finished_at is not None
    assert "ne donne plus signe de vie depuis plus de 10 minutes" in stale.error_message
    assert alive.state == TaskState.RUNNING and pending.state == TaskState.PENDING


def test_the_periodic_task_marks_stale_tasks_failed():
    stale = running_import(heartbeat_minutes_ago=11)

    fail_stale_tasks_periodically.call_local()

    stale.refresh_from_db()
    assert stale.state == TaskState.FAILED


def test_heartbeat_keeps_a_long_task_alive():
    task = running_import(heartbeat_minutes_ago=9)

    task.beat(force=True)

    assert fail_stale_tasks(now=timezone.now() + datetime.timedelta(minutes=5)) == {}


def test_viewing_a_stale_import_shows_it_failed_and_stops_polling(client):
    stale = running_import(heartbeat_minutes_ago=30, progress_done=10, progress_total=100)
    client.force_login(stale.requested_by)
    url = reverse("www:places_manage:import_detail", kwargs={"pk": stale.pk})

    poll = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url).content.decode()

    assert poll.status_code == 286
    assert "L&#x27;import a échoué" in poll.content.decode() or "L'import a échoué" in poll.content.decode()
    assert "hx-get" not in page and "ne donne plus signe de vie" in page


def test_finish_and_fail_record_the_outcome():
    task = running_import(heartbeat_minutes_ago=0)

    task.finish(created_count=3)
    task.refresh_from_db()
    assert (task.state, task.created_count, task.is_active) == (TaskState.DONE, 3, False)

    other = running_import(heartbeat_minutes_ago=0)
    other.fail("Le fichier est illisible.")
    other.refresh_from_db()
    assert other.is_failed and other.error_message == "Le fichier est illisible."
