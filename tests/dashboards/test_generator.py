"""``generate_activities``: realistic synthetic activities, written in bulk, consistent with the model's rules."""

import datetime
import importlib.machinery
import importlib.util
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from cordee.activities.models import Activity
from cordee.dashboards import aggregates, generator
from cordee.places.models import Place
from cordee.structures.models import Membership, Structure
from cordee.users.models import User
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


def test_a_new_run_adds_only_the_missing_activities_with_the_same_mediators():
    CommuneFactory()
    generator.generate(300, mediators=12, structures=5)
    users = set(User.objects.values_list("pk", flat=True))

    again = generator.generate(300, mediators=12, structures=5)
    more = generator.generate(450, mediators=12, structures=5)

    assert again["activities"] == 0
    assert (more["activities"], more["total"], more["mediators"], more["structures"]) == (150, 450, 0, 0)
    assert Activity.objects.count() == 450
    assert set(User.objects.values_list("pk", flat=True)) == users
    assert (Structure.objects.count(), Place.objects.count(), Membership.objects.count()) == (5, 5, 12)
    # Every activity belongs to a synthetic mediator, in their structure, at its place when « place ».
    members = dict(Membership.objects.values_list("user_id", "structure_id"))
    places = dict(Place.objects.values_list("structure_id", "pk"))
    for mediator, structure, location, place in Activity.objects.values_list(
        "mediator_id", "structure_id", "location_kind", "place_id"
    ):
        assert members[mediator] == structure
        assert place == (places[structure] if location == "place" else None)


def test_imported_v1_activities_keep_their_own_age_bands():
    CommuneFactory()
    generator.generate(2000, mediators=10, structures=4)

    imported = Activity.objects.filter(source="import_v1")
    assert imported.exists()
    assert not imported.exclude(age_v1_35_60=F("participants")).exists()
    assert not imported.filter(age_40_59__gt=0).exists()
    assert not Activity.objects.filter(source="entered", age_v1_35_60__gt=0).exists()
    oldest_entered_only = datetime.date.today().replace(year=datetime.date.today().year - 2)
    assert not imported.filter(date__gte=oldest_entered_only).exists()


def test_dropped_indexes_come_back_with_their_definitions():
    with connection.cursor() as cursor:
        before = generator._secondary_indexes(cursor)
    assert "activity_dep_date" in before

    generator.drop_secondary_indexes()
    with connection.cursor() as cursor:
        assert generator._secondary_indexes(cursor) == {}
    restored = generator.ensure_indexes()

    assert sorted(restored) == sorted(before)
    with connection.cursor() as cursor:
        assert generator._secondary_indexes(cursor) == before
        assert generator.INDEX_STATE_TABLE not in connection.introspection.table_names(cursor)
    assert generator.ensure_indexes() == []


def test_rollups_are_rebuilt_after_a_load_when_the_module_exists(monkeypatch):
    calls = []
    module = importlib.util.module_from_spec(importlib.machinery.ModuleSpec("cordee.dashboards.rollups", None))
    module.rebuild = lambda progress=None: calls.append(progress)
    monkeypatch.setitem(sys.modules, "cordee.dashboards.rollups", module)
    CommuneFactory()

    loaded = generator.generate(20, mediators=2, structures=1, rollup_progress=print)
    unchanged = generator.generate(20, mediators=2, structures=1)

    assert (loaded["rollups"], unchanged["rollups"]) == (True, False)
    assert calls == [print]


def test_a_load_on_a_29th_of_february_starts_on_the_1st_of_march_three_years_before():
    CommuneFactory()

    generator.generate(200, mediators=3, structures=1, years=3, today=datetime.date(2028, 2, 29))

    assert Activity.objects.earliest("date").date >= datetime.date(2025, 3, 1)
    assert Activity.objects.latest("date").date <= datetime.date(2028, 2, 29)
