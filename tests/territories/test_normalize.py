"""Normalisation of the texts of sources: HTML character references, and commune names that lost an apostrophe."""

import pytest

from cordee.territories.normalize import letters_key, official_commune_name, unescape_entities


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Clic' &amp; Ressources", "Clic' & Ressources"),
        ("Clic&amp;amp;Co", "Clic&Co"),
        ("Fran&ccedil;ais &#39;langue&#x27; &hellip;", "Français 'langue' …"),
        ("R&D", "R&D"),
        ("Loisirs&Co", "Loisirs&Co"),
        ("Ateliers &paragraphes", "Ateliers &paragraphes"),
        ("", ""),
        (None, ""),
    ],
)
def test_unescape_entities(text, plain):
    assert unescape_entities(text) == plain


@pytest.mark.parametrize(
    ("source", "official", "name"),
    [
        ("Saint-Donat-sur-lHerbasse", "Saint-Donat-sur-l'Herbasse", "Saint-Donat-sur-l'Herbasse"),
        ("SAINT DONAT SUR L HERBASSE", "Saint-Donat-sur-l'Herbasse", "Saint-Donat-sur-l'Herbasse"),
        ("St-Donat-sur-l'Herbasse", "Saint-Donat-sur-l'Herbasse", "Saint-Donat-sur-l'Herbasse"),
        ("Gueret", "Guéret", "Guéret"),
        ("", "Guéret", "Guéret"),
        ("Marseille 11e", "Marseille", "Marseille 11e"),
        ("Guéret", "", "Guéret"),
    ],
)
def test_official_commune_name(source, official, name):
    assert official_commune_name(source, official) == name


def test_letters_key_ignores_apostrophes_spaces_accents_and_saint_abbreviations():
    assert letters_key("St-Donat-sur-lHerbasse") == letters_key("Saint-Donat-sur-l'Herbasse")
    assert letters_key("Ste-Foy") == letters_key("Sainte-Foy")
    assert letters_key("Stains") == "stains"
