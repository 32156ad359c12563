"""Commune resolution on the real référentiel (the shipped territory files, read without a database).

The same rules serve the file import and the place forms (``cordee.places.validators.CommuneIndex``).
"""

import pytest

from cordee.places import validators
from cordee.places.validators import CommuneIndex, check_point, commune_name_keys
from tests.places.referentiel import shipped_commune_index

FORT_DE_FRANCE = "97209"
NICE = (43.7009, 7.2683)


@pytest.fixture(scope="module")
def index() -> CommuneIndex:
    return shipped_commune_index()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("La Couronne", ("lacouronne", "couronne")),
        ("Couronne (La)", ("lacouronne", "couronne")),
        ("COURONNE (LA)", ("lacouronne", "couronne")),
        ("Les Andelys", ("lesandelys", "andelys")),
        ("Prêcheur (Le)", ("leprecheur", "precheur")),
        ("Île-des-Pins (L')", ("liledespins", "iledespins")),
        ("ST DENIS", ("saintdenis", "saintdenis")),
        ("Saint-Donat-sur-lHerbasse", ("saintdonatsurlherbasse", "saintdonatsurlherbasse")),
    ],
)
def test_name_keys_ignore_the_place_of_the_article(name, expected):
    assert commune_name_keys(name) == expected


@pytest.mark.parametrize(
    ("code", "postal", "name", "expected"),
    [
        ("", "16400", "La Couronne", "16113"),
        ("", "16400", "Couronne (La)", "16113"),
        ("", "", "LA COURONNE", "16113"),
        ("", "97250", "Le Prêcheur", "97219"),  # 97250 also serves Saint-Pierre
        ("", "97250", "Prêcheur (Le)", "97219"),
        ("", "97250", "PRECHEUR", "97219"),
        ("", "27700", "Les Andelys", "27016"),
        ("", "27700", "Andelys (Les)", "27016"),
        ("", "97410", "Saint-Pierre", "97416"),
        ("", "97230", "Ste Marie", "97228"),
        ("", "97438", "Sainte-Marie", "97418"),
        ("", "23001", "Guéret", "23096"),  # a CEDEX postal code: the name in its département
        ("", "98809", "Mont-Dore", "98817"),  # Nouvelle-Calédonie
        ("", "98800", "Nouméa", "98818"),
        ("", "98714", "PAPEETE", "98735"),
        ("", "97133", "Saint-Barthélemy", "97701"),
        ("", "97150", "Saint Martin", "97801"),
        ("", "97500", "Miquelon", "97501"),
    ],
)
def test_names_with_or_without_their_article_and_overseas(index, code, postal, name, expected):
    assert index.find(code, postal, name).code_insee == expected


def test_a_name_is_matched_in_the_departement_of_the_postal_code_first(index):
    # Ambleville (Charente) merged into Lignières-Ambleville in 2017; Ambleville (Val-d'Oise) still exists.
    assert index.find("", "16300", "Ambleville").code_insee == "16186"
    assert index.find("", "", "Ambleville").code_insee == "95011"  # no postal code: the only one of that name
    # A name found only outside the postal code's département is not taken…
    assert index.find("", "23000", "Ambleville") is None
    # …unless the coordinates are there.
    assert index.find("", "23000", "Ambleville", 49.15, 1.69).code_insee == "95011"


def test_namesakes_are_told_apart_by_the_coordinates(index):
    assert index.find("", "", "Sainte-Marie") is None  # ten of them
    assert index.find("", "", "Sainte-Marie", -20.90, 55.55).code_insee == "97418"  # La Réunion
    assert index.find("", "", "Sainte-Marie", 14.78, -60.99).code_insee == "97228"  # Martinique


def test_an_insee_code_contradicted_by_postal_code_and_coordinates_is_corrected(index):
    # Le Mont-Dore (Nouvelle-Calédonie) given with the code of Mont-Dore (Puy-de-Dôme).
    match = index.resolve("63236", "98809", "Mont-Dore", -22.263, 166.566)

    assert match.commune.code_insee == "98817"
    assert match.corrected_code == "63236"
    assert match.notes == [
        "code INSEE 63236 (Mont-Dore, 63) corrigé en 98817 (Le Mont-Dore, 988) : "
        "le code postal et les coordonnées désignent cette commune"
    ]


def test_an_insee_code_contradicted_by_the_postal_code_alone_is_kept_and_flagged(index):
    match = index.resolve("63236", "98809", "Mont-Dore")

    assert (match.commune.code_insee, match.corrected_code) == ("63236", "")
    assert match.notes == [
        "le code INSEE 63236 (Mont-Dore, 63) ne correspond pas au code postal 98809 : commune à vérifier"
    ]


def test_an_insee_code_that_agrees_is_taken_without_a_note(index):
    assert index.resolve("63236", "63240", "Le Mont-Dore", 45.575, 2.81).notes == []
    # A neighbour's postal code in the same département: common, not flagged.
    assert index.resolve("23220", "23000", "Saint-Fiel").notes == []


def test_coordinates_far_from_their_commune_are_flagged_and_kept(index):
    fort_de_france = index.by_code[FORT_DE_FRANCE]

    latitude, longitude, note = check_point(fort_de_france, *NICE)

    assert (latitude, longitude) == NICE
    assert note.startswith("coordonnées à 7\u202f158 km")
    assert note.endswith("km du centre de Fort-de-France (972), plus de 50 km : position à vérifier")


def test_coordinates_near_their_commune_pass(index):
    assert check_point(index.by_code[FORT_DE_FRANCE], 14.6069, -61.0716) == (14.6069, -61.0716, "")
    # Salin-de-Giraud is 35 km from the town hall of Arles.
    assert check_point(index.by_code["13004"], 43.4118, 4.7297)[2] == ""
    # Guyane's communes are as large as départements: Maripasoula's outskirts, 120 km away.
    assert check_point(index.by_code["97353"], 2.60, -53.0)[2] == ""


def test_swapped_coordinates_are_put_back(index):
    assert check_point(index.by_code["23096"], 1.8715, 46.1720) == (
        46.1720,
        1.8715,
        "latitude et longitude inversées dans la source : remises dans l'ordre",
    )


def test_a_commune_without_a_point_is_not_checked(index):
    anaa = index.by_code["98711"]  # an atoll of Polynésie without a point in the sources
    assert anaa.latitude is None
    assert check_point(anaa, *NICE) == (*NICE, "")


def test_the_forms_accept_the_name_with_its_article_anywhere(index):
    found = validators.commune(index, "", "16400", "Couronne (La)")
    assert found.name == "La Couronne"


def test_a_name_that_designates_another_commune_than_the_code_is_flagged(index):
    # data·inclusion: "ANNAY" 62880 with the code of Vendin-le-Vieil, its neighbour of the same postal code.
    match = index.resolve("62842", "62880", "ANNAY", 50.473558, 2.865857)

    assert match.commune.code_insee == "62842"  # the code is kept: its coordinates are Vendin-le-Vieil's
    assert match.notes == [
        "le nom « ANNAY » désigne Annay (62033), le code INSEE 62842 Vendin-le-Vieil : commune à vérifier"
    ]


@pytest.mark.parametrize(
    ("code", "postal", "name"),
    [
        ("69387", "69007", "Lyon 7ème arrondissement"),  # an arrondissement of the commune named
        ("16186", "16300", "Ambleville"),  # a commune merged into a new one
        ("97219", "97250", "Prêcheur (Le)"),
        ("13201", "13001", "MARSEILLE"),
    ],
)
def test_names_that_agree_with_their_code_are_not_flagged(index, code, postal, name):
    assert index.resolve(code, postal, name).notes == []


def test_every_overseas_commune_is_found_by_its_name_and_postal_code(index):
    """The 129 communes of the DROM and the 88 of the collectivités, written as the files of other territories do."""
    import re

    from unidecode import unidecode

    overseas = [c for c in index.by_code.values() if c.departement.startswith("97") or c.departement.startswith("98")]
    assert len(overseas) == 129 + 88
    missed = []
    for commune in overseas:
        article_last = re.sub(r"^(La|Le|Les|L')\s*(.+)$", r"\2 (\1)", commune.name)
        for name in (commune.name, unidecode(commune.name).upper(), article_last):
            for postal in commune.postal_codes:
                found = index.find("", postal, name)
                if found is None or found.code_insee != commune.code_insee:
                    missed.append((name, postal, found and found.code_insee))
    assert missed == []


@pytest.mark.parametrize(
    "name,expected",
    [
        ("PARIS 14", "75114"),
        ("Paris 14ème", "75114"),
        ("paris 20e arrondissement", "75120"),
        ("MARSEILLE 1", "13201"),
        ("Marseille 1er arr.", "13201"),
        ("Lyon 7eme", "69387"),
        ("LYON 3E ARRDT", "69383"),
    ],
)
def test_an_arrondissement_written_with_its_number_is_found_without_postal_code(index, name, expected):
    assert index.find("", "", name).code_insee == expected


def test_a_number_that_is_no_arrondissement_finds_nothing(index):
    assert index.find("", "", "Paris 21") is None
    assert index.find("", "", "Valence 2") is None


@pytest.mark.django_db
def test_the_forms_find_an_arrondissement_written_with_its_number():
    from tests.territories.factories import CommuneFactory, DepartementFactory

    paris = DepartementFactory(code="75", name="Paris")
    CommuneFactory(code_insee="75114", name="Paris 14e Arrondissement", departement=paris, postal_codes="75014")
    for written in ("PARIS 14", "Paris 14ème", "paris 14e arr."):
        found = validators.commune(CommuneIndex.for_values(name=written), "", "", written)
        assert found.code_insee == "75114", written
