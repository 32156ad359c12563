"""The rollups equal the activity rows: random writes through every path, then every figure read both ways.

Hypothesis draws sequences of writes (create, update, delete, bulk import, tags set and deleted, a mediator
attached or deleted, a place deleted); after each sequence every figure of ``compute`` and of the statistics
API, read from the rollups, must equal the same figure counted on the rows, for views, filters and periods that
fall on whole months or not; and ``rollups.rebuild()`` must leave the tables as the triggers left them.
"""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cordee.activities import enums
from cordee.activities.models import COUNT_COLUMNS, Activity, ActivityTag
from cordee.dashboards import aggregates, rollups
from cordee.dashboards.filters import ActivityFilters
from cordee.dashboards.models import MonthlyTerritoryRollup
from cordee.dashboards.scope import Scope, ScopeKind, mediator_scope, structure_scope
from cordee.places.models import Place
from cordee.users.models import User
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 20)
FIRST_DAY = dt.date(2025, 1, 1)
PERIODS = [
    ("2025-01-01", "2025-06-30"),  # whole months
    ("2025-01-15", "2025-05-10"),  # both ends inside a month
    ("2025-02-03", "2025-02-20"),  # inside one month
    ("2025-02-25", "2025-03-02"),  # across two months, few days
    ("2024-12-20", "2025-06-20"),  # up to « today »
]
QUERIES = ["", "kind=workshop&kind=quick", "source=import_v1", "conseiller_numerique=oui", "departement=23"]


@pytest.fixture
def world():
    """Two structures (Guéret, Marseille), three mediators, a place each, communes and tags."""
    gueret = StructureFactory()
    marseille = StructureFactory(in_marseille=True)
    mediators = [
        MembershipFactory(structure=gueret).user,
        MembershipFactory(structure=gueret).user,
        MembershipFactory(structure=marseille).user,
    ]
    places = [PlaceFactory(structure=gueret), PlaceFactory(structure=marseille)]
    communes = [gueret.commune, marseille.commune, CommuneFactory(code_insee="23001", name="Ajain")]
    tags = [
        ActivityTag.objects.create(structure=gueret, name="Projet A"),
        ActivityTag.objects.create(structure=gueret, name="Projet B"),
        ActivityTag.objects.create(structure=marseille, name="Projet C"),
    ]
    return {
        "structures": [gueret, marseille],
        "mediators": mediators,
        "places": places,
        "communes": communes,
        "tags": tags,
    }


def _counts(participants, draw_split):
    counts = dict.fromkeys(COUNT_COLUMNS, 0)
    counts.update(participants=participants, returning=draw_split[0] % (participants + 1))
    columns = {
        "age": ["age_18_24", "age_60_69", "age_unknown", "age_v1_35_60"],
        "gender": ["gender_female", "gender_male", "gender_unknown"],
        "status": ["status_employed", "status_retired", "status_unknown"],
    }
    for n, names in enumerate(columns.values()):
        first = draw_split[n + 1] % (participants + 1)
        counts[names[draw_split[n + 1] % len(names)]] = first
        rest = names[(draw_split[n + 1] + 1) % len(names)]
        counts[rest] = counts.get(rest, 0) + participants - first
    return counts


activity_values = st.fixed_dictionaries(
    {
        "structure": st.integers(0, 1),
        "mediator": st.sampled_from([0, 1, 2, None]),
        "kind": st.sampled_from(enums.ActivityKind.values),
        "day": st.integers(-15, 200),
        "duration": st.sampled_from([5, 15, 16, 30, 45, 60, 61, 90, 120, 121, 180]),
        "location": st.sampled_from(enums.LocationKind.values),
        "commune": st.sampled_from([0, 1, 2, None]),
        "themes_mask": st.integers(0, (1 << len(enums.Theme.values)) - 1),
        "admin_subthemes_mask": st.integers(0, (1 << len(enums.AdminSubTheme.values)) - 1),
        "equipment_mask": st.integers(0, 31),
        "redirections_mask": st.integers(0, 127),
        "autonomy": st.sampled_from(["", *enums.Autonomy.values]),
        "participants": st.integers(1, 12),
        "split": st.lists(st.integers(0, 50), min_size=4, max_size=4),
        "source": st.sampled_from(enums.Source.values),
        "cn": st.booleans(),
        "tags": st.lists(st.integers(0, 2), max_size=2, unique=True),
    }
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), activity_values),
        st.tuples(st.just("update"), st.integers(0, 1000), activity_values),
        st.tuples(st.just("delete"), st.integers(0, 1000)),
        st.tuples(st.just("import"), st.lists(activity_values, min_size=1, max_size=4)),
        st.tuples(st.just("retag"), st.integers(0, 1000), st.lists(st.integers(0, 2), max_size=3, unique=True)),
        st.tuples(st.just("attach"), st.integers(0, 2)),
        st.tuples(st.just("drop_tag"), st.integers(0, 2)),
        st.tuples(st.just("drop_place"), st.integers(0, 1)),
        st.tuples(st.just("drop_mediator"), st.integers(0, 2)),
    ),
    min_size=1,
    max_size=12,
)


def _fields(world, values) -> dict:
    structure = world["structures"][values["structure"]]
    commune = None if values["commune"] is None else world["communes"][values["commune"]]
    place = world["places"][values["structure"]] if values["location"] == "place" else None
    place = Place.objects.filter(pk=place.pk).first() if place else None
    mediator = None
    if values["mediator"] is not None:
        mediator = User.objects.filter(pk=world["mediators"][values["mediator"]].pk).first()
    return {
        "structure": structure,
        "mediator": mediator,
        "kind": values["kind"],
        "date": FIRST_DAY + dt.timedelta(days=values["day"]),
        "duration_minutes": values["duration"],
        "location_kind": values["location"],
        "place": place,
        "commune": commune,
        "departement_code": commune.departement_id if commune else "",
        "region_code": commune.departement.region_id if commune else "",
        "themes_mask": values["themes_mask"],
        "admin_subthemes_mask": values["admin_subthemes_mask"],
        "equipment_mask": values["equipment_mask"],
        "redirections_mask": values["redirections_mask"],
        "autonomy": values["autonomy"],
        "source": values["source"],
        "is_conseiller_numerique": values["cn"],
        **_counts(values["participants"], values["split"]),
    }


def _tags(world, indexes):
    return list(ActivityTag.objects.filter(pk__in=[world["tags"][n].pk for n in indexes]))


def _nth(index):
    ids = list(Activity.objects.order_by("pk").values_list("pk", flat=True))
    return Activity.objects.get(pk=ids[index % len(ids)]) if ids else None


def apply(world, operation):
    name, *arguments = operation
    if name == "create":
        activity = Activity.objects.create(**_fields(world, arguments[0]))
        activity.tags.set(_tags(world, arguments[0]["tags"]))
    elif name == "update":
        activity = _nth(arguments[0])
        if activity is not None:
            for field, value in _fields(world, arguments[1]).items():
                setattr(activity, field, value)
            activity.save()
    elif name == "delete":
        activity = _nth(arguments[0])
        if activity is not None:
            activity.delete()
    elif name == "import":
        Activity.objects.bulk_create(
            [
                Activity(**{**_fields(world, values), "source": "import_v1", "mediator": None})
                for values in arguments[0]
            ]
        )
    elif name == "retag":
        activity = _nth(arguments[0])
        if activity is not None:
            activity.tags.set(_tags(world, arguments[1]))
    elif name == "attach":
        mediator = User.objects.filter(pk=world["mediators"][arguments[0]].pk).first()
        Activity.objects.filter(mediator__isnull=True).update(mediator=mediator)
    elif name == "drop_tag":
        ActivityTag.objects.filter(pk=world["tags"][arguments[0]].pk).delete()
    elif name == "drop_place":
        Place.objects.filter(pk=world["places"][arguments[0]].pk).delete()
    elif name == "drop_mediator":
        User.objects.filter(pk=world["mediators"][arguments[0]].pk).delete()


def views(world):
    gueret, marseille = world["structures"]
    yield Scope(ScopeKind.TERRITORY, "france", "France")
    yield Scope(ScopeKind.TERRITORY, "departement:23", "Creuse", territory_kind="departement", territory_code="23")
    yield Scope(
        ScopeKind.TERRITORY,
        f"region:{marseille.commune.departement.region_id}",
        "Région",
        territory_kind="region",
        territory_code=marseille.commune.departement.region_id,
    )
    yield mediator_scope(world["mediators"][0])
    yield structure_scope(gueret)


def _as_dict(figures):
    return dataclasses.asdict(figures)


def assert_rollups_equal_rows(world):
    mediator = world["mediators"][1]
    queries = [*QUERIES, f"mediator={mediator.pk}", f"structure={world['structures'][1].pk}"]
    checked = 0
    for v, scope in enumerate(views(world)):
        for n, (start, end) in enumerate(PERIODS):
            for query in ("", queries[(v * len(PERIODS) + n) % len(queries)]):
                values = ActivityFilters(QueryDict(f"from={start}&to={end}&{query}"), today=TODAY).values()
                activities = Activity.objects.filter(scope.q()).filter(
                    *ActivityFilters(QueryDict(f"from={start}&to={end}&{query}"), today=TODAY).conditions()
                )
                assert aggregates._selection(activities, scope, values) is not None
                raw = aggregates.compute(activities)
                rolled = aggregates.compute(activities, scope=scope, filters=values)
                assert _as_dict(rolled) == _as_dict(raw), (scope.ref, start, end, query)
                raw = aggregates.compute(activities, with_days=False)
                rolled = aggregates.compute(activities, with_days=False, scope=scope, filters=values)
                assert _as_dict(rolled) == _as_dict(raw), (scope.ref, start, end, query)
                if scope.is_territory:
                    for group_by in aggregates.GROUP_BY:
                        assert aggregates.grouped(activities, group_by, scope=scope, filters=values) == (
                            aggregates.grouped(activities, group_by)
                        ), (scope.ref, start, end, query, group_by)
                    assert aggregates.totals(activities, scope=scope, filters=values) == aggregates.totals(activities)
                checked += 1
    return checked


def snapshot() -> dict:
    """Every rollup row that counts something, by table and key."""
    tables = {}
    for grain in rollups.GRAINS:
        columns = [*grain.key, *(m.column for m in grain.measures)]
        rows = grain.model.objects.values_list(*columns)
        tables[grain.table] = sorted(
            (tuple(str(value) for value in row[: len(grain.key)]), row[len(grain.key) :])
            for row in rows
            if any(row[len(grain.key) :])
        )
        # A row with no activity left counts nothing at all.
        assert all(row[len(grain.key)] > 0 for row in rows if any(row[len(grain.key) :])), grain.table
    return tables


def empty_rollups():
    return all(not grain.model.objects.exclude(activities=0).exists() for grain in rollups.GRAINS)


@settings(
    max_examples=int(__import__("os").environ.get("ROLLUP_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=operations)
def test_rollups_equal_counting_the_rows(world, operations):
    with transaction.atomic():  # each example starts from the same world
        assert empty_rollups()
        for operation in operations:
            apply(world, operation)
        assert assert_rollups_equal_rows(world) > 0
        incremental = snapshot()
        rollups.rebuild()
        assert snapshot() == incremental
        transaction.set_rollback(True)


def test_rebuild_equals_the_triggers_on_the_rows(world):
    for day in range(0, 180, 7):
        values = {
            "structure": day % 2,
            "mediator": day % 3,
            "kind": enums.ActivityKind.values[day % 6],
            "day": day,
            "duration": 15 + day,
            "location": enums.LocationKind.values[day % 4],
            "commune": day % 3,
            "themes_mask": day * 7919 % (1 << 19),
            "admin_subthemes_mask": day % 2048,
            "equipment_mask": day % 32,
            "redirections_mask": day % 128,
            "autonomy": "",
            "participants": 1 + day % 9,
            "split": [day, day + 1, day + 2, day + 3],
            "source": enums.Source.values[day % 2],
            "cn": bool(day % 2),
            "tags": [day % 3],
        }
        apply(world, ("create", values))
    incremental = snapshot()
    assert incremental[rollups.MONTH_MEDIATOR.table]
    assert incremental[rollups.MONTH_TAG.table]
    counts = rollups.rebuild()
    assert snapshot() == incremental
    assert counts[rollups.MONTH_TERRITORY.table] == len(incremental[rollups.MONTH_TERRITORY.table])


def test_triggers_are_installed_and_follow_the_code():
    assert rollups.installed_signature() == rollups.signature(connection.vendor)
    assert rollups.ensure_installed() is False  # nothing to do after migrate


def test_a_period_is_split_into_whole_months_and_days_of_rows():
    split = rollups.split
    assert split(dt.date(2025, 1, 1), dt.date(2025, 3, 31), today=TODAY) == rollups.Period(
        (dt.date(2025, 1, 1), dt.date(2025, 3, 1)), []
    )
    # From the 3rd: the two days before are subtracted; to the 10th: those ten days are added.
    assert split(dt.date(2025, 1, 3), dt.date(2025, 3, 10), today=TODAY) == rollups.Period(
        (dt.date(2025, 1, 1), dt.date(2025, 2, 1)),
        [(-1, dt.date(2025, 1, 1), dt.date(2025, 1, 2)), (1, dt.date(2025, 3, 1), dt.date(2025, 3, 10))],
    )
    # Up to today: the rest of the month has no activity yet, the month is taken whole.
    assert split(dt.date(2025, 1, 1), TODAY, today=TODAY) == rollups.Period(
        (dt.date(2025, 1, 1), dt.date(2025, 6, 1)), [(-1, dt.date(2025, 6, 21), dt.date(2025, 6, 30))]
    )
    # Inside one month: the fewer days of rows (here the ten outside, subtracted from the month).
    assert split(dt.date(2025, 2, 3), dt.date(2025, 2, 20), today=TODAY) == rollups.Period(
        (dt.date(2025, 2, 1), dt.date(2025, 2, 1)),
        [(-1, dt.date(2025, 2, 1), dt.date(2025, 2, 2)), (-1, dt.date(2025, 2, 21), dt.date(2025, 2, 28))],
    )
    assert split(dt.date(2025, 2, 10), dt.date(2025, 2, 14), today=TODAY) == rollups.Period(
        None, [(1, dt.date(2025, 2, 10), dt.date(2025, 2, 14))]
    )


@pytest.mark.parametrize(
    "query",
    ["theme=email", "tag=1", "place=1", "commune=23096"],
)
def test_filters_the_rollups_cannot_answer_read_the_rows(world, query):
    values = ActivityFilters(QueryDict(query), today=TODAY).values()
    assert rollups.selection(structure_scope(world["structures"][0]), values, "default") is None


def test_an_epci_or_another_kind_of_view_reads_the_rows():
    values = ActivityFilters(QueryDict(""), today=TODAY).values()
    epci = Scope(ScopeKind.TERRITORY, "epci:200067213", "Creuse Grand Sud", territory_kind="epci", territory_code="1")
    assert rollups.selection(epci, values, "default") is None
    assert rollups.selection(Scope("team", "3", "Mon équipe"), values, "default") is None


def test_every_write_path_of_the_services_keeps_the_rollups(world, tmp_path):
    """Record, change, « dupliquer », delete; merge and anonymise followed people; import a v1 file."""
    from cordee.activities import services
    from cordee.activities.legacy.importer import import_cra_v1
    from cordee.beneficiaries import anonymisation, merging
    from tests.beneficiaries.factories import BeneficiaryFactory

    gueret = world["structures"][0]
    mediator = world["mediators"][0]
    place = world["places"][0]
    kept, dropped = BeneficiaryFactory(structure=gueret), BeneficiaryFactory(structure=gueret)
    data = {
        "kind": "individual",
        "date": (dt.date.today() - dt.timedelta(days=40)).isoformat(),
        "duration_minutes": 45,
        "location_kind": "place",
        "place_id": place.pk,
        "themes": ["email", "admin_procedures"],
        "admin_subthemes": ["housing"],
        "tags": ["Projet A"],
        "beneficiary_id": dropped.pk,
    }
    first = services.record_activity(mediator, data)
    second = services.record_activity(mediator, {**services.copy_values(first), "date": data["date"]})
    services.update_activity(mediator, second, {**data, "kind": "quick", "beneficiary_id": None, "tags": []})
    workshop = services.record_activity(
        mediator,
        {
            **data,
            "kind": "workshop",
            "title": "Atelier",
            "participants": 7,
            "beneficiary_id": None,
            "participant_ids": [kept.pk, dropped.pk],
        },
    )
    merging.merge(mediator, kept, dropped)
    anonymisation.anonymise_many(mediator, [kept.pk])
    services.delete_activity(mediator, first)
    import_cra_v1(
        Path(__file__).parents[1] / "activities" / "data" / "cra_v1_example.csv",
        wet_run=True,
        report_path=tmp_path / "rapport.csv",
    )
    assert Activity.objects.filter(source="import_v1").exists()
    assert Activity.objects.filter(pk=workshop.pk).exists()

    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental
    assert assert_rollups_equal_rows(world) > 0


def test_the_statistics_api_gives_the_figures_of_the_rows(world, client):
    from django.urls import reverse

    from cordee.users.tokens import create_api_token
    from tests.users.factories import UserFactory

    for day in range(0, 400, 9):
        values = {
            "structure": day % 2,
            "mediator": day % 3,
            "kind": enums.ActivityKind.values[day % 6],
            "day": day - 200,
            "duration": 30,
            "location": "place",
            "commune": day % 2,
            "themes_mask": 1 + day % 1000,
            "admin_subthemes_mask": 0,
            "equipment_mask": 1,
            "redirections_mask": 0,
            "autonomy": "",
            "participants": 1 + day % 5,
            "split": [day, day, day, day],
            "source": "entered",
            "cn": bool(day % 2),
            "tags": [],
        }
        apply(world, ("create", values))
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(UserFactory(national_admin=True))[1]}"
    for query in ("from=2024-09-14&to=2025-05-03", "from=2025-01-01&to=2025-03-31&kind=quick&kind=individual"):
        for group_by in aggregates.GROUP_BY:
            response = client.get(f"{reverse('api:stats-activities')}?territory=france&group_by={group_by}&{query}")
            assert response.status_code == 200
            body = response.json()
            activities = Activity.objects.filter(*ActivityFilters(QueryDict(query), today=TODAY).conditions())
            assert body["totals"] == aggregates.totals(activities)
            rows = aggregates.grouped(activities, group_by)
            assert [(g["key"], g["activities"], g["participants"], g["minutes"]) for g in body["groups"]] == [
                (row.code, row.activities, row.participants, row.minutes) for row in rows
            ]
            assert sum(g["activities"] for g in body["groups"]) >= (group_by != "theme") * body["totals"]["activities"]


def test_a_bulk_load_leaves_the_rollups_equal_to_the_rows(world):
    values = {
        "structure": 0,
        "mediator": 0,
        "kind": "workshop",
        "day": 20,
        "duration": 60,
        "location": "place",
        "commune": 0,
        "themes_mask": 3,
        "admin_subthemes_mask": 0,
        "equipment_mask": 1,
        "redirections_mask": 0,
        "autonomy": "",
        "participants": 6,
        "split": [1, 2, 3, 4],
        "source": "entered",
        "cn": True,
        "tags": [0],
    }
    apply(world, ("create", values))
    with rollups.bulk_load():
        apply(world, ("import", [values, {**values, "day": 70, "structure": 1}]))
        # Not counted during the load…
        assert MonthlyTerritoryRollup.objects.aggregate(n=Sum("activities"))["n"] == 1
    # … all counted after it.
    assert rollups.installed_signature() == rollups.signature(connection.vendor)
    incremental = snapshot()
    assert sum(row[1][0] for row in incremental[rollups.MONTH_TERRITORY.table]) == 3
    rollups.rebuild()
    assert snapshot() == incremental
