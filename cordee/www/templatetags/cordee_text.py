"""French text for people: elision (« d'Ajaccio »), plurals, phone numbers and numbers as the French write them.

The functions are used by views as well as by templates (as filters of ``{% load cordee_text %}``).
"""

import re

import phonenumbers
from django import template

register = template.Library()

# French regions of the phone numbering plan: read in the national format ("05 55 64 12 34").
FRENCH_PHONE_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "PM", "YT", "BL", "MF", "WF", "PF", "NC"})
_VOWEL_OR_MUTE_H = re.compile(r"^[aeiouyhâàäéèêëîïôöûùüœæ]", re.IGNORECASE)


def of(name: str) -> str:
    """« de » before a place name, elided or contracted as French wants.

    Ajaccio → « d'Ajaccio », Le Havre → « du Havre », Les Mureaux → « des Mureaux », Guéret → « de Guéret ».
    """
    name = (name or "").strip()
    if not name:
        return "de"
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if _VOWEL_OR_MUTE_H.match(name):
        return f"d'{name}"
    return f"de {name}"


@register.filter(name="de")
def de_filter(name):
    """``{{ commune.name|de }}`` → « d'Ajaccio », « de Guéret », « du Havre »."""
    return of(str(name))


def plural(count, singular: str, plural_form: str | None = None) -> str:
    """The word for ``count`` things: French uses the singular for 0 and 1 (« 1 lieu », « 0 lieu », « 2 lieux »)."""
    return singular if abs(int(count)) < 2 else (plural_form or f"{singular}s")


@register.filter(name="pluriel")
def plural_filter(count, forms: str):
    """``{{ count|pluriel:"lieu,lieux" }}`` → « lieu » or « lieux » (the plural defaults to singular + s)."""
    singular, _, plural_form = forms.partition(",")
    return plural(count, singular, plural_form or None)


def phone_text(number: str) -> str:
    """A phone number as people read it: « 05 55 64 12 34 » for a French number, « +32 2 123 45 67 » otherwise.

    What cannot be read as a phone number is returned as it is.
    """
    text = (number or "").strip()
    try:
        parsed = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(parsed):
        return text
    region = phonenumbers.region_code_for_number(parsed)
    if region in FRENCH_PHONE_REGIONS:
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        digits = national.replace(" ", "")
        if len(digits) == 10 and digits.isdigit():
            # Ten digits in pairs, overseas too (« 02 62 12 34 56 »), as the French write them.
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
        return national
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter(name="telephone")
def phone_filter(number):
    """``{{ "+33555641234"|telephone }}`` → « 05 55 64 12 34 »."""
    return phone_text(str(number or ""))


def coordinate_text(value, decimals: int = 6) -> str:
    """45.955470000000005 → « 45,95547 »: six decimals (about 10 cm) at most, a decimal comma, no trailing zeros."""
    if value is None or value == "":
        return ""
    text = f"{float(value):.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter(name="coordonnee")
def coordinate_filter(value):
    """``{{ place.latitude|coordonnee }}`` → « 45,95547 »."""
    return coordinate_text(value)
