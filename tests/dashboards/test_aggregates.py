"""The dashboards' figures equal what counting the raw rows one by one gives, on SQLite and PostgreSQL."""

import datetime
import random

import pytest

from cordee.activities import enums
from cordee.activities.models import Activity, ActivityParticipant
from cordee.dashboards import aggregates
from cordee.dashboards.filters import ActivityFilters
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import StructureFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)


@pytest.fixture
def activities():
    """Forty activities of every kind, theme mix, duration and place, in Guéret and Marseille, over a year."""
    rng = random.Random(7)
    gueret = StructureFactory()
    marseille = StructureFactory(in_marseille=True)
    for n in range(40):
        structure = gueret if n % 3 else marseille
        themes = rng.sample(enums.Theme.values, rng.randint(1, 3))
        workshop = n % 4 == 0
        ActivityFactory(
            structure=structure,
            commune=structure.commune,
            kind="workshop" if workshop else rng.choice(["individual", "quick", "event"]),
            workshop=workshop,
            date=TODAY - datetime.timedelta(days=rng.randint(0, 360)),
            duration_minutes=rng.choice([10, 15, 30, 45, 60, 75, 90, 120, 150]),
            location_kind=rng.choice(enums.LocationKind.values),
            themes=themes,
            admin_subthemes=["housing"] if "admin_procedures" in themes else [],
            equipment=rng.sample(enums.Equipment.values, rng.randint(1, 2)),
            redirections=rng.sample(enums.Redirection.values, rng.randint(0, 2)),
            autonomy=rng.choice(["", *enums.Autonomy.values]),
            is_conseiller_numerique=bool(n % 2),
            source="import_v1" if n % 5 == 0 else "entered",
        )
    return list(Activity.objects.order_by("pk"))


def test_wide_scan_equals_counting_rows(activities):
    figures = aggregates.compute(Activity.objects.all())

    assert figures.activities == len(activities)
    assert figures.participants == sum(a.participants for a in activities)
    assert figures.new_people == sum(a.participants - a.returning for a in activities)
    assert figures.minutes == sum(a.duration_minutes for a in activities)
    for key, _title, column, choices in aggregates.COLUMNS:
        rows = {row.code: row.activities for row in figures.breakdowns[key].rows}
        for value in choices.values:
            assert rows[value] == sum(getattr(a, column) == value for a in activities), (key, value)
        assert sum(rows.values()) == len(activities)
    for key, _title, _mask_field, choices in aggregates.MASKS:
        rows = {row.code: row.activities for row in figures.breakdowns[key].rows}
        list_field = {"theme": "themes", "admin_subtheme": "admin_subthemes", "equipment": "equipment"}.get(
            key, "redirections"
        )
        for value in choices.values:
            assert rows[value] == sum(value in getattr(a, list_field) for a in activities), (key, value)
    durations = {row.code: row.activities for row in figures.breakdowns["duration"].rows}
    assert durations["15"] == sum(a.duration_minutes <= 15 for a in activities)
    assert durations["more"] == sum(a.duration_minutes > 120 for a in activities)
    assert sum(durations.values()) == len(activities)
    ages = {row.code: row.participants for row in figures.breakdowns["age"].rows}
    assert ages["70_plus"] == sum(a.age_70_plus for a in activities)
    assert sum(ages.values()) == figures.participants  # with the « non renseigné » remainder
    genders = {row.code: row.participants for row in figures.breakdowns["gender"].rows}
    assert genders["female"] == sum(a.gender_female for a in activities)


def test_trends_and_geography_equal_counting_rows(activities):
    figures = aggregates.compute(Activity.objects.all())

    months = {row.code: row for row in figures.by_month}
    for code, row in months.items():
        rows = [a for a in activities if a.date.strftime("%Y-%m") == code]
        assert (row.activities, row.participants, row.minutes) == (
            len(rows),
            sum(a.participants for a in rows),
            sum(a.duration_minutes for a in rows),
        )
    assert sum(row.activities for row in figures.by_month) == len(activities)
    assert sum(row.activities for row in figures.by_day) == len(activities)
    departements = {row.code: row.activities for row in figures.by_departement}
    assert departements == {
        code: sum(a.departement_code == code for a in activities) for code in {a.departement_code for a in activities}
    }
    assert {row.code: row.activities for row in figures.by_commune} == {
        code: sum(a.commune_id == code for a in activities) for code in {a.commune_id for a in activities}
    }


def test_grouped_for_the_api_equals_counting_rows(activities):
    by_theme = {row.code: row for row in aggregates.grouped(Activity.objects.all(), "theme")}
    for theme in enums.Theme.values:
        rows = [a for a in activities if theme in a.themes]
        assert by_theme[theme].activities == len(rows)
        assert by_theme[theme].participants == sum(a.participants for a in rows)
        assert by_theme[theme].minutes == sum(a.duration_minutes for a in rows)
    by_kind = {row.code: row.activities for row in aggregates.grouped(Activity.objects.all(), "kind")}
    assert by_kind == {kind: sum(a.kind == kind for a in activities) for kind in {a.kind for a in activities}}


def test_filters_narrow_like_python_does(activities):
    form = ActivityFilters(
        {"from": "2024-09-01", "to": "2025-03-31", "theme": ["email", "health"], "conseiller_numerique": "oui"},
        today=TODAY,
    )
    figures = aggregates.compute(Activity.objects.filter(*form.conditions()))

    expected = [
        a
        for a in activities
        if datetime.date(2024, 9, 1) <= a.date <= datetime.date(2025, 3, 31)
        and {"email", "health"} & set(a.themes)
        and a.is_conseiller_numerique
    ]
    assert figures.activities == len(expected)
    form = ActivityFilters({"source": "import_v1", "kind": ["workshop"], "departement": "13"}, today=TODAY)
    assert aggregates.totals(Activity.objects.filter(*form.conditions()))["activities"] == len(
        [
            a
            for a in activities
            if a.source == "import_v1"
            and a.kind == "workshop"
            and a.departement_code == "13"
            and a.date >= form.values()["from"]
        ]
    )


def test_followed_beneficiaries_are_counted_once():
    person, other = BeneficiaryFactory(), BeneficiaryFactory()
    ActivityFactory(beneficiary=person)
    ActivityFactory(beneficiary=person)
    workshop = ActivityFactory(workshop=True)
    ActivityParticipant.objects.create(activity=workshop, beneficiary=person)
    ActivityParticipant.objects.create(activity=workshop, beneficiary=other)
    ActivityFactory()  # anonymous

    assert aggregates.compute(Activity.objects.all()).followed == 2


def test_filter_errors_are_french():
    form = ActivityFilters({"from": "2025-05-01", "to": "2025-01-01", "theme": ["cuisine"], "commune": "123"})

    assert not form.is_valid()
    assert form.errors["to"] == ["La fin de la période est avant son début."]
    assert "cuisine" in form.errors["theme"][0]
    assert form.errors["commune"] == ["Un code INSEE a 5 caractères, ex. 23096."]


def test_query_string_is_canonical_and_leaves_defaults_out():
    form = ActivityFilters({"kind": ["workshop"], "departement": "2a", "from": ""}, today=TODAY)

    assert form.query_string() == "departement=2A&kind=workshop"
    form = ActivityFilters({"from": "2025-01-01"}, today=TODAY)
    assert form.query_string() == "from=2025-01-01"


def test_remote_activity_counts_in_its_departement_not_its_commune():
    ActivityFactory(remote=True, departement_code="23", region_code="75")
    CommuneFactory()

    figures = aggregates.compute(Activity.objects.all())
    assert [(row.code, row.activities) for row in figures.by_departement] == [("23", 1)]
    assert figures.by_commune == []


def test_wide_scan_in_sql_equals_the_orm_aggregates(activities):
    for queryset in (
        Activity.objects.all(),
        Activity.objects.filter(
            *ActivityFilters({"theme": ["email"], "kind": ["workshop"]}, today=TODAY).conditions()
        ),
        Activity.objects.filter(commune__epci_id="200067213"),  # a join on the communes (they have a "kind" too)
    ):
        assert aggregates.wide_scan(queryset) == queryset.aggregate(**aggregates.wide_aggregates())
