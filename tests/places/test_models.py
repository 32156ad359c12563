import pytest

from cordee.places import enums
from cordee.places.models import Place, PlaceOpeningInterval
from cordee.territories.normalize import departement_code_from
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_masks_filter_places_having_all_services():
    both = PlaceFactory(services=[enums.Service.AIDE_DEMARCHES, enums.Service.PARENTALITE])
    PlaceFactory(services=[enums.Service.AIDE_DEMARCHES])
    PlaceFactory(services=[])

    found = Place.objects.with_services([enums.Service.AIDE_DEMARCHES, enums.Service.PARENTALITE])

    assert list(found) == [both]
    assert Place.objects.with_services([enums.Service.AIDE_DEMARCHES]).count() == 2
    assert Place.objects.with_services([]).count() == 3


def test_other_multi_value_filters():
    place = PlaceFactory(
        publics=[enums.Public.SENIORS],
        specific_support=[enums.SpecificSupport.SURDITE],
        fees=[enums.Fee.PAYANT],
        support_modes=[enums.SupportMode.A_DISTANCE, enums.SupportMode.AUTONOMIE],
    )
    PlaceFactory()

    assert list(Place.objects.with_publics([enums.Public.SENIORS])) == [place]
    assert list(Place.objects.with_prise_en_charge([enums.SpecificSupport.SURDITE])) == [place]
    assert list(Place.objects.with_frais([enums.Fee.PAYANT])) == [place]
    assert list(Place.objects.with_modalites_accompagnement([enums.SupportMode.A_DISTANCE])) == [place]


def test_pass_numerique_qualified_and_bbox():
    guéret = PlaceFactory(pass_numerique=True, qualified=True)
    marseille = PlaceFactory(in_marseille=True)

    assert list(Place.objects.accepting_pass_numerique()) == [guéret]
    assert list(Place.objects.qualified()) == [guéret]
    assert list(Place.objects.in_bbox(43.0, 5.0, 43.5, 5.6)) == [marseille]
    assert marseille.departement_code == "13"
    assert list(Place.objects.in_departement("23")) == [guéret]


def test_save_precomputes_weekly_intervals():
    place = PlaceFactory(with_hours=True)

    intervals = list(place.opening_intervals.values_list("start_minute", "end_minute"))
    monday = [(9 * 60, 12 * 60), (14 * 60, 17 * 60)]
    assert intervals == [(day * 1440 + start, day * 1440 + end) for day in range(5) for start, end in monday]
    assert place.hours_status == enums.HoursStatus.VALID
    assert place.hours_need_parser is False

    place.opening_hours = "Sa 10:00-12:00"
    place.save()
    sat = 5 * 1440
    assert list(place.opening_intervals.values_list("start_minute", "end_minute")) == [(sat + 600, sat + 720)]


def test_invalid_hours_are_kept_with_a_warning_and_no_interval():
    place = PlaceFactory(with_invalid_hours=True)

    place.refresh_from_db()
    assert place.opening_hours == "lundi 9h-12h"
    assert place.hours_status == enums.HoursStatus.INVALID
    assert "horaires illisibles" in place.hours_warning
    assert not PlaceOpeningInterval.objects.filter(place=place).exists()


def test_completeness_grows_with_filled_fields():
    sparse = PlaceFactory(services=[], fees=[], support_modes=[], source_updated_on=None)
    rich = PlaceFactory(with_hours=True, with_contacts=True, summary="Ateliers", pivot="21230096600018")

    assert 0 < sparse.completeness < rich.completeness <= 100


@pytest.mark.parametrize(
    ("code_insee", "postal_code", "expected"),
    [
        ("23096", "", "23"),
        ("2A004", "", "2A"),
        ("97411", "", "974"),
        ("", "20000", "2A"),
        ("", "20600", "2B"),
        ("", "97400", "974"),
        ("", "13001", "13"),
        ("", "", ""),
    ],
)
def test_departement_code(code_insee, postal_code, expected):
    assert departement_code_from(code_insee, postal_code) == expected
