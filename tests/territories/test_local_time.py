import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cordee.territories import local_time
from cordee.territories.loader import read_territories

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("23", "Europe/Paris"),
        ("2A", "Europe/Paris"),
        ("", "Europe/Paris"),
        ("971", "America/Guadeloupe"),
        ("972", "America/Martinique"),
        ("973", "America/Cayenne"),
        ("974", "Indian/Reunion"),
        ("975", "America/Miquelon"),
        ("976", "Indian/Mayotte"),
        ("977", "America/St_Barthelemy"),
        ("978", "America/Marigot"),
        ("986", "Pacific/Wallis"),
        ("987", "Pacific/Tahiti"),
        ("988", "Pacific/Noumea"),
    ],
)
def test_time_zone_of_each_departement(code, zone):
    assert local_time.time_zone_name(code) == zone
    assert local_time.time_zone(code) == ZoneInfo(zone)


def test_the_shipped_departements_carry_their_time_zone():
    departements = read_territories()[0]["departements"]

    assert departements["23"]["time_zone"] == "Europe/Paris"
    assert departements["974"]["time_zone"] == "Indian/Reunion"
    assert all(values["time_zone"] == local_time.time_zone_name(code) for code, values in departements.items())


def test_the_loader_refuses_an_unknown_time_zone(tmp_path):
    from cordee.territories.loader import DATA_DIR, TerritoryDataError

    for name in ("regions.csv", "epci.csv.gz", "communes.csv.gz", "collectivites-outre-mer.csv"):
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    text = (DATA_DIR / "departements.csv").read_text(encoding="utf-8")
    (tmp_path / "departements.csv").write_text(text.replace("Indian/Reunion", "Indian/Nowhere"), encoding="utf-8")

    with pytest.raises(TerritoryDataError, match="Indian/Nowhere"):
        read_territories(tmp_path)


@pytest.mark.parametrize(
    ("day", "codes"),
    [
        (dt.date(2025, 4, 18), {"57", "67", "68"}),  # Good Friday 2025
        (dt.date(2026, 4, 3), {"57", "67", "68"}),  # Good Friday 2026
        (dt.date(2025, 12, 26), {"57", "67", "68"}),
        (dt.date(2025, 4, 27), {"976"}),
        (dt.date(2025, 5, 22), {"972"}),
        (dt.date(2025, 5, 27), {"971"}),
        (dt.date(2025, 5, 28), {"978"}),
        (dt.date(2025, 6, 10), {"973"}),
        (dt.date(2025, 10, 9), {"977"}),
        (dt.date(2025, 12, 20), {"974"}),
        (dt.date(2025, 6, 2), set()),
        (dt.date(2025, 7, 14), set()),  # a national holiday: the parser's, not a local one
    ],
)
def test_local_public_holidays(day, codes):
    assert local_time.departements_on_local_holiday(day) == codes
    assert local_time.is_local_holiday("23", day) is False
    for code in codes:
        assert local_time.is_local_holiday(code, day) is True


def test_a_local_time_that_does_not_exist_is_shifted_forward_by_the_gap():
    # 29 March 2026, Paris: clocks go from 02:00 to 03:00.
    moment = local_time.resolve(dt.datetime(2026, 3, 29, 2, 30), PARIS)

    assert moment.utcoffset() == dt.timedelta(hours=2)
    assert moment.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 30)
    assert local_time.wall_clock(dt.datetime(2026, 3, 29, 2, 30), PARIS) == dt.datetime(2026, 3, 29, 3, 30)
    # The same naive time in La Réunion (no summer time) exists as it is.
    assert local_time.wall_clock(dt.datetime(2026, 3, 29, 2, 30), ZoneInfo("Indian/Reunion")) == dt.datetime(
        2026, 3, 29, 2, 30
    )


def test_a_local_time_that_exists_twice_is_the_first_one():
    # 25 October 2026, Paris: clocks go back from 03:00 to 02:00; 02:30 happens in summer time first.
    moment = local_time.resolve(dt.datetime(2026, 10, 25, 2, 30), PARIS)

    assert moment.utcoffset() == dt.timedelta(hours=2)
    assert local_time.instant(dt.datetime(2026, 10, 25, 2, 30), PARIS) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=dt.UTC
    )


def test_an_aware_moment_is_an_instant_even_when_it_names_a_time_that_does_not_exist():
    impossible = dt.datetime(2026, 3, 29, 2, 30, tzinfo=PARIS)  # read by Python as 02:30+01:00

    assert local_time.wall_clock(impossible, PARIS) == dt.datetime(2026, 3, 29, 3, 30)
    assert local_time.wall_clock(impossible, ZoneInfo("Indian/Reunion")) == dt.datetime(2026, 3, 29, 5, 30)
