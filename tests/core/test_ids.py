"""Keys read from what anyone types or sends: ASCII digits only, within what a database holds."""

import pytest

from cordee.core.ids import MAX_ID, as_id, is_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        (12, 12),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),  # SQLite cannot even compare it
        ("9" * 40, None),
        ("0", None),
        ("-3", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("①", None),
        ("١٢", None),  # Arabic-Indic digits: a key is written in ASCII
        ("12a", None),
        ("", None),
        (None, None),
        (True, None),
        (2**63, None),
    ],
)
def test_as_id(value, expected):
    assert as_id(value) == expected


def test_is_number():
    assert is_number("0042")
    assert not any(is_number(text) for text in ("", "²", "①", "4.2", "-1", " 1"))
