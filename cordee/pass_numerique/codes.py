"""Public codes of the passes: random, readable aloud, with a check character.

A code is 13 random symbols and 1 check symbol from an alphabet of 31 (digits and capital letters without
the ambiguous 0, O, 1, I and L): 13 × log2(31) ≈ 64.4 bits of randomness from ``secrets``, so a code says
nothing about any other. It is printed in groups, ``K7M3-XQ9P-2WRT-HB``, the last symbol being the check.

The check: with each symbol's value v (its index in the alphabet) and weights 1, 2, …, 14 by position,
the weighted sum of all 14 symbols is 0 modulo 31. As 31 is prime and every weight is between 1 and 30,
changing one symbol changes the sum by (a − b) × w ≠ 0 (mod 31); swapping two adjacent symbols changes it
by (a − b) × (w − w') = ±(a − b) ≠ 0: every single-symbol error and every adjacent transposition is
caught (``tests/pass_numerique/test_codes.py`` checks it exhaustively).

Reading a code (``parse``) tolerates spaces, dashes and lower case.
"""

import re
import secrets

from cordee.core.errors import Invalid

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
RANDOM_LENGTH = 13
LENGTH = RANDOM_LENGTH + 1
BODIES = BASE**RANDOM_LENGTH
VALUES = {symbol: index for index, symbol in enumerate(ALPHABET)}
GROUPS = (4, 4, 4, 2)
SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")
MALFORMED = (
    f"Ce code n'a pas la forme d'un code de Pass numérique : {LENGTH} caractères (chiffres de 2 à 9 et lettres "
    "sans I, L ni O), par exemple K7M3-XQ9P-2WRT-HB."
)
WRONG_CHECK = "Ce code contient une erreur de saisie (le caractère de contrôle ne correspond pas) : vérifiez-le."

assert BASE == 31 and len(set(ALPHABET)) == BASE


def weighted_sum(symbols: str) -> int:
    return sum((position + 1) * VALUES[symbol] for position, symbol in enumerate(symbols)) % BASE


def check_symbol(body: str) -> str:
    """The check symbol completing the 13 symbols of ``body``: the weighted sum of the 14 becomes 0 mod 31."""
    partial = weighted_sum(body)
    weight = len(body) + 1
    # weight × c ≡ −partial (mod 31); pow(weight, −1, 31) is the inverse of the weight.
    return ALPHABET[(-partial * pow(weight, -1, BASE)) % BASE]


def is_valid(code: str) -> bool:
    """Whether a normalised code (14 symbols of the alphabet) passes the check."""
    return len(code) == LENGTH and all(symbol in VALUES for symbol in code) and weighted_sum(code) == 0


def generate() -> str:
    """A new normalised code: 13 random symbols and the check symbol.

    One draw of ``secrets.randbelow(31 ** 13)`` written in base 31: every body is equally likely, as with 13 draws
    of ``secrets.choice``, for one call to the system's random source instead of thirteen (an order of 10,000
    passes draws its codes in a few milliseconds)."""
    number = secrets.randbelow(BODIES)
    symbols = []
    for _ in range(RANDOM_LENGTH):
        number, value = divmod(number, BASE)
        symbols.append(ALPHABET[value])
    body = "".join(symbols)
    return body + check_symbol(body)


def display(code: str) -> str:
    """``K7M3XQ9P2WRTHB`` → ``K7M3-XQ9P-2WRT-HB``."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(part for part in parts if part)


def normalise(text: str) -> str:
    """Upper case, without spaces or dashes (no check)."""
    return SEPARATORS.sub("", str(text or "")).upper()


def parse(text: str) -> str:
    """The normalised code typed or scanned as ``text``; ``Invalid`` (400) when malformed or when the check fails.

    Reasons: ``malformed_code`` or ``wrong_check_character``, with ``errors={"code": …}``.
    """
    code = normalise(text)
    if len(code) != LENGTH or any(symbol not in VALUES for symbol in code):
        raise Invalid(MALFORMED, reason="malformed_code", errors={"code": MALFORMED})
    if weighted_sum(code) != 0:
        raise Invalid(WRONG_CHECK, reason="wrong_check_character", errors={"code": WRONG_CHECK})
    return code
