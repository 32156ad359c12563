import itertools
import re

import pytest

from cordee.core.errors import Invalid
from cordee.pass_numerique import codes


def test_alphabet_has_31_unambiguous_symbols():
    assert len(codes.ALPHABET) == 31
    assert not set("01OIL") & set(codes.ALPHABET)


def test_randomness_is_at_least_60_bits():
    import math

    assert codes.RANDOM_LENGTH * math.log2(codes.BASE) >= 60


def test_generated_codes_are_valid_distinct_and_grouped():
    generated = {codes.generate() for _ in range(2000)}
    assert len(generated) == 2000
    for code in generated:
        assert codes.is_valid(code)
        assert re.fullmatch(
            r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", codes.display(code)
        )


def _sample_codes():
    # A fixed body per position pattern plus random ones: the check holds for every body.
    yield "2" * 13 + codes.check_symbol("2" * 13)
    yield "Z" * 13 + codes.check_symbol("Z" * 13)
    body = codes.ALPHABET[:13]
    yield body + codes.check_symbol(body)
    for _ in range(20):
        yield codes.generate()


# Random codes differ from one test process to the other: their test ids are their ranks, the same everywhere.
SAMPLE_CODES = list(_sample_codes())
SAMPLE_IDS = [f"code-{rank}" for rank in range(len(SAMPLE_CODES))]


@pytest.mark.parametrize("code", SAMPLE_CODES, ids=SAMPLE_IDS)
def test_every_single_symbol_error_is_caught(code):
    """Exhaustive over positions and replacement symbols: 14 × 30 wrong codes per code."""
    for position, replacement in itertools.product(range(codes.LENGTH), codes.ALPHABET):
        if replacement == code[position]:
            continue
        wrong = code[:position] + replacement + code[position + 1 :]
        assert not codes.is_valid(wrong), (code, wrong)


def test_every_single_symbol_error_is_caught_for_every_symbol_pair_and_position():
    """Algebraic exhaustiveness: for every position and every pair of distinct symbols, the change of the weighted
    sum is non-zero modulo 31 (so no code whatsoever lets such an error through)."""
    for position in range(codes.LENGTH):
        weight = position + 1
        for a, b in itertools.permutations(range(codes.BASE), 2):
            assert (weight * (a - b)) % codes.BASE != 0


def test_every_adjacent_transposition_is_caught_for_every_pair_and_position():
    for position in range(codes.LENGTH - 1):
        w1, w2 = position + 1, position + 2
        for a, b in itertools.permutations(range(codes.BASE), 2):
            before = w1 * a + w2 * b
            after = w1 * b + w2 * a
            assert (before - after) % codes.BASE != 0


@pytest.mark.parametrize("code", SAMPLE_CODES, ids=SAMPLE_IDS)
def test_adjacent_transpositions_of_real_codes_are_caught(code):
    for position in range(codes.LENGTH - 1):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        assert not codes.is_valid(swapped)


def test_parse_tolerates_spaces_dashes_and_lower_case():
    code = codes.generate()
    shown = codes.display(code)
    assert codes.parse(shown) == code
    assert codes.parse(shown.lower()) == code
    assert codes.parse(" " + shown.replace("-", " ") + " ") == code
    assert codes.parse(code) == code


@pytest.mark.parametrize(
    "text", ["", "ABC", "K7M3-XQ9P-2WRT-H", "K7M3-XQ9P-2WRT-HBB", "O7M3-XQ9P-2WRT-HB", "1111-1111-1111-11"]
)
def test_parse_refuses_malformed_codes(text):
    with pytest.raises(Invalid) as error:
        codes.parse(text)
    assert error.value.reason == "malformed_code"
    assert "code" in error.value.errors


def test_parse_refuses_a_wrong_check_character():
    code = codes.generate()
    wrong_check = next(symbol for symbol in codes.ALPHABET if symbol != code[-1])
    with pytest.raises(Invalid) as error:
        codes.parse(code[:-1] + wrong_check)
    assert error.value.reason == "wrong_check_character"
