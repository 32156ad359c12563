import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cordee.places import hours
from cordee.places.search import PlaceQuery, search
from tests.places.factories import PlaceFactory

PARIS = ZoneInfo("Europe/Paris")
DAY = 24 * 60


def test_day_slot_masks_separate_full_and_partial_half_hours():
    # Monday 08:45–12:10 and Sunday 23:00 to Monday 00:00.
    full, partial = hours.day_slot_masks([(8 * 60 + 45, 12 * 60 + 10), (6 * DAY + 23 * 60, 7 * DAY)])

    assert full[0] == sum(1 << slot for slot in range(18, 24))  # 09:00 to 12:00
    assert partial[0] == (1 << 17) | (1 << 24)  # 08:30–09:00 and 12:00–12:30
    assert full[6] == (1 << 46) | (1 << 47)
    assert full[1:6] == [0] * 5 and partial[1:] == [0] * 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "time,is_open",
    [
        (dt.time(8, 40), False),  # slot partly open, before the opening
        (dt.time(8, 50), True),  # slot partly open, after the opening
        (dt.time(10, 0), True),  # slot open throughout
        (dt.time(12, 5), True),
        (dt.time(12, 15), False),  # slot partly open, after the closing
        (dt.time(14, 0), False),
    ],
)
def test_open_at_is_exact_to_the_minute(time, is_open):
    place = PlaceFactory(opening_hours="Mo 08:45-12:10")
    assert place.hours_full_0 and place.hours_partial_0

    moment = dt.datetime.combine(dt.date(2025, 6, 2), time, tzinfo=PARIS)  # a Monday
    found = search(PlaceQuery(open_at=moment))

    assert (place in found.queryset) is is_open
    assert hours.is_open_at(place, moment.replace(tzinfo=None)) is is_open


@pytest.mark.django_db
def test_saving_new_hours_updates_the_masks():
    place = PlaceFactory(opening_hours="Mo 09:00-10:00")
    place.opening_hours = "Tu 09:00-10:00"
    place.save()
    place.refresh_from_db()

    assert place.hours_full_0 == 0
    assert place.hours_full_1 == (1 << 18) | (1 << 19)
