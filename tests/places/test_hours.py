import datetime as dt

import pytest

from cordee.places import hours
from tests.places.factories import PlaceFactory

DAY = 24 * 60


def test_weekly_intervals_of_a_typical_week():
    intervals = hours.weekly_intervals("Mo-Fr 09:00-12:00,14:00-17:00")

    assert len(intervals) == 10
    assert intervals[:2] == [(9 * 60, 12 * 60), (14 * 60, 17 * 60)]
    assert intervals[-1] == (4 * DAY + 14 * 60, 4 * DAY + 17 * 60)
    assert hours.needs_parser("Mo-Fr 09:00-12:00,14:00-17:00") is False


def test_public_holidays_need_the_parser_on_holidays_only():
    expr = "Mo-Sa 09:00-12:00; PH off"

    assert hours.weekly_intervals(expr) == [(day * DAY + 9 * 60, day * DAY + 12 * 60) for day in range(6)]
    assert hours.needs_parser(expr) is False
    assert hours.assess(expr).holidays is True


def test_months_need_the_parser_even_without_token_detection():
    assert hours.needs_parser("Mo-Fr 09:00-12:00; Jul-Aug off") is True
    assert hours.needs_parser("Mo 10:00-12:00; Tu 14:00-16:00") is False


def test_interval_crossing_sunday_midnight_is_split():
    assert hours.weekly_intervals("Su 22:00-02:00") == [(0, 120), (6 * DAY + 22 * 60, 7 * DAY)]


def test_invalid_expression():
    ok, message = hours.parse("lundi 9h-12h")

    assert ok is False
    assert "horaires illisibles" in message and "lundi 9h-12h" in message
    assert hours.parse("Mo-Fr 09:00-12:00") == (True, "")
    with pytest.raises(ValueError, match="horaires illisibles"):
        hours.weekly_intervals("lundi 9h-12h")


def test_is_open_at_knows_french_public_holidays():
    bastille_day = dt.datetime(2024, 7, 14, 10, 0)  # a Sunday: closed anyway; 2025-07-14 is a Monday
    monday_holiday = dt.datetime(2025, 7, 14, 10, 0)
    ordinary_monday = dt.datetime(2025, 7, 7, 10, 0)
    expr = "Mo-Sa 09:00-12:00; PH off"

    assert hours.is_open_at(expr, ordinary_monday) is True
    assert hours.is_open_at(expr, monday_holiday) is False
    assert hours.is_open_at(expr, bastille_day) is False
    assert hours.is_open_at(expr, monday_holiday, lat=43.3, lon=5.37) is False
    assert hours.is_open_at("lundi 9h-12h", ordinary_monday) is False


@pytest.mark.django_db
def test_is_open_at_a_place():
    place = PlaceFactory(with_holiday_hours=True)

    assert hours.is_open_at(place, dt.datetime(2025, 7, 7, 10, 0)) is True
    assert hours.is_open_at(place, dt.datetime(2025, 7, 14, 10, 0)) is False
    # Only public holidays depend on the date: the typical week answers every other day.
    assert place.hours_need_parser is False
    assert place.hours_on_holidays is True


@pytest.mark.parametrize(
    "expr,need_parser,holidays",
    [
        ("Mo-Fr 09:00-12:00", False, False),
        ("Mo-Fr 09:00-12:00; PH off", False, True),
        ("Mo-Fr 09:00-12:00; PH 10:00-11:00", False, True),
        ("Jan-Jun Mo-Fr 09:00-12:00; PH off", True, True),
        ("week 1-53/2 Mo 09:00-12:00", True, False),
        ("Mo-Fr 09:00-12:00; Aug off", True, False),
    ],
)
def test_assess_separates_holiday_rules_from_other_date_rules(expr, need_parser, holidays):
    assessment = hours.assess(expr)
    assert (assessment.need_parser, assessment.holidays) == (need_parser, holidays)


@pytest.mark.parametrize(
    "day,holiday",
    [
        (dt.date(2025, 7, 14), True),
        (dt.date(2025, 6, 9), True),  # lundi de Pentecôte
        (dt.date(2025, 12, 25), True),
        (dt.date(2025, 7, 15), False),
        (dt.date(2025, 6, 2), False),
    ],
)
def test_is_public_holiday(day, holiday):
    assert hours.is_public_holiday(day) is holiday


def test_minute_of_week():
    assert hours.minute_of_week(dt.datetime(2025, 7, 8, 10, 30)) == DAY + 630
