"""The validators of a place's fields: pure functions, the same for the web pages, the API and the import."""

import pytest

from cordee.core.errors import Invalid
from cordee.places import enums, validators
from cordee.places.validators import CommuneIndex, CommuneInfo, FieldError


@pytest.mark.parametrize(
    "raw,postal_code,expected,corrected",
    [
        ("05 55 52 00 00", "23000", "+33555520000", False),
        ("0262 12 34 56", "97400", "+262262123456", False),  # a Réunion number read in its region
        ("+33262123456", "", "+262262123456", True),  # a wrong country code, corrected
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, postal_code, expected, corrected):
    assert validators.phone_number(raw, postal_code) == (expected, corrected)


def test_lists_come_from_lines_or_lists_without_repeats():
    assert validators.phones("05 55 52 00 00\n0555520000\n") == ["+33555520000"]
    assert validators.emails(["Contact@Mairie.fr", "contact@mairie.fr"]) == ["contact@mairie.fr"]
    assert validators.urls("mairie.fr|https://mairie.fr") == ["https://mairie.fr"]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("", ("", enums.SiretStatus.MISSING)),
        ("130 025 265 00013", ("13002526500013", enums.SiretStatus.VALID)),
        ("w751234567", ("W751234567", enums.SiretStatus.RNA)),
    ],
)
def test_pivot_gives_the_siret_status(value, expected):
    assert validators.pivot(value) == expected


@pytest.mark.parametrize("value", ["1234", "13002526500014", "00000000000000"])
def test_a_wrong_pivot_is_an_error_for_a_person_and_a_marked_value_for_an_import(value):
    with pytest.raises(FieldError):
        validators.pivot(value)
    _pivot, status, message = validators.pivot_status(value)
    assert status in (enums.SiretStatus.INVALID, enums.SiretStatus.PLACEHOLDER) and message


@pytest.mark.parametrize(
    "validator,value",
    [
        (validators.postal_code, "230"),
        (validators.code_insee, "2C004"),
        (lambda value: validators.coordinate(value, -90, 90), "95"),
        (lambda value: validators.coordinate(value, -90, 90), "nord"),
        (validators.opening_hours, "lundi 9h"),
        (lambda value: validators.closed_list("services", value), ["Jardinage"]),
        (validators.url, "pas une adresse"),
        (validators.email, "pas-une-adresse"),
    ],
)
def test_invalid_values_raise_a_french_field_error(validator, value):
    with pytest.raises(FieldError) as error:
        validator(value)
    assert error.value.message[0].isupper() and error.value.message.endswith(".")


def test_values_are_cleaned():
    assert validators.postal_code("2300") == "02300"
    assert validators.coordinate("46,17", -90, 90) == pytest.approx(46.17)
    assert validators.closed_list("fees", [enums.Fee.PAYANT.value, enums.Fee.GRATUIT.value]) == [
        enums.Fee.GRATUIT.value,
        enums.Fee.PAYANT.value,
    ]


GUERET = CommuneInfo("23096", "Guéret", 46.17, 1.87, ("23000",))
SAINT_FIEL = CommuneInfo("23220", "Saint-Fiel", 46.2, 1.9, ("23000",))


@pytest.mark.parametrize(
    "code,postal,name,expected,field",
    [
        ("23096", "", "", "23096", None),
        ("", "23000", "gueret", "23096", None),
        ("99999", "", "", None, "code_insee"),
        ("", "23000", "Limoges", None, "code_insee"),  # ambiguous postal code, unknown name
    ],
)
def test_a_person_designates_a_commune_strictly(code, postal, name, expected, field):
    index = CommuneIndex([GUERET, SAINT_FIEL])
    if field:
        with pytest.raises(FieldError) as error:
            validators.commune(index, code, postal, name)
        assert error.value.field == field
    else:
        assert validators.commune(index, code, postal, name).code_insee == expected


def test_a_postal_code_of_one_commune_with_another_name_is_questioned():
    with pytest.raises(FieldError) as error:
        validators.commune(CommuneIndex([GUERET]), "", "23000", "Aubusson")
    assert error.value.field == "commune_name" and "Guéret" in error.value.message


def test_the_writable_fields_derive_from_the_model():
    assert "name" in validators.INPUT_FIELDS and "structure" in validators.INPUT_FIELDS
    assert not {"source_id", "qualification_state", "siret_status", "completeness"} & set(validators.INPUT_FIELDS)
    assert set(validators.INPUT_FIELDS) > validators.PRACTICAL_FIELDS


@pytest.mark.parametrize(
    "raw,postal_code,departement,expected,corrected",
    [
        ("+33596 61 23 45", "97200", "", "+596596612345", True),
        ("05 96 61 23 45", "", "", "+596596612345", False),  # the number says where it is, even without a place
        ("0639 69 12 34", "97600", "976", "+262639691234", False),
        ("+269 269 61 12 34", "", "", "+262269611234", True),
        ("0590 27 12 34", "97133", "977", "+590590271234", False),
        ("05 08 41 23 45", "97500", "975", "+508412345", False),
        ("06 12 34 56 78", "97200", "972", "+33612345678", False),
    ],
)
def test_overseas_numbers_get_their_own_country_code(raw, postal_code, departement, expected, corrected):
    assert validators.phone_number(raw, postal_code, departement) == (expected, corrected)


def test_the_forms_read_phones_in_the_place_s_departement():
    assert validators.phones("+33 596 61 23 45\n0596612345", "97200", "972") == ["+596596612345"]


@pytest.mark.django_db
def test_the_forms_find_a_commune_written_with_its_article_last_and_flag_a_far_point():
    from tests.places.referentiel import create_communes

    create_communes("16113", "16186", "95011")

    cleaned = validators.clean_values({"postal_code": "16400", "commune_name": "Couronne (La)", "code_insee": ""})
    assert (cleaned["code_insee"], cleaned["commune_name"], cleaned["location_warning"]) == (
        "16113",
        "La Couronne",
        "",
    )

    # A form is strict: it names the commune nouvelle rather than taking Ambleville (Val-d'Oise) or guessing.
    with pytest.raises(Invalid) as refused:
        validators.clean_values({"postal_code": "16300", "commune_name": "Ambleville", "code_insee": ""})
    assert refused.value.errors == {
        "commune_name": "Le code postal 16300 est celui de Lignières-Ambleville. Vérifiez la commune."
    }

    far = {"postal_code": "16400", "commune_name": "La Couronne", "latitude": 43.7, "longitude": 7.27}
    cleaned = validators.clean_values(far)
    assert (cleaned["latitude"], cleaned["longitude"]) == (43.7, 7.27)
    assert cleaned["location_warning"].endswith("du centre de La Couronne (16), plus de 50 km : position à vérifier")
