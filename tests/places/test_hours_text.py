import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cordee.places.hours_text import date_text, describe, moment_text, time_text

PARIS = ZoneInfo("Europe/Paris")
GUERET = (46.17199, 1.87148)
SAINT_DENIS_REUNION = (-20.88, 55.45)
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-17:00"


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def days_of(description):
    return [f"{day.label} : {day.text}" for day in description.days]


@pytest.mark.parametrize(
    ("now", "headline"),
    [
        (paris(2025, 6, 2, 10, 0), "Ouvert · ferme à 12 h"),  # Monday morning
        (paris(2025, 6, 2, 12, 30), "Fermé · ouvre à 14 h"),  # lunch break
        (paris(2025, 6, 2, 16, 59), "Ouvert · ferme à 17 h"),
        (paris(2025, 6, 2, 17, 0), "Fermé · ouvre demain à 9 h"),
        (paris(2025, 6, 7, 11, 0), "Fermé · ouvre mardi à 9 h"),  # Saturday; Whit Monday 9 June is a holiday
        (paris(2025, 6, 14, 11, 0), "Fermé · ouvre lundi à 9 h"),
    ],
)
def test_headline(now, headline):
    assert describe(f"{WEEKDAYS}; PH off", *GUERET, now).headline == headline


def test_next_seven_days_one_by_one_with_public_holidays():
    description = describe(f"{WEEKDAYS}; PH off", *GUERET, paris(2025, 6, 5, 10, 0))
    assert description.status == "valid"
    assert description.is_open is True
    assert description.closed_on_public_holidays is True
    assert days_of(description) == [
        "aujourd'hui, jeudi 5 juin : 9 h – 12 h, 14 h – 17 h",
        "demain, vendredi 6 juin : 9 h – 12 h, 14 h – 17 h",
        "samedi 7 juin : fermé",
        "dimanche 8 juin : fermé",
        "lundi 9 juin : fermé",  # lundi de Pentecôte
        "mardi 10 juin : 9 h – 12 h, 14 h – 17 h",
        "mercredi 11 juin : 9 h – 12 h, 14 h – 17 h",
    ]
    assert [day.is_today for day in description.days] == [True] + [False] * 6


def test_today_keeps_the_morning_already_past():
    description = describe(WEEKDAYS, *GUERET, paris(2025, 6, 2, 15, 0))
    assert description.days[0].text == "9 h – 12 h, 14 h – 17 h"
    assert description.closed_on_public_holidays is False


def test_minutes_comments_and_midnight():
    description = describe('Mo 09:30-12:15 "sur rendez-vous"; Tu 20:00-24:00', *GUERET, paris(2025, 6, 3, 21, 0))
    assert description.headline == "Ouvert · ferme ce soir à minuit"
    assert description.days[0].text == "20 h – minuit"
    assert description.days[6].text == "9 h 30 – 12 h 15 (sur rendez-vous)"


def test_always_open():
    description = describe("24/7", *GUERET, paris(2025, 6, 2, 3, 0))
    assert description.headline == "Ouvert · tous les jours, à toute heure"
    assert {day.text for day in description.days} == {"toute la journée"}


def test_never_open_again():
    description = describe("Mo-Fr off", *GUERET, paris(2025, 6, 2, 10, 0))
    assert description.headline == "Fermé"
    assert {day.text for day in description.days} == {"fermé"}


def test_far_opening_gives_the_date():
    description = describe("Sep 01-Sep 30 Mo 09:00-12:00", *GUERET, paris(2025, 8, 20, 10, 0))
    assert description.headline == "Fermé · ouvre le lundi 1er septembre à 9 h"


def test_overseas_place_in_its_own_time_zone():
    # 8:00 UTC is 12:00 in La Réunion: the morning is over there.
    now = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    description = describe("Mo-Fr 09:00-12:00", *SAINT_DENIS_REUNION, now, departement="974")
    assert description.headline == "Fermé · ouvre demain à 9 h"
    assert description.days[0].label == "aujourd'hui, lundi 2 juin"


def test_without_coordinates_uses_paris_time():
    description = describe(WEEKDAYS, None, None, dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC))
    assert description.headline == "Ouvert · ferme à 12 h"


def test_invalid_hours_are_given_raw_with_a_warning():
    description = describe("lundi 9h-12h", *GUERET, paris(2025, 6, 2, 10, 0))
    assert description.status == "invalid"
    assert description.raw == "lundi 9h-12h"
    assert "nous ne savons pas les lire" in description.warning
    assert description.days == []
    assert description.is_open is None


def test_no_hours():
    description = describe("  ", *GUERET, paris(2025, 6, 2, 10, 0))
    assert description.status == "none"
    assert description.headline == "Horaires non renseignés"


@pytest.mark.parametrize(
    ("value", "end", "text"),
    [
        (dt.time(9), False, "9 h"),
        (dt.time(14, 5), False, "14 h 05"),
        (dt.time(0), True, "minuit"),
        (dt.time(0), False, "0 h"),
    ],
)
def test_time_text(value, end, text):
    assert time_text(value, end=end) == text


def test_date_and_moment_text():
    assert date_text(dt.date(2025, 3, 1)) == "samedi 1er mars"
    assert moment_text(dt.datetime(2025, 6, 2, 10, 30)) == "le lundi 2 juin à 10 h 30"
