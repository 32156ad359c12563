"""Rollups under concurrency (PostgreSQL): twenty mediators writing at the same moment into the same rollup rows
lose no count and never deadlock."""

import datetime as dt

import pytest
from django.utils import timezone

from cordee.activities import services
from cordee.activities.models import Activity
from cordee.dashboards import rollups
from tests.concurrency import run_concurrently
from tests.dashboards.test_rollups import snapshot
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

WRITERS = 20


def test_twenty_concurrent_writers_keep_the_rollups_equal_to_the_rows():
    structure = StructureFactory()
    place = PlaceFactory(structure=structure)
    mediators = [MembershipFactory(structure=structure).user for _ in range(WRITERS)]
    today = timezone.localdate()

    def writer(mediator, n):
        def work():
            recorded = []
            for k in range(4):
                data = {
                    "kind": "individual" if k % 2 else "quick",
                    "date": (today - dt.timedelta(days=k % 2)).isoformat(),
                    "duration_minutes": 15 * (k + 1),
                    "location_kind": "place",
                    "place_id": place.pk,
                    "themes": ["email"],
                    "tags": ["Projet commun"] if k % 2 else [],
                }
                recorded.append(services.record_activity(mediator, data))
            # Move one to another day and kind, delete another: both touch rows the other writers add to.
            services.update_activity(
                mediator,
                recorded[0],
                {**data, "kind": "individual", "date": today.isoformat(), "duration_minutes": 90 + n},
            )
            services.delete_activity(mediator, recorded[1])
            return len(recorded)

        return work

    outcomes = run_concurrently(*(writer(mediator, n) for n, mediator in enumerate(mediators)), timeout=60)

    assert [outcome.error for outcome in outcomes if not outcome.ok] == []
    assert Activity.objects.count() == WRITERS * 3
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental
