"""French text helpers of the templates: elision, plurals, phone numbers, numbers and coordinates."""

import pytest
from django.template import Context, Template

from cordee.www.templatetags.cordee_layout import number_fr
from cordee.www.templatetags.cordee_text import coordinate_text, of, phone_text, plural


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Ajaccio", "d'Ajaccio"),
        ("Évreux", "d'Évreux"),
        ("Issoudun", "d'Issoudun"),
        ("Hyères", "d'Hyères"),
        ("Yzeure", "d'Yzeure"),
        ("Guéret", "de Guéret"),
        ("Le Havre", "du Havre"),
        ("Les Mureaux", "des Mureaux"),
        ("La Rochelle", "de La Rochelle"),
        ("", "de"),
    ],
)
def test_of_elides_and_contracts(name, text):
    assert of(name) == text


def test_de_filter_in_a_template():
    html = Template("{% load cordee_text %}à 5 km {{ name|de }}").render(Context({"name": "Ajaccio"}))
    assert html == "à 5 km d&#x27;Ajaccio"


@pytest.mark.parametrize(("count", "word"), [(0, "lieu"), (1, "lieu"), (2, "lieux"), (1000, "lieux")])
def test_plural_uses_the_singular_below_two(count, word):
    assert plural(count, "lieu", "lieux") == word


def test_pluriel_filter_defaults_to_an_s():
    template = Template('{% load cordee_text %}{{ n }} {{ n|pluriel:"lieu,lieux" }}, {{ n }} {{ n|pluriel:"avis" }}')
    assert template.render(Context({"n": 1})) == "1 lieu, 1 avis"
    template = Template(
        '{% load cordee_text %}{{ n }} {{ n|pluriel:"lieu,lieux" }}, {{ n }} {{ n|pluriel:"signalement" }}'
    )
    assert template.render(Context({"n": 3})) == "3 lieux, 3 signalements"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("+33555641234", "05 55 64 12 34"),
        ("+33612345678", "06 12 34 56 78"),
        ("+262262123456", "02 62 12 34 56"),
        ("+3221234567", "+32 2 123 45 67"),
        ("+442071234567", "+44 20 7123 4567"),
        ("3939", "3939"),
        ("pas un numéro", "pas un numéro"),
        ("", ""),
    ],
)
def test_phone_text_national_for_french_numbers_international_otherwise(number, text):
    assert phone_text(number) == text


def test_telephone_filter_in_a_template():
    html = Template("{% load cordee_text %}{{ phone|telephone }}").render(Context({"phone": "+33555641234"}))
    assert html == "05 55 64 12 34"


@pytest.mark.parametrize(
    ("value", "text"),
    [(45.955470000000005, "45,95547"), (1.8715, "1,8715"), (-61.5, "-61,5"), (46.0, "46"), (None, "")],
)
def test_coordinates_are_rounded_for_reading(value, text):
    assert coordinate_text(value) == text


def test_coordonnee_filter_in_a_template():
    html = Template("{% load cordee_text %}{{ lat|coordonnee }}").render(Context({"lat": 45.955470000000005}))
    assert html == "45,95547"


@pytest.mark.parametrize(("value", "text"), [(12804, "12\u00a0804"), (1, "1"), (1234567, "1\u00a0234\u00a0567")])
def test_number_fr_groups_thousands(value, text):
    assert number_fr(value) == text
