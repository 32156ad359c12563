"""Each place judged at its own local time and with the public holidays of its département, on every path."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cordee.places import hours
from cordee.places.hours_text import describe
from cordee.places.search import PlaceQuery, parse_query, search
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MORNING = "Mo-Fr 09:00-12:00"


def commune(code_insee, name, lat, lon, departement, departement_name, region):
    return CommuneFactory(
        code_insee=code_insee,
        name=name,
        latitude=lat,
        longitude=lon,
        postal_codes="",
        epci=None,
        departement__code=departement,
        departement__name=departement_name,
        departement__region__code=region,
    )


@pytest.fixture
def reunion():
    return commune("97411", "Saint-Denis", -20.8823, 55.4504, "974", "La Réunion", "04")


@pytest.fixture
def guadeloupe():
    return commune("97120", "Pointe-à-Pitre", 16.2411, -61.5331, "971", "Guadeloupe", "01")


@pytest.fixture
def noumea():
    return commune("98818", "Nouméa", -22.2758, 166.458, "988", "Nouvelle-Calédonie", "00")


@pytest.fixture
def strasbourg():
    return commune("67482", "Strasbourg", 48.5734, 7.7521, "67", "Bas-Rhin", "44")


@pytest.fixture
def four_zones(reunion, guadeloupe, noumea):
    """The same morning hours in Guéret (Paris), Saint-Denis (UTC+4), Pointe-à-Pitre (UTC−4), Nouméa (UTC+11)."""
    PlaceFactory(name="Guéret", opening_hours=MORNING)
    PlaceFactory(name="Réunion", commune_ref=reunion, opening_hours=MORNING)
    PlaceFactory(name="Guadeloupe", commune_ref=guadeloupe, opening_hours=MORNING)
    PlaceFactory(name="Nouméa", commune_ref=noumea, opening_hours=MORNING)


def found(**params):
    result = search(parse_query(params))
    hits = result.page(1, 50)
    # Whatever the time asked, every place found says it is open at that time, in the same answer.
    assert all(hit.open_now is True for hit in hits)
    return sorted(hit.place.name for hit in hits)


# Search -------------------------------------------------------------------------------------------------


def test_a_time_without_offset_is_the_wall_clock_time_at_each_place(four_zones):
    # Monday 2 June 2025, 11:00 wherever the place is: all four mornings are open.
    assert found(open_at="2025-06-02T11:00") == ["Guadeloupe", "Guéret", "Nouméa", "Réunion"]
    assert found(open_at="2025-06-02T13:00") == []


def test_a_time_with_an_offset_is_an_instant_judged_at_each_place(four_zones):
    # 11:00 in Paris (UTC+2) is 13:00 in La Réunion, 05:00 in Guadeloupe, 20:00 in Nouméa.
    assert found(open_at="2025-06-02T11:00+02:00") == ["Guéret"]
    # 06:00 UTC is 08:00 in Paris, 10:00 in La Réunion, 02:00 in Guadeloupe, 17:00 in Nouméa.
    assert found(open_at="2025-06-02T06:00Z") == ["Réunion"]
    # 14:00 UTC on Monday is 10:00 in Guadeloupe and 01:00 on Tuesday in Nouméa.
    assert found(open_at="2025-06-02T14:00:00+00:00") == ["Guadeloupe"]
    # Sunday 22:30 UTC is Monday 09:30 in Nouméa.
    assert found(open_at="2025-06-01T22:30Z") == ["Nouméa"]


def test_the_reported_case_a_national_search_and_open_now_agree(reunion):
    place = PlaceFactory(name="Réunion", commune_ref=reunion, opening_hours="Mo-Fr 09:00-12:00")

    result = search(parse_query({"open_at": "2025-06-02T11:00+02:00"}))
    assert result.count == 0
    assert search(PlaceQuery(departement="974", open_at=dt.datetime(2025, 6, 2, 11, 0, tzinfo=PARIS))).count == 0
    assert [hit.open_now for hit in search(parse_query({"open_at": "2025-06-02T08:00+02:00"})).page(1, 5)] == [True]
    assert hours.is_open_at(place, dt.datetime(2025, 6, 2, 11, 0, tzinfo=PARIS)) is False
    assert hours.is_open_at(place, dt.datetime(2025, 6, 2, 11, 0)) is True


def test_open_now_is_judged_at_each_place(monkeypatch, four_zones):
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2025, 6, 2, 6, 0, tzinfo=dt.UTC))

    assert found(open_now="true") == ["Réunion"]
    hits = {hit.place.name: hit.open_now for hit in search(PlaceQuery()).page(1, 10)}
    assert hits == {"Guadeloupe": False, "Guéret": False, "Nouméa": False, "Réunion": True}


def test_search_around_a_point_or_in_a_departement_overseas(four_zones):
    at_eight_in_paris = "2025-06-02T08:00+02:00"  # 10:00 in La Réunion
    assert found(lat="-20.88", lon="55.45", open_at=at_eight_in_paris) == ["Réunion"]
    assert found(departement="974", open_at=at_eight_in_paris) == ["Réunion"]
    assert found(code_insee="97411", open_at=at_eight_in_paris) == ["Réunion"]
    assert found(lat="16.24", lon="-61.53", open_at=at_eight_in_paris) == []  # 02:00 in Guadeloupe
    assert found(lat="-22.27", lon="166.45", open_at="2025-06-02T09:30") == ["Nouméa"]


def test_places_whose_hours_depend_on_dates_are_judged_at_their_local_time(reunion, noumea):
    PlaceFactory(name="Réunion juin", commune_ref=reunion, opening_hours="Jun Mo-Fr 09:00-12:00")
    PlaceFactory(name="Nouméa juin", commune_ref=noumea, opening_hours="Jun Mo-Fr 09:00-12:00")

    # Monday 2 June 06:00 UTC is 10:00 in La Réunion and 17:00 in Nouméa; Sunday 1 June 22:30 UTC is already
    # Monday 09:30 in Nouméa (and 02:30 in La Réunion).
    assert found(open_at="2025-06-02T06:00Z") == ["Réunion juin"]
    assert found(open_at="2025-06-01T22:30Z") == ["Nouméa juin"]


# Public holidays of a département -----------------------------------------------------------------------


def test_alsace_moselle_holidays(strasbourg):
    PlaceFactory(name="Strasbourg", commune_ref=strasbourg, opening_hours="Mo-Fr 09:00-12:00; PH off")
    PlaceFactory(name="Guéret", opening_hours="Mo-Fr 09:00-12:00; PH off")

    boxing_day = "2025-12-26T10:00"  # a Friday
    good_friday = "2025-04-18T10:00"
    assert found(open_at=boxing_day) == ["Guéret"]
    assert found(open_at=good_friday) == ["Guéret"]
    assert found(lat="48.57", lon="7.75", open_at=good_friday) == []
    assert found(open_at="2025-12-19T10:00") == ["Guéret", "Strasbourg"]


def test_overseas_abolition_days(reunion, guadeloupe):
    PlaceFactory(name="Réunion", commune_ref=reunion, opening_hours="Mo-Sa 09:00-12:00; PH off")
    PlaceFactory(name="Guadeloupe", commune_ref=guadeloupe, opening_hours="Mo-Sa 09:00-12:00; PH off")
    PlaceFactory(name="Guéret", opening_hours="Mo-Sa 09:00-12:00; PH off")

    assert found(open_at="2025-12-20T10:00") == ["Guadeloupe", "Guéret"]  # 20 December: La Réunion
    assert found(open_at="2025-05-27T10:00") == ["Guéret", "Réunion"]  # 27 May: Guadeloupe
    assert found(open_at="2025-05-26T10:00") == ["Guadeloupe", "Guéret", "Réunion"]


@pytest.mark.parametrize(
    ("expr", "holiday_form"),
    [
        ("Mo-Fr 09:00-12:00; PH off", "Mo-Fr 09:00-12:00; Mo-Su off"),
        ("Mo-Fr,PH 09:00-12:00", "Mo-Fr,Mo-Su 09:00-12:00"),
        ("PH Mo-Fr 10:00-11:00", "Mo-Fr 10:00-11:00"),
        ('Mo-Fr 09:00-12:00; PH off "PH : fermé"', 'Mo-Fr 09:00-12:00; Mo-Su off "PH : fermé"'),
    ],
)
def test_holiday_form_of_an_expression(expr, holiday_form):
    assert hours.as_holiday(expr) == holiday_form


def test_is_open_at_uses_the_holidays_of_the_departement():
    expr = "Mo-Fr 09:00-12:00; PH off"
    boxing_day = dt.datetime(2025, 12, 26, 10, 0)

    assert hours.is_open_at(expr, boxing_day) is True
    assert hours.is_open_at(expr, boxing_day, departement="57") is False
    assert hours.is_open_at("Mo-Fr,PH 09:00-12:00", dt.datetime(2025, 12, 20, 10, 0), departement="974") is True
    assert hours.is_open_local(expr, "23", dt.datetime(2025, 12, 20, 10, 0)) is False  # a Saturday
    assert hours.is_open_local("", "23", boxing_day) is None


def test_the_page_of_a_place_knows_its_local_holidays():
    expr = "Mo-Fr 09:00-12:00; PH off"
    thursday = dt.datetime(2025, 12, 25, 8, 0, tzinfo=dt.UTC)

    alsace = describe(expr, 48.57, 7.75, thursday, departement="67")
    creuse = describe(expr, 46.17, 1.87, thursday, departement="23")

    assert alsace.headline == "Fermé · ouvre lundi à 9 h"
    assert creuse.headline == "Fermé · ouvre demain à 9 h"
    assert [day.text for day in alsace.days[:2]] == ["fermé", "fermé"]
    assert alsace.days[4].text == "9 h – 12 h"  # Monday 29 December


# Times that do not exist or exist twice, on every path -----------------------------------------------------

SPRING_GAP = "2026-03-29T02:30:00"  # Paris: clocks jump from 02:00 to 03:00
AUTUMN_TWICE = "2026-10-25T02:30:00"  # Paris: 02:00–03:00 happens twice


@pytest.fixture
def night_places():
    PlaceFactory(name="Deux heures", opening_hours="Su 02:00-03:00")
    PlaceFactory(name="Trois heures", opening_hours="Su 03:00-04:00")
    PlaceFactory(name="Fériés", opening_hours="Su 03:00-04:00; PH off")  # goes through the parser


def test_a_time_that_does_not_exist_is_judged_one_hour_later(night_places):
    assert found(open_at=SPRING_GAP) == ["Fériés", "Trois heures"]
    aware = dt.datetime(2026, 3, 29, 2, 30, tzinfo=PARIS)  # built in Python: 02:30+01:00, the same instant
    assert sorted(hit.place.name for hit in search(PlaceQuery(open_at=aware)).page(1, 5)) == ["Fériés", "Trois heures"]


def test_a_time_that_exists_twice_is_the_first_one(night_places):
    assert found(open_at=AUTUMN_TWICE) == ["Deux heures"]
    # Either 02:30 is 02:30 on the wall clock; as instants, the first one is 00:30 UTC, the second 01:30 UTC.
    assert found(open_at="2026-10-25T02:30:00+02:00") == ["Deux heures"]
    assert found(open_at="2026-10-25T02:30:00+01:00") == ["Deux heures"]
    assert found(open_at="2026-10-25T03:30:00+01:00") == ["Fériés", "Trois heures"]


def test_api_search_with_odd_times(night_places):
    for moment, names in ((SPRING_GAP, ["Fériés", "Trois heures"]), (AUTUMN_TWICE, ["Deux heures"])):
        response = APIClient().get(reverse("api:places"), {"open_at": moment})
        assert response.status_code == 200
        results = response.json()["results"]
        assert sorted(result["nom"] for result in results) == names
        assert all(result["open_now"] is True for result in results)


@pytest.mark.parametrize("kind", ["csv", "json", "geojson"])
def test_exports_with_odd_times(night_places, kind):
    response = APIClient().get(reverse(f"api:places-export-{kind}"), {"open_at": SPRING_GAP})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Trois heures" in body
    assert "Deux heures" not in body


def test_web_search_with_odd_times(client, night_places):
    CommuneFactory()
    response = client.get(
        "/lieux/",
        {"ou": "Guéret", "code_insee": "23096", "when": "le", "open_date": "2026-03-29", "open_time": "02:30"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Trois heures" in html
    assert "Deux heures" not in html


def test_open_at_far_from_any_useful_year_is_refused():
    from cordee.places.search import SearchError

    for text in ("0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00"):
        with pytest.raises(SearchError) as error:
            parse_query({"open_at": text})
        assert "open_at" in error.value.errors


def test_api_payload_agrees_with_the_filter_across_time_zones(four_zones):
    """The reported case: a national open_at at 11:00 Paris time must not list La Réunion (13:00 there)."""
    response = APIClient().get(reverse("api:places"), {"open_at": "2025-06-02T11:00+02:00"})

    assert response.status_code == 200
    assert [(result["nom"], result["open_now"]) for result in response.json()["results"]] == [("Guéret", True)]
    wall_clock = APIClient().get(reverse("api:places"), {"open_at": "2025-06-02T11:00"}).json()["results"]
    assert sorted(result["nom"] for result in wall_clock) == ["Guadeloupe", "Guéret", "Nouméa", "Réunion"]
    assert all(result["open_now"] is True for result in wall_clock)


def test_export_of_a_part_of_a_day(four_zones):
    response = APIClient().get(reverse("api:places-export-csv"), {"open_during": "2025-06-02T08:00/2025-06-02T09:30"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert all(name in body for name in ("Guéret", "Réunion", "Guadeloupe", "Nouméa"))
    empty = APIClient().get(reverse("api:places-export-csv"), {"open_during": "2025-06-02T12:00/2025-06-02T13:00"})
    assert "Nouméa" not in b"".join(empty.streaming_content).decode()


def test_the_filter_and_open_now_agree_at_any_instant_or_wall_clock_time(reunion, guadeloupe, noumea, strasbourg):
    """Whatever the moment, the places found are exactly those whose open_now is true, in every zone."""
    import random

    from cordee.places.models import Place
    from cordee.places.search import place_is_open

    expressions = [
        MORNING,
        "Mo-Sa 09:00-12:00,14:00-18:00; PH off",
        "Fr 22:00-02:00",
        "Jun-Aug Mo-Fr 14:00-18:00",
        "Mo-Fr 08:45-09:15; PH 10:00-11:00",
    ]
    for commune_ref in (None, reunion, guadeloupe, noumea, strasbourg):
        for number, expr in enumerate(expressions):
            extra = {"commune_ref": commune_ref} if commune_ref else {}
            PlaceFactory(name=f"{commune_ref or 'Guéret'} {number}", opening_hours=expr, **extra)
    places = list(Place.objects.all())
    rng = random.Random(11)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    moments = [start + dt.timedelta(minutes=15 * rng.randrange(4 * 24 * 365)) for _ in range(30)]
    moments += [
        dt.datetime(2025, 12, 26, 9, 0, tzinfo=dt.UTC),  # Alsace-Moselle
        dt.datetime(2025, 12, 20, 6, 0, tzinfo=dt.UTC),  # La Réunion
        dt.datetime(2025, 7, 14, 8, 15, tzinfo=dt.UTC),  # national; already 15 July in Nouméa at 13:00 UTC:
        dt.datetime(2025, 7, 14, 13, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 6, 6, 21, 30, tzinfo=dt.UTC),  # Friday night in Paris, Saturday morning in Nouméa
    ]
    moments += [moment.replace(tzinfo=None) for moment in moments[:12]]  # the same as wall-clock times
    for moment in moments:
        expected = sorted(place.name for place in places if place_is_open(place, moment))
        assert sorted(hit.place.name for hit in search(PlaceQuery(open_at=moment)).page(1, 100)) == expected, moment
