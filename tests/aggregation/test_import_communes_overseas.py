"""Importing real-looking rows: communes right or flagged, overseas places, overseas phones, placeholder dates.

The communes are real ones, written in the database as the territory loader writes them.
"""

import json

import pytest

from cordee.aggregation.importing.importer import import_file
from cordee.places import enums
from cordee.places.contacts import PERSONAL_WARNING
from cordee.places.models import Place
from tests.places.referentiel import create_communes

pytestmark = pytest.mark.django_db

COMMUNES = [
    "16113",  # La Couronne
    "16186",  # Lignières-Ambleville (Ambleville, Charente, until 2017)
    "95011",  # Ambleville (Val-d'Oise)
    "97219",  # Le Prêcheur
    "97225",  # Saint-Pierre (Martinique), the other commune of 97250
    "97209",  # Fort-de-France
    "27016",  # Les Andelys
    "63236",  # Mont-Dore (Puy-de-Dôme)
    "98817",  # Le Mont-Dore (Nouvelle-Calédonie)
    "98818",  # Nouméa
    "98735",  # Papeete
    "97411",  # Saint-Denis (La Réunion)
    "97611",  # Mamoudzou
    "97302",  # Cayenne
    "97105",  # Basse-Terre
    "97701",  # Saint-Barthélemy
    "97502",  # Saint-Pierre (Saint-Pierre-et-Miquelon)
]


@pytest.fixture(autouse=True)
def communes():
    create_communes(*COMMUNES)


def row(**values):
    base = {
        "id": values.get("id", "1"),
        "nom": "Espace numérique",
        "adresse": "1 place de la Mairie",
        "date_maj": "2024-05-02",
        "services": "Aide aux démarches administratives",
    }
    base.update(values)
    return {key: value for key, value in base.items() if value is not None}


def run(tmp_path, *rows):
    path = tmp_path / "lieux.json"
    path.write_text(json.dumps(list(rows)), encoding="utf-8")
    return import_file(path, source_name="territoire")


def place(source_id="1"):
    return Place.objects.select_related("commune_ref").get(source_id=source_id)


@pytest.mark.parametrize(
    ("commune", "postal_code", "expected_code", "expected_name"),
    [
        ("La Couronne", "16400", "16113", "La Couronne"),
        ("Couronne (La)", "16400", "16113", "La Couronne"),
        ("LE PRECHEUR", "97250", "97219", "Le Prêcheur"),
        ("Prêcheur (Le)", "97250", "97219", "Le Prêcheur"),
        ("Andelys (Les)", "27700", "27016", "Les Andelys"),
        ("Les Andelys", "27700", "27016", "Les Andelys"),
        ("Ambleville", "16300", "16186", "Ambleville"),  # the old commune's name is kept as the source wrote it
    ],
)
def test_commune_names_with_their_article_or_merged(tmp_path, commune, postal_code, expected_code, expected_name):
    report = run(tmp_path, row(commune=commune, code_postal=postal_code))

    assert report.created == 1
    assert (place().commune_ref_id, place().commune_name) == (expected_code, expected_name)
    assert place().location_warning == ""


def test_ambleville_16300_is_not_the_val_d_oise_one(tmp_path):
    run(tmp_path, row(commune="Ambleville", code_postal="16300"), row(id="2", commune="Ambleville", code_postal=""))

    assert place("1").commune_ref_id == "16186"
    assert place("1").departement_code == "16"
    assert place("2").commune_ref_id == "95011"  # no postal code: the only Ambleville


def test_a_wrong_insee_code_is_corrected_by_postal_code_and_coordinates(tmp_path):
    source = row(commune="Mont-Dore", code_postal="98809", code_insee="63236", latitude=-22.2631, longitude=166.5662)

    report = run(tmp_path, source)

    noumea_side = place()
    assert (noumea_side.commune_ref_id, noumea_side.code_insee) == ("98817", "98817")
    assert noumea_side.departement_code == "988"
    assert noumea_side.commune_name == "Le Mont-Dore"
    assert noumea_side.location_warning.startswith("code INSEE 63236 (Mont-Dore, 63) corrigé en 98817")
    assert [(issue.field, issue.value) for issue in report.warnings] == [("code_insee", "63236")]
    assert report.location_flags == 1
    assert any("localisation à vérifier" in line for line in report.summary_lines())


def test_a_wrong_insee_code_without_coordinates_is_kept_and_flagged(tmp_path):
    run(tmp_path, row(commune="Mont-Dore", code_postal="98809", code_insee="63236"))

    assert place().commune_ref_id == "63236"
    assert place().location_warning == (
        "le code INSEE 63236 (Mont-Dore, 63) ne correspond pas au code postal 98809 : commune à vérifier"
    )


def test_coordinates_far_from_the_commune_are_flagged_on_the_place_and_in_the_report(tmp_path):
    # A Martinique place whose coordinates are near Nice.
    report = run(
        tmp_path,
        row(commune="Fort-de-France", code_postal="97200", code_insee="97209", latitude=43.7009, longitude=7.2683),
    )

    flagged = place()
    assert (flagged.latitude, flagged.longitude) == (43.7009, 7.2683)  # kept as written, for a person to check
    assert flagged.coordinates_precision == enums.CoordinatesPrecision.ADDRESS
    assert "km du centre de Fort-de-France (972), plus de 50 km : position à vérifier" in flagged.location_warning
    assert [issue.field for issue in report.warnings] == ["latitude"]
    assert report.warnings[0].value == "43.7009, 7.2683"


def test_swapped_coordinates_are_put_back(tmp_path):
    run(tmp_path, row(commune="Le Prêcheur", code_postal="97250", latitude=-61.2245, longitude=14.8011))

    assert (place().latitude, place().longitude) == (14.8011, -61.2245)
    assert "inversées" in place().location_warning


def test_a_fixed_row_clears_its_flag_on_the_next_import(tmp_path):
    far = row(commune="Fort-de-France", code_postal="97200", latitude=43.7009, longitude=7.2683)
    run(tmp_path, far)
    assert place().location_warning

    run(tmp_path, {**far, "latitude": 14.6069, "longitude": -61.0716})

    assert place().location_warning == ""


@pytest.mark.parametrize(
    ("commune", "postal_code", "code", "departement"),
    [
        ("Nouméa", "98800", "98818", "988"),
        ("Papeete", "98714", "98735", "987"),
        ("Saint-Barthélemy", "97133", "97701", "977"),
        ("Saint-Pierre", "97500", "97502", "975"),
    ],
)
def test_places_of_the_collectivites_d_outre_mer(tmp_path, commune, postal_code, code, departement):
    report = run(tmp_path, row(commune=commune, code_postal=postal_code))

    assert report.warnings == []
    assert (place().commune_ref_id, place().departement_code) == (code, departement)
    assert place().coordinates_precision == enums.CoordinatesPrecision.COMMUNE


@pytest.mark.parametrize(
    ("written", "commune", "postal_code", "expected", "corrected"),
    [
        ("+33596 61 23 45", "Fort-de-France", "97200", "+596596612345", True),
        ("05 96 61 23 45", "Fort-de-France", "97200", "+596596612345", False),
        ("0696 45 12 34", "Fort-de-France", "97200", "+596696451234", False),
        ("+33262 20 12 34", "Saint-Denis", "97400", "+262262201234", True),
        ("0262 20 12 34", "Saint-Denis", "97400", "+262262201234", False),
        ("0639 69 12 34", "Mamoudzou", "97600", "+262639691234", False),
        ("+269 269 61 12 34", "Mamoudzou", "97600", "+262269611234", True),
        ("+33 5 94 30 12 34", "Cayenne", "97300", "+594594301234", True),
        ("+33690123456", "Basse-Terre", "97100", "+590690123456", True),
        ("0590 27 12 34", "Saint-Barthélemy", "97133", "+590590271234", False),
        ("05 08 41 23 45", "Saint-Pierre", "97500", "+508412345", False),  # 6 digits after +508
        ("+33 508 41 23 45", "Saint-Pierre", "97500", "+508412345", True),
        ("06 12 34 56 78", "Fort-de-France", "97200", "+33612345678", False),  # a metropolitan mobile
        ("05 55 52 00 00", "Saint-Denis", "97400", "+33555520000", False),
    ],
)
def test_overseas_phones_get_their_own_country_code(tmp_path, written, commune, postal_code, expected, corrected):
    report = run(tmp_path, row(commune=commune, code_postal=postal_code, telephone=written))

    assert place().phones == [expected]
    expected_warnings = [f"indicatif pays erroné, numéro corrigé en {expected}"] if corrected else []
    # A mobile number is also pointed out as a possibly personal contact (cordee.places.contacts).
    messages = [issue.message for issue in report.warnings if not issue.message.startswith(PERSONAL_WARNING)]
    assert messages == expected_warnings


@pytest.mark.parametrize("written", ["1970-01-01", "1969-12-31", "0000-00-00", "1970-01-01T00:00:00Z", "01/01/1970"])
def test_epoch_placeholders_are_not_dates(tmp_path, written):
    report = run(tmp_path, row(commune="Nouméa", code_postal="98800", date_maj=written))

    assert place().source_updated_on is None
    assert [(issue.field, issue.value) for issue in report.warnings] == [("date_maj", written)]
    assert report.placeholder_dates == 1
    assert "1 dates fictives (1970-01-01, 0000-00-00) tenues pour manquantes." in report.summary_lines()


def test_a_real_date_near_the_epoch_placeholders_is_kept(tmp_path):
    run(tmp_path, row(commune="Nouméa", code_postal="98800", date_maj="2019-12-31"))

    assert str(place().source_updated_on) == "2019-12-31"
