"""``generate_activities``: realistic synthetic activities, written in bulk, consistent with the model's rules."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F

from cordee.activities.models import Activity
from cordee.dashboards import aggregates
from cordee.structures.models import Membership
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_generates_consistent_activities_over_the_years():
    CommuneFactory()
    CommuneFactory(code_insee="13055", name="Marseille", population=870000, marseille=True)

    call_command("generate_activities", count=1500, mediators=20, structures=8, wet_run=True, verbosity=0)

    assert Activity.objects.count() == 1500
    assert Membership.objects.count() == 20
    activities = Activity.objects.all()
    assert not activities.filter(returning__gt=F("participants")).exists()
    assert activities.filter(date__gt=datetime.date.today()).count() == 0
    figures = aggregates.compute(activities.filter(date__gte=datetime.date.today() - datetime.timedelta(days=4 * 365)))
    kinds = {row.code: row.activities for row in figures.breakdowns["kind"].rows}
    assert kinds["individual"] > kinds["workshop"] > kinds["partnership"]
    themes = {row.code: row.activities for row in figures.breakdowns["theme"].rows}
    assert themes["admin_procedures"] > themes["entrepreneurship"]
    # Weekly rhythm: hardly anything on Sundays.
    days = {row.code: row.activities for row in figures.by_day}
    sundays = sum(n for day, n in days.items() if datetime.date.fromisoformat(day).weekday() == 6)
    assert sundays < 0.02 * 1500
    # Marseille is far more populated than Guéret: most activities are there.
    departements = {row.code: row.activities for row in figures.by_departement}
    assert departements.get("13", 0) > departements.get("23", 0)


def test_dry_run_writes_nothing():
    CommuneFactory()

    call_command("generate_activities", count=50, mediators=2, structures=1, verbosity=0)

    assert Activity.objects.count() == 0
