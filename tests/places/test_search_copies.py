"""A place loaded twice (same name, address and position, from two sources) is one search result."""

import pytest

from cordee.places.models import Place
from cordee.places.search import PlaceQuery, search
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

GUERET = (46.17199, 1.87148)


def place(**values):
    defaults = {
        "name": "Médiathèque André Lejeune",
        "address": "1 avenue Charles de Gaulle",
        "latitude": GUERET[0],
        "longitude": GUERET[1],
    }
    return PlaceFactory(**{**defaults, **values})


def found_ids(query=None):
    return [hit.place.pk for hit in search(query or PlaceQuery(lat=GUERET[0], lon=GUERET[1])).page(1, 50)]


def test_two_identical_rows_are_one_result_the_oldest():
    first = place(source_name="conseillers-numeriques", source_id="62592a1d05457b0790816e6c")
    place(source_name="data-inclusion", source_id="conseiller-numerique:62592a1d05457b0790816e6c")
    place(name="MÉDIATHÈQUE  andré lejeune", source_name="autre", source_id="3")  # case, accents, spaces

    assert found_ids() == [first.pk]
    assert search(PlaceQuery(lat=GUERET[0], lon=GUERET[1])).count == 1
    assert Place.objects.count() == 3


@pytest.mark.parametrize(
    "other",
    [
        {"name": "Médiathèque de Guéret"},
        {"address": "2 avenue Charles de Gaulle"},
        {"latitude": GUERET[0] + 0.001},
    ],
)
def test_rows_that_differ_in_name_address_or_position_are_two_results(other):
    place(source_name="a", source_id="1")
    place(source_name="b", source_id="1", **other)

    assert len(found_ids()) == 2


def test_the_key_follows_edits():
    first = place(source_name="a", source_id="1")
    second = place(source_name="b", source_id="1")
    second.address = "3 rue Nouvelle"
    second.save()

    assert sorted(found_ids()) == sorted([first.pk, second.pk])
