"""Every app that refers to a beneficiary registers here how to blank its personal fields.

``anonymise`` calls each eraser in turn; an eraser blanks what could identify the person (free notes,
sensitive answers) and keeps the figures (dates, levels, counts). It returns how many rows it changed.
Apps register in their ``AppConfig.ready``: diagnostics now, referrals, activities and passes later.
"""

from collections.abc import Callable

Eraser = Callable[[object], int]

_ERASERS: dict[str, Eraser] = {}


def register(name: str, eraser: Eraser) -> None:
    _ERASERS[name] = eraser


def erasers() -> dict[str, Eraser]:
    return dict(_ERASERS)
