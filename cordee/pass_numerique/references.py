"""The pseudonymous reference written when a pass is handed to a person: a file number of the structure, never
who the person is.

Nobody can tell a pseudonym from a name in general; the rule refuses what is certainly or very probably
identifying, and says why: an e-mail address, a phone number, a long run of digits (a social security number
has 13 or 15), and words without any digit ("Jean Dupont", "Mme Martin") — a file number has digits
("CCAS-142", "2026/0042", "P 17")."""

import re

from cordee.pass_numerique.models import Distribution
from cordee.places.validators import parse_phone

MAX_LENGTH = Distribution._meta.get_field("reference").max_length
# A social security number (NIR) has 13 digits, 15 with its key; no file number of a structure needs as many.
LONGEST_DIGIT_RUN = 12
ADVICE = "Écrivez un numéro de dossier de votre structure (par exemple « CCAS-142 »)."


def problem(reference: str) -> str | None:
    """Why this reference cannot be kept (a French sentence), or None when it can."""
    if len(reference) > MAX_LENGTH:
        return f"Au plus {MAX_LENGTH} caractères."
    if not reference:
        return None
    if "@" in reference:
        return f"Pas d'adresse électronique : la référence doit être pseudonyme. {ADVICE}"
    if _is_phone_number(reference):
        return f"Pas de numéro de téléphone : la référence doit être pseudonyme. {ADVICE}"
    if any(len(run) > LONGEST_DIGIT_RUN for run in re.findall(r"\d+", re.sub(r"[\s.]", "", reference))):
        return (
            f"Pas de numéro de sécurité sociale ni de longue suite de chiffres (au plus {LONGEST_DIGIT_RUN}). {ADVICE}"
        )
    if not any(character.isdigit() for character in reference):
        return f"Une référence sans chiffre ressemble à un nom : jamais le nom de la personne. {ADVICE}"
    return None


def _is_phone_number(reference: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.\-+()/]+", reference)) and parse_phone(reference, "FR") is not None
