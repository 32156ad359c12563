"""Identifiers of French organisations: SIRET (14 digits, Luhn) and RNA (W + 9 digits)."""

import re

from django.core.exceptions import ValidationError

SIRET_PLACEHOLDER = "00000000000000"
LA_POSTE_SIREN = "356000000"  # La Poste's establishments do not follow the Luhn key


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_error(value: str) -> str | None:
    """Why a SIRET is invalid, in plain French, or None if it is valid."""
    compact = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{14}", compact):
        return "un SIRET compte exactement 14 chiffres"
    if compact.startswith(LA_POSTE_SIREN):
        return None
    if not luhn_is_valid(compact):
        return "ce SIRET n'existe pas : sa clé de contrôle est fausse (vérifiez les chiffres)"
    return None


def validate_siret(value: str) -> None:
    error = siret_error(value)
    if error:
        raise ValidationError(f"SIRET invalide : {error}.", code="invalid_siret")


def validate_rna(value: str) -> None:
    if not re.fullmatch(r"W\d{9}", (value or "").strip().upper()):
        raise ValidationError(
            "Numéro RNA invalide : il commence par W suivi de 9 chiffres (ex. W751234567).", code="invalid_rna"
        )
