"""Qualification decisions under concurrency (PostgreSQL): two deciders at the same moment, one decision."""

import pytest
from django.db import DatabaseError

from cordee.places import quality
from cordee.places.enums import QualificationState
from cordee.places.models import Place, QualificationTransition
from tests.concurrency import run_concurrently
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_decisions_on_one_request_leave_one_decision():
    place = PlaceFactory(qualification_state=QualificationState.REQUESTED)
    coordinator = CoordinatorScopeFactory().user
    admin = UserFactory(national_admin=True)

    outcomes = run_concurrently(
        lambda: quality.qualify(coordinator, Place.objects.get(pk=place.pk)),
        lambda: quality.refuse(admin, Place.objects.get(pk=place.pk), "Les horaires manquent."),
    )

    assert sorted(outcome.ok for outcome in outcomes) == [False, True]
    refused = next(outcome.error for outcome in outcomes if not outcome.ok)
    assert not isinstance(refused, DatabaseError), refused  # the domain said no; the database did not break
    transitions = QualificationTransition.objects.filter(place=place)
    assert transitions.count() == 1
    winner = transitions.get()
    place.refresh_from_db()
    assert place.qualification_state == winner.to_state
    assert winner.from_state == QualificationState.REQUESTED
