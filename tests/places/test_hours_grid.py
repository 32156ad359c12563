import pytest

from cordee.places import hours
from cordee.places.hours_grid import GridError, WeekGrid, from_osm, to_osm

WEEKDAYS = ["Mo", "Tu", "We", "Th", "Fr"]


def office_grid(**extra):
    days = {day: [("09:00", "12:00"), ("14:00", "17:00")] for day in WEEKDAYS}
    days.update(extra)
    return WeekGrid(days=days, holidays_closed=True)


def test_grid_to_osm_groups_consecutive_days_and_closes_on_holidays():
    assert to_osm(office_grid()) == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


def test_grid_to_osm_with_different_days():
    grid = office_grid(We=[("09:00", "12:00")], Sa=[("09:00", "12:00")])
    grid.holidays_closed = False
    # Days with the same hours share one rule, even when they are not next to each other.
    assert to_osm(grid) == "Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We,Sa 09:00-12:00"
    assert hours.parse(to_osm(grid))[0]


def test_grid_to_osm_groups_days_that_are_not_consecutive():
    grid = WeekGrid(days={"Mo": [("10:00", "12:00")], "We": [("10:00", "12:00")], "Fr": [("10:00", "12:00")]})
    assert to_osm(grid) == "Mo,We,Fr 10:00-12:00"


def test_an_empty_grid_gives_an_empty_expression():
    assert to_osm(WeekGrid(holidays_closed=True)) == ""


@pytest.mark.parametrize(
    "ranges,message",
    [
        ([("12:00", "09:00")], "doit suivre"),
        ([("09:00", "")], "au format 09:00"),
        ([("9h", "12:00")], "au format 09:00"),
        ([("09:00", "12:00"), ("11:00", "17:00")], "après la fin de la première"),
        ([("08:00", "09:00"), ("10:00", "11:00"), ("12:00", "13:00")], "deux plages au plus"),
    ],
)
def test_invalid_grids_give_a_french_error_for_the_day(ranges, message):
    with pytest.raises(GridError) as error:
        to_osm(WeekGrid(days={"Tu": ranges}))
    assert list(error.value.errors) == ["Tu"]
    assert message in error.value.errors["Tu"]
    assert str(error.value).startswith("Mardi : ")


@pytest.mark.parametrize(
    "expression",
    [
        "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "Mo,We,Fr 10:00-12:00",
        "Mo-Sa 09:00-12:00",
        "Tu 14:00-18:00; Sa 09:00-12:00,13:30-16:00",
    ],
)
def test_simple_expressions_round_trip(expression):
    grid = from_osm(expression)
    assert grid is not None
    assert to_osm(grid) == expression


def test_from_osm_reads_the_grid():
    grid = from_osm("Mo-Fr 09:00-12:00,14:00-17:00; We off; PH off")
    assert grid.ranges("Mo") == [("09:00", "12:00"), ("14:00", "17:00")]
    assert grid.ranges("We") == []
    assert grid.ranges("Sa") == []
    assert grid.holidays_closed


def test_from_osm_of_an_empty_expression_is_an_empty_grid():
    grid = from_osm("")
    assert grid.is_empty and not grid.holidays_closed


@pytest.mark.parametrize(
    "expression",
    [
        "Mo-Fr 09:00-12:00,13:00-15:00,16:00-18:00",  # three ranges
        "Jan-Jun Mo-Fr 09:00-12:00",
        "Mo-Fr 20:00-02:00",
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',
        "24/7",
        "lundi 9h-12h",
        "Mo-Fr 09:00-12:00; SH off",
    ],
)
def test_expressions_the_grid_cannot_show_give_none(expression):
    assert from_osm(expression) is None
