"""Database keys read from what anyone can type or send (a query string, a form, a JSON list).

``str.isdigit`` is true for "²" or "①", which ``int`` refuses (a 500), and a long run of digits overflows
SQLite's integers (another 500). ``as_id`` accepts ASCII digits only, from 1 to the largest key a database holds.
"""

MAX_ID = 2**63 - 1


def is_number(text) -> bool:
    """Whether ``text`` is ASCII digits only (``int`` reads it): "12" yes; "²", "①", "-1", "" no."""
    text = str(text)
    return text.isascii() and text.isdigit()


def as_id(value) -> int | None:
    """The key written in ``value`` (an int, or text of ASCII digits), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not is_number(text) or len(text) > len(str(MAX_ID)):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None
