import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from cordee.places import enums
from cordee.places.models import Place
from cordee.places.search import PlaceQuery, SearchError, parse_query, search
from cordee.territories.enums import TerritoryKind
from cordee.territories.geo import haversine_km
from cordee.territories.models import territory_q
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday_10am(monkeypatch):
    """Now is Monday 2 June 2025, 10:00 in Paris. (Not freezegun: the opening_hours extension remembers the
    datetime class it first meets, and FakeDatetime would break every later call in the process.)"""
    moment = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


PARIS = ZoneInfo("Europe/Paris")
GUERET = (46.17199, 1.87148)
MARSEILLE = (43.29617, 5.36995)
LILLE = (50.63194, 3.0575)
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-17:00"


def names(found, size=50):
    return [hit.place.name for hit in found.page(1, size)]


def at(lat, lon, **kwargs):
    return PlaceFactory(latitude=lat, longitude=lon, **kwargs)


# Distance ------------------------------------------------------------------------------------------------


def test_orders_by_distance_with_great_circle_distances():
    at(GUERET[0] + 0.5, GUERET[1], name="Nord 55 km")
    at(GUERET[0], GUERET[1], name="Centre")
    at(GUERET[0] + 0.1, GUERET[1], name="Nord 11 km")
    at(GUERET[0] + 1.0, GUERET[1], name="Nord 111 km")
    PlaceFactory(in_marseille=True, name="Marseille")
    PlaceFactory(in_lille=True, name="Lille")

    found = search(PlaceQuery(lat=GUERET[0], lon=GUERET[1], radius_km=100))

    assert found.count == 3
    hits = found.page(1, 10)
    assert [hit.place.name for hit in hits] == ["Centre", "Nord 11 km", "Nord 55 km"]
    assert [round(hit.distance_km, 2) for hit in hits] == [0.0, 11.12, 55.6]


@pytest.mark.parametrize(
    "point, expected",
    [(MARSEILLE, ["Marseille"]), (LILLE, ["Lille"]), (GUERET, ["Guéret"])],
)
def test_finds_the_places_of_each_city(point, expected):
    PlaceFactory(in_marseille=True, name="Marseille")
    PlaceFactory(in_lille=True, name="Lille")
    PlaceFactory(name="Guéret")

    found = search(PlaceQuery(lat=point[0], lon=point[1]))

    assert names(found) == expected
    # The factory puts places 0.001° north and east of the commune's point.
    expected_km = haversine_km(point[0], point[1], point[0] + 0.001, point[1] + 0.001)
    assert found.page(1, 1)[0].distance_km == pytest.approx(expected_km)
    assert 0.1 < expected_km < 0.15


def test_known_distance_between_marseille_and_a_place_in_aix():
    at(43.5263, 5.4454, name="Aix-en-Provence")

    hit = search(PlaceQuery(lat=MARSEILLE[0], lon=MARSEILLE[1], radius_km=30)).page(1, 1)[0]

    assert hit.distance_km == pytest.approx(26.3, abs=0.05)  # 25.6 km north, 6.1 km east


def test_radius_limit():
    at(GUERET[0] + 0.17, GUERET[1], name="19 km")
    at(GUERET[0] + 0.19, GUERET[1], name="21 km")
    at(GUERET[0], GUERET[1] + 0.3, name="23 km à l'est")

    assert names(search(PlaceQuery(lat=GUERET[0], lon=GUERET[1]))) == ["19 km"]
    assert names(search(PlaceQuery(lat=GUERET[0], lon=GUERET[1], radius_km=22))) == ["19 km", "21 km"]
    assert search(PlaceQuery(lat=GUERET[0], lon=GUERET[1], radius_km=5)).count == 0


def test_ties_in_distance_are_ordered_by_name_then_id():
    second = at(*GUERET, name="Bibliothèque")
    first = at(*GUERET, name="Atelier")
    third = at(*GUERET, name="Bibliothèque")

    hits = search(PlaceQuery(lat=GUERET[0], lon=GUERET[1])).page(1, 10)

    assert [hit.place for hit in hits] == [first, second, third]


def test_sql_order_and_radius_agree_with_haversine():
    rng = random.Random(4)
    for number in range(80):
        at(MARSEILLE[0] + rng.uniform(-0.5, 0.5), MARSEILLE[1] + rng.uniform(-0.6, 0.6), name=f"Lieu {number}")

    found = search(PlaceQuery(lat=MARSEILLE[0], lon=MARSEILLE[1], radius_km=40))
    hits = found.page(1, 100)

    distances = [hit.distance_km for hit in hits]
    assert distances == sorted(distances)
    assert all(distance <= 40 for distance in distances)
    found_ids = {hit.place.pk for hit in hits}
    within = {
        place.pk for place in Place.objects.all() if haversine_km(*MARSEILLE, place.latitude, place.longitude) <= 40
    }
    assert within == found_ids
    assert found.count == len(hits) > 10


def test_places_without_point_are_left_out_of_a_search_around_a_point():
    at(None, None, name="Sans position")
    at(*GUERET, name="Avec position")

    assert names(search(PlaceQuery(lat=GUERET[0], lon=GUERET[1]))) == ["Avec position"]
    assert names(search(PlaceQuery())) == ["Avec position", "Sans position"]


# Filters -------------------------------------------------------------------------------------------------


def test_without_point_orders_by_name():
    PlaceFactory(name="Médiathèque")
    PlaceFactory(name="Atelier", in_lille=True)
    PlaceFactory(name="Espace", in_marseille=True)

    found = search(PlaceQuery())

    assert names(found) == ["Atelier", "Espace", "Médiathèque"]
    assert all(hit.distance_km is None for hit in found.page(1, 10))


@pytest.mark.parametrize(
    "field, value, model_field",
    [
        ("services", enums.Service.PARENTALITE, "services"),
        ("publics", enums.Public.SENIORS, "publics"),
        ("prise_en_charge", enums.SpecificSupport.SURDITE, "specific_support"),
        ("frais", enums.Fee.PAYANT, "fees"),
        ("modalites_accompagnement", enums.SupportMode.A_DISTANCE, "support_modes"),
    ],
)
def test_each_list_filter(field, value, model_field):
    PlaceFactory(name="Avec", **{model_field: [value.value]})
    PlaceFactory(name="Sans")

    assert names(search(PlaceQuery(**{field: [value.value]}))) == ["Avec"]
    assert names(search(PlaceQuery(**{field: []}))) == ["Avec", "Sans"]


def test_services_filter_needs_every_service():
    PlaceFactory(name="Les deux", services=[enums.Service.AIDE_DEMARCHES, enums.Service.PARENTALITE])
    PlaceFactory(name="Un seul", services=[enums.Service.AIDE_DEMARCHES])

    query = PlaceQuery(services=[enums.Service.AIDE_DEMARCHES, enums.Service.PARENTALITE])
    assert names(search(query)) == ["Les deux"]


def test_pass_numerique_and_qualified_filters():
    PlaceFactory(name="Pass", pass_numerique=True)
    PlaceFactory(name="Qualifié", qualified=True)
    PlaceFactory(name="Rien")

    assert names(search(PlaceQuery(pass_numerique=True))) == ["Pass"]
    assert names(search(PlaceQuery(pass_numerique=False))) == ["Qualifié", "Rien"]
    assert names(search(PlaceQuery(qualified=True))) == ["Qualifié"]
    assert names(search(PlaceQuery(qualified=False))) == ["Pass", "Rien"]


def test_territory_filters():
    PlaceFactory(name="Guéret")
    PlaceFactory(name="Marseille 1er", commune_ref=CommuneFactory(marseille_1er=True))
    PlaceFactory(name="Marseille", in_marseille=True)

    assert names(search(PlaceQuery(departement="13"))) == ["Marseille", "Marseille 1er"]
    assert names(search(PlaceQuery(code_insee="23096"))) == ["Guéret"]
    # A commune holds its municipal arrondissements.
    assert names(search(PlaceQuery(code_insee="13055"))) == ["Marseille", "Marseille 1er"]
    assert names(search(PlaceQuery(code_insee="13201"))) == ["Marseille 1er"]
    # The one rule of "in this commune" (cordee.territories.models.territory_q), the same as everywhere else.
    for code in ("23096", "13055", "13201"):
        rule = Place.objects.filter(territory_q(TerritoryKind.COMMUNE, code, "commune_ref__")).order_by("name")
        assert names(search(PlaceQuery(code_insee=code))) == [place.name for place in rule]


@pytest.mark.parametrize("text", ["mediatheque", "MÉDIATHÈQUE", "thèque  SAINT", "Saint-Étienne"])
def test_q_is_accent_and_case_insensitive(text):
    PlaceFactory(name="Médiathèque de Saint-Étienne")
    PlaceFactory(name="Espace numérique")

    assert names(search(PlaceQuery(q=text))) == ["Médiathèque de Saint-Étienne"]


def test_name_change_updates_the_search_key():
    place = PlaceFactory(name="Ancienne")
    place.name = "Nouvelle Fabrique"
    place.save()

    assert names(search(PlaceQuery(q="fabrique"))) == ["Nouvelle Fabrique"]


def test_filters_combine():
    wanted = {"services": [enums.Service.PARENTALITE.value], "pass_numerique": True, "opening_hours": WEEKDAYS}
    PlaceFactory(name="Tout", **wanted)
    PlaceFactory(name="Loin", in_marseille=True, **wanted)
    PlaceFactory(name="Sans pass", **{**wanted, "pass_numerique": False})
    PlaceFactory(name="Fermé", **{**wanted, "opening_hours": "Sa 09:00-12:00"})
    PlaceFactory(name="Autre service", **{**wanted, "services": [enums.Service.AIDE_DEMARCHES.value]})

    query = PlaceQuery(
        lat=GUERET[0],
        lon=GUERET[1],
        services=[enums.Service.PARENTALITE.value],
        pass_numerique=True,
        open_at=dt.datetime(2025, 6, 2, 10, 0, tzinfo=PARIS),
        q="tout",
    )
    assert names(search(query)) == ["Tout"]


# Opening hours -------------------------------------------------------------------------------------------


def open_names(when, **kwargs):
    return names(search(PlaceQuery(open_at=when, **kwargs)))


@pytest.mark.parametrize(
    "when, is_open",
    [
        (dt.datetime(2025, 6, 2, 10, 0), True),  # Monday 10:00
        (dt.datetime(2025, 6, 2, 13, 0), False),  # Monday 13:00, lunch break
        (dt.datetime(2025, 6, 2, 16, 59), True),
        (dt.datetime(2025, 6, 2, 17, 0), False),
        (dt.datetime(2025, 6, 1, 10, 0), False),  # Sunday
    ],
)
def test_open_at_with_typical_week(when, is_open):
    PlaceFactory(name="Semaine", opening_hours=WEEKDAYS)

    assert open_names(when.replace(tzinfo=PARIS)) == (["Semaine"] if is_open else [])
    hits = search(PlaceQuery(open_at=when.replace(tzinfo=PARIS))).page(1, 5) if is_open else []
    assert all(hit.open_now is True for hit in hits)


@pytest.mark.parametrize(
    "holiday, day_before",
    [(dt.datetime(2025, 5, 1, 10, 0), dt.datetime(2025, 4, 30, 10, 0)), (dt.datetime(2025, 7, 14, 10, 0), None)],
)
def test_french_public_holidays_close_places_with_ph_off(holiday, day_before):
    PlaceFactory(name="Fériés fermés", opening_hours="Mo-Sa 09:00-12:00; PH off")
    PlaceFactory(name="Semaine", opening_hours=WEEKDAYS)

    # 1 May 2025 is a Thursday, 14 July 2025 a Monday.
    assert open_names(holiday) == ["Semaine"]
    if day_before:
        assert open_names(day_before) == ["Fériés fermés", "Semaine"]
    assert open_names(dt.datetime(2025, 7, 15, 10, 0)) == ["Fériés fermés", "Semaine"]


def test_interval_crossing_midnight():
    PlaceFactory(name="Nuit du vendredi", opening_hours="Fr 22:00-02:00")
    PlaceFactory(name="Nuit du dimanche", opening_hours="Su 22:00-02:00")

    assert open_names(dt.datetime(2025, 6, 6, 23, 0)) == ["Nuit du vendredi"]  # Friday 23:00
    assert open_names(dt.datetime(2025, 6, 7, 1, 30)) == ["Nuit du vendredi"]  # Saturday 01:30
    assert open_names(dt.datetime(2025, 6, 7, 3, 0)) == []
    assert open_names(dt.datetime(2025, 6, 8, 23, 30)) == ["Nuit du dimanche"]
    assert open_names(dt.datetime(2025, 6, 9, 1, 0)) == ["Nuit du dimanche"]  # Monday 01:00


@pytest.mark.parametrize(
    "naive, is_open",
    [
        # 11:30 in Paris is open; read as UTC it would be 12:30 (winter) or 13:30 (summer), closed.
        (dt.datetime(2025, 1, 13, 11, 30), True),
        (dt.datetime(2025, 7, 15, 11, 30), True),
        # 08:30 in Paris is closed; read as UTC it would be 09:30 or 10:30, open.
        (dt.datetime(2025, 1, 13, 8, 30), False),
        (dt.datetime(2025, 7, 15, 8, 30), False),
    ],
)
def test_naive_datetimes_are_wall_clock_times_in_paris_with_summer_time(naive, is_open):
    PlaceFactory(name="Matin", opening_hours="Mo-Fr 09:00-12:00")

    assert open_names(naive) == (["Matin"] if is_open else [])
    query = parse_query({"open_at": [naive.isoformat()]})
    assert query.open_at == naive  # a wall-clock time, read at each place
    assert names(search(query)) == (["Matin"] if is_open else [])
    assert names(search(parse_query({"open_at": [naive.replace(tzinfo=PARIS).isoformat()]}))) == (
        ["Matin"] if is_open else []
    )


def test_aware_datetimes_in_another_zone():
    PlaceFactory(name="Matin", opening_hours="Mo-Fr 09:00-12:00")

    # 07:30 UTC is 09:30 in Paris in summer.
    assert names(search(parse_query({"open_at": ["2025-07-15T07:30:00Z"]}))) == ["Matin"]
    assert names(search(parse_query({"open_at": ["2025-07-15T10:30:00+00:00"]}))) == []


def test_places_with_unknown_or_invalid_hours_are_left_out_of_open_filter():
    PlaceFactory(name="Sans horaires")
    PlaceFactory(name="Illisibles", with_invalid_hours=True)
    PlaceFactory(name="Semaine", opening_hours=WEEKDAYS)

    monday = dt.datetime(2025, 6, 2, 10, 0)
    assert open_names(monday) == ["Semaine"]
    hits = {hit.place.name: hit.open_now for hit in search(PlaceQuery()).page(1, 10)}
    assert hits["Sans horaires"] is None
    assert hits["Illisibles"] is None


def test_open_now_and_default_open_state(monday_10am):
    PlaceFactory(name="Semaine", opening_hours=WEEKDAYS)
    PlaceFactory(name="Samedi", opening_hours="Sa 09:00-12:00")

    query = parse_query(QueryDict("open_now=oui"))
    assert names(search(query)) == ["Semaine"]
    # Without any time asked, hits still say whether they are open now.
    hits = {hit.place.name: hit.open_now for hit in search(PlaceQuery()).page(1, 10)}
    assert hits == {"Samedi": False, "Semaine": True}


def test_overseas_search_uses_local_time():
    # Saint-Denis de La Réunion, UTC+4: 06:30 in Paris (summer) is 08:30 there.
    reunion = CommuneFactory(
        code_insee="97411",
        name="Saint-Denis",
        latitude=-20.8823,
        longitude=55.4504,
        postal_codes="97400",
        epci=None,
        departement__code="974",
        departement__name="La Réunion",
        departement__region__code="04",
    )
    PlaceFactory(name="Matin", commune_ref=reunion, opening_hours="Mo-Fr 08:00-12:00")
    PlaceFactory(name="Matin fériés", commune_ref=reunion, opening_hours="Mo-Fr 08:00-12:00; PH off")

    when = dt.datetime(2025, 6, 2, 6, 30, tzinfo=PARIS)
    assert names(search(PlaceQuery(lat=-20.88, lon=55.45, open_at=when))) == ["Matin", "Matin fériés"]
    assert names(search(PlaceQuery(departement="974", open_at=when))) == ["Matin", "Matin fériés"]


# Parameters ----------------------------------------------------------------------------------------------


def test_parse_query_reads_every_parameter():
    params = QueryDict(mutable=True)
    params.update(
        {
            "lat": "46.17",
            "lon": "1,87",
            "radius_km": "35",
            "code_insee": "23096",
            "departement": "2a",
            "publics": "Seniors",
            "prise_en_charge": "Surdité",
            "frais": "Gratuit",
            "modalites_accompagnement": "À distance",
            "pass_numerique": "oui",
            "qualified": "0",
            "open_at": "2025-06-02T10:00",
            "q": " médiathèque ",
        }
    )
    params.setlist("services", [enums.Service.AIDE_DEMARCHES.value, enums.Service.PARENTALITE.value])

    query = parse_query(params)

    assert query == PlaceQuery(
        lat=46.17,
        lon=1.87,
        radius_km=35.0,
        code_insee="23096",
        departement="2A",
        services=[enums.Service.AIDE_DEMARCHES.value, enums.Service.PARENTALITE.value],
        publics=["Seniors"],
        prise_en_charge=["Surdité"],
        frais=["Gratuit"],
        modalites_accompagnement=["À distance"],
        pass_numerique=True,
        qualified=False,
        open_at=dt.datetime(2025, 6, 2, 10, 0),
        q="médiathèque",
    )


def test_parse_query_defaults():
    assert parse_query({}) == PlaceQuery()
    assert parse_query({"lat": "", "services": []}).radius_km == 20.0


def test_parse_query_reports_every_error_at_once():
    with pytest.raises(SearchError) as raised:
        parse_query(
            {
                "lat": ["46.1"],
                "radius_km": ["250"],
                "services": ["Aide aux démarches administratives", "Réparation de vélos"],
                "pass_numerique": ["peut-être"],
                "open_at": ["lundi 10h"],
                "departement": ["999"],
                "code_insee": ["ABCDE"],
                "q": ["x" * 101],
            }
        )

    errors = raised.value.errors
    assert set(errors) == {
        "lon",
        "radius_km",
        "services",
        "pass_numerique",
        "open_at",
        "departement",
        "code_insee",
        "q",
    }
    assert errors["radius_km"] == "radius_km doit être un nombre entre 0 et 100"
    assert errors["lon"] == "lon est obligatoire avec lat : indiquez les deux coordonnées du point"
    assert errors["services"].startswith(
        "valeur inconnue pour services : « Réparation de vélos ». Valeurs possibles :"
    )
    assert "« Aide aux démarches administratives »" in errors["services"]
    assert "« Acquisition de matériel informatique à prix solidaire »" in errors["services"]
    assert errors["pass_numerique"] == "pass_numerique doit valoir true ou false (ou 1/0, oui/non)"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lon": "1.8"}, "lat"),
        ({"lat": "91", "lon": "1"}, "lat"),
        ({"lat": "46", "lon": "abc"}, "lon"),
        ({"radius_km": "0"}, "radius_km"),
        ({"radius_km": "-3"}, "radius_km"),
        ({"radius_km": "nan"}, "radius_km"),
        ({"open_now": "1", "open_at": "2025-06-02T10:00"}, "open_now"),
        ({"qualified": "maybe"}, "qualified"),
    ],
)
def test_parse_query_errors(params, field):
    with pytest.raises(SearchError) as raised:
        parse_query(params)

    assert field in raised.value.errors


def test_search_refuses_half_a_point():
    with pytest.raises(SearchError):
        search(PlaceQuery(lat=46.0))


# Paging --------------------------------------------------------------------------------------------------


def test_paging(django_assert_num_queries):
    for number in range(7):
        at(GUERET[0] + number * 0.01, GUERET[1], name=f"Lieu {number}")
    found = search(PlaceQuery(lat=GUERET[0], lon=GUERET[1]))

    with django_assert_num_queries(4):
        assert found.count == 7
        assert [hit.place.name for hit in found.page(1, 3)] == ["Lieu 0", "Lieu 1", "Lieu 2"]
        assert [hit.place.name for hit in found.page(3, 3)] == ["Lieu 6"]
        assert found.page(4, 3) == []
        assert found.count == 7  # cached


def test_open_at_costs_one_query_per_page(django_assert_num_queries):
    PlaceFactory(name="Semaine", opening_hours=WEEKDAYS)
    PlaceFactory(name="Fériés", opening_hours="Mo-Sa 09:00-12:00; PH off")

    with django_assert_num_queries(3):  # date-dependent candidates, count, page
        found = search(PlaceQuery(open_at=dt.datetime(2025, 6, 2, 10, 0)))
        assert found.count == 2
        assert len(found.page(1, 10)) == 2


def test_pages_of_a_large_result_come_from_a_smaller_circle_first(django_assert_max_num_queries):
    rng = random.Random(7)
    for number in range(150):
        at(LILLE[0] + rng.uniform(-0.3, 0.3), LILLE[1] + rng.uniform(-0.45, 0.45), name=f"Lieu {number:03d}")
    expected = sorted(
        (haversine_km(*LILLE, place.latitude, place.longitude), place.name, place.pk)
        for place in Place.objects.all()
        if haversine_km(*LILLE, place.latitude, place.longitude) <= 30
    )
    found = search(PlaceQuery(lat=LILLE[0], lon=LILLE[1], radius_km=30))

    assert found.count == len(expected) > 4 * 10
    first, second = found.page(1, 5), found.page(2, 5)
    assert [hit.place.pk for hit in first + second] == [pk for _distance, _name, pk in expected[:10]]
    last = found.page((found.count + 4) // 5, 5)
    assert [hit.place.pk for hit in last] == [pk for _d, _n, pk in expected[(found.count - 1) // 5 * 5 :]]


# Open at some time during a part of a day ("samedi matin") ---------------------------------------------


def during_names(text, **params):
    found = search(parse_query({"open_during": text, **params}))
    hits = found.page(1, 50)
    assert all(hit.open_now is True for hit in hits)
    return sorted(hit.place.name for hit in hits)


def test_open_during_a_part_of_the_day():
    PlaceFactory(name="Matin", opening_hours="Sa 10:00-11:00")
    PlaceFactory(name="À cheval", opening_hours="Sa 11:45-13:00")  # a quarter of an hour in the morning
    PlaceFactory(name="Après-midi", opening_hours="Sa 14:00-17:00")
    PlaceFactory(name="Juin", opening_hours="Jun Sa 09:00-10:00")  # through the parser
    PlaceFactory(name="Fériés", opening_hours="Sa 09:00-12:00; PH off")

    saturday_morning = "2025-06-07T08:00/2025-06-07T12:00"
    assert during_names(saturday_morning) == ["Fériés", "Juin", "Matin", "À cheval"]
    assert during_names("2025-06-07T12:00/2025-06-07T18:00") == ["Après-midi", "À cheval"]
    assert during_names("2025-07-05T08:00/2025-07-05T12:00") == ["Fériés", "Matin", "À cheval"]  # not June
    assert during_names("2025-06-07T18:00/2025-06-07T22:00") == []


def test_open_during_knows_the_local_holidays():
    alsace = CommuneFactory(
        code_insee="67482",
        name="Strasbourg",
        latitude=48.5734,
        longitude=7.7521,
        postal_codes="",
        epci=None,
        departement__code="67",
        departement__name="Bas-Rhin",
        departement__region__code="44",
    )
    PlaceFactory(name="Strasbourg", commune_ref=alsace, opening_hours="Mo-Sa 09:00-12:00; PH off")
    PlaceFactory(name="Guéret", opening_hours="Mo-Sa 09:00-12:00; PH off")

    assert during_names("2025-12-26T08:00/2025-12-26T12:00") == ["Guéret"]
    assert during_names("2025-12-25T08:00/2025-12-25T12:00") == []


@pytest.mark.parametrize(
    "text",
    [
        "samedi matin",
        "2025-06-07T08:00",
        "2025-06-07T08:00+02:00/2025-06-07T12:00+02:00",
        "2025-06-07T20:00/2025-06-08T02:00",
        "2025-06-07T12:00/2025-06-07T08:00",
        "2025-06-07T08:15/2025-06-07T12:00",
        "0001-01-01T08:00/0001-01-01T12:00",
    ],
)
def test_open_during_must_be_a_part_of_one_day_on_half_hours(text):
    with pytest.raises(SearchError) as error:
        parse_query({"open_during": text})
    assert "open_during" in error.value.errors


def test_open_during_goes_alone():
    with pytest.raises(SearchError) as error:
        parse_query({"open_during": "2025-06-07T08:00/2025-06-07T12:00", "open_at": "2025-06-07T10:00"})
    assert "open_during" in error.value.errors
