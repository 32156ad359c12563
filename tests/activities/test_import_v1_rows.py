"""The v1 row readers and mapping tables, without the database."""

import datetime as dt

import pytest

from cordee.activities import enums
from cordee.activities.legacy import mapping
from cordee.activities.legacy.rows import local_date, parse_array, parse_organisms, parse_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, []),
        ("{}", []),
        ("{internet}", ["internet"]),
        ("{demarche en ligne,smartphone}", ["demarche en ligne", "smartphone"]),
        ('{ordinateur,"imprimante, scanner"}', ["ordinateur", "imprimante, scanner"]),
        ('{"il a dit \\"oui\\""}', ['il a dit "oui"']),
        ("{a,NULL,b}", ["a", "b"]),
        ('{"NULL"}', ["NULL"]),
        ('["a", "b"]', ["a", "b"]),
        ("internet", None),
        ('{"a}', None),
        ("[a", None),
    ],
)
def test_postgresql_array_literals(text, expected):
    assert parse_array(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, {}),
        ("null", {}),
        ('{"CAF": 1, "PAN ANTS": 2}', {"CAF": 1, "PAN ANTS": 2}),
        ('[{"CCAS": 1}, {"CCAS": 2}, {"Mairie": 1}]', {"CCAS": 3, "Mairie": 1}),
        ('{"CAF": -1}', None),
        ('{"CAF": "un"}', None),
        ("[1, 2]", None),
        ("{CAF: 1", None),
    ],
)
def test_organisms_json(text, expected):
    assert parse_organisms(text) == expected


def test_timestamps_are_utc_and_days_local():
    moment = parse_timestamp("2023-05-10 22:30:00.000")
    assert moment == dt.datetime(2023, 5, 10, 22, 30, tzinfo=dt.UTC)
    assert local_date(moment) == dt.date(2023, 5, 11)
    assert local_date(moment, "971") == dt.date(2023, 5, 10)  # Guadeloupe: 18:30 the same day
    assert parse_timestamp("2023-05-10T22:30:00+02:00") == dt.datetime(2023, 5, 10, 20, 30, tzinfo=dt.UTC)
    assert parse_timestamp("2023-05-10").date() == dt.date(2023, 5, 10)
    assert parse_timestamp("2023-02-30 10:00:00") is None
    assert parse_timestamp("10/05/2023") is None


@pytest.mark.parametrize(
    ("name", "redirection"),
    [
        ("CAF", "administration"),
        ("PAN ANTS", "admin_help"),
        ("Maison France Services", "admin_help"),
        ("Pôle emploi", "employment"),
        ("Assistante sociale", "social_aid"),
        ("Gendarmerie", "administration"),
        ("La Poste", "operator"),
        ("Médiathèque", "digital_mediation"),
        ("Club de pétanque", None),
    ],
)
def test_organisms_map_to_redirections(name, redirection):
    assert mapping.organism_redirection(name) == redirection


def test_every_mapped_value_is_a_code_of_the_activities():
    themes = {theme for targets in mapping.THEMES.values() for theme in targets}
    assert themes <= set(enums.Theme.values)
    assert set(mapping.THEMES) >= {mapping.key(theme) for theme in V1_THEMES}
    assert set(mapping.KINDS.values()) <= set(enums.ActivityKind.values)
    assert set(mapping.LOCATIONS.values()) <= set(enums.LocationKind.values)
    assert set(mapping.EQUIPMENT.values()) | set(mapping.THEME_EQUIPMENT.values()) <= set(enums.Equipment.values)
    assert {redirection for _words, redirection in mapping.ORGANISM_RULES} <= set(enums.Redirection.values)
    assert mapping.HEALTH_ADMIN_SUBTHEME in enums.AdminSubTheme.values


# The themes of the v1 form.
V1_THEMES = [
    "autre",
    "equipement informatique",
    "demarche en ligne",
    "smartphone",
    "courriel",
    "internet",
    "vocabulaire",
    "traitement texte",
    "contenus numeriques",
    "trouver emploi",
    "echanger",
    "tpe/pme",
    "accompagner enfant",
    "securite",
    "fraude et harcelement",
    "sante",
    "diagnostic",
    "budget",
    "scolaire",
]
