"""The pseudonymous references of distributions are erased once their order's passes have long expired."""

import datetime as dt

import pytest

from cordee.journal.models import Entry
from cordee.pass_numerique import retention
from cordee.pass_numerique.jobs import tasks
from cordee.pass_numerique.models import Distribution
from tests.pass_numerique.factories import build_world

pytestmark = pytest.mark.django_db


def test_references_are_kept_until_their_time_then_erased_once_and_journaled(settings):
    settings.PASS_REFERENCE_RETENTION_DAYS = 180
    world = build_world(distribute=3)
    other = build_world(distribute=2)  # another order, a year longer
    other.order.valid_until += dt.timedelta(days=365)
    other.order.save()
    due = world.order.expires_at + dt.timedelta(days=180)
    references = sorted(Distribution.objects.filter(pass_obj__order=world.order).values_list("reference", flat=True))
    assert len(references) == 3 and all(references)

    assert retention.erase_references(now=due - dt.timedelta(seconds=1)) == 0
    assert retention.erase_references(now=due) == 3

    distributions = Distribution.objects.filter(pass_obj__order=world.order)
    assert [item.reference for item in distributions] == ["", "", ""]
    # What the statistics read stays: the date and the structure of each distribution.
    assert all(item.distributed_on and item.structure_id == world.holder.pk for item in distributions)
    assert all(item.reference for item in Distribution.objects.filter(pass_obj__order=other.order))
    entry = Entry.objects.get(action="pass_numerique.references.erase")
    assert entry.object_id == str(world.order.pk) and entry.details["distributions"] == 3
    assert retention.erase_references(now=due) == 0


def test_the_keeping_time_is_judged_in_the_funders_time_zone(settings):
    settings.PASS_REFERENCE_RETENTION_DAYS = 0
    world = build_world(distribute=1)
    assert not retention.erase_due(world.order, world.order.expires_at - dt.timedelta(seconds=1))
    assert retention.erase_due(world.order, world.order.expires_at)


def test_the_daily_task_erases_what_is_due(settings):
    settings.PASS_REFERENCE_RETENTION_DAYS = 0
    world = build_world(distribute=2)
    order = world.order
    order.valid_from, order.valid_until, order.tolerance_days = dt.date(2025, 1, 1), dt.date(2025, 6, 30), 0
    order.save()
    assert tasks.erase_references_daily.call_local() == 2
    assert not Distribution.objects.filter(pass_obj__order=order).exclude(reference="").exists()
