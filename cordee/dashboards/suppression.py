"""Statistical disclosure control of the public figures: small counts hidden, and not recoverable.

A public page (the share link of a territory) shows aggregates only. Any count under ``THRESHOLD`` (5) is shown
as « < 5 » (primary suppression). Hiding one cell is not enough when the cells of a group add up to a figure
that is shown: the total minus the other cells gives it back. So in every *additive* group (the cells add up to
a shown total: months, kinds, départements, age bands with their « non renseigné »…), if any cell is hidden,
more cells are hidden (the smallest first) until at least two are and the hidden ones add up to at least
``THRESHOLD`` (secondary suppression): subtraction then only gives the sum of several hidden cells, never one
of them, and that sum is not small. A hidden total hides its whole group. Groups that do not add up (themes: an
activity has several; top-N lists) only need the primary rule.

``Cell`` keeps the exact value for the computation; what is shown is ``cell.shown`` (an int, or ``SMALL``).
"""

from dataclasses import dataclass

THRESHOLD = 5
SMALL = "< 5"


@dataclass
class Cell:
    value: int
    hidden: bool = False

    @property
    def shown(self):
        return SMALL if self.hidden else self.value


def protect_total(total: int) -> Cell:
    return Cell(total, hidden=total < THRESHOLD)


def protect_group(values: list[int], *, total: Cell | None = None, additive: bool = True) -> list[Cell]:
    """The cells of one group, with primary and (for an additive group) secondary suppression.

    For an additive group, ``values`` must add up to ``total.value`` (include a « non renseigné » remainder
    cell so that they do).
    """
    cells = [Cell(value, hidden=value < THRESHOLD) for value in values]
    if total is not None and total.hidden:
        for cell in cells:
            cell.hidden = True
        return cells
    if not additive:
        return cells
    while True:
        hidden = [cell for cell in cells if cell.hidden]
        if not hidden or (len(hidden) >= 2 and sum(cell.value for cell in hidden) >= THRESHOLD):
            return cells
        visible = sorted((cell for cell in cells if not cell.hidden), key=lambda cell: cell.value)
        if not visible:
            return cells
        visible[0].hidden = True


def recoverable(cells: list[Cell], total: int) -> bool:
    """Whether a hidden cell of an additive group could be recovered by subtraction from the shown figures
    (used by the tests): exactly one hidden cell, or hidden cells whose sum is small."""
    hidden = [cell for cell in cells if cell.hidden]
    if not hidden:
        return False
    shown_sum = sum(cell.value for cell in cells if not cell.hidden)
    return len(hidden) == 1 or total - shown_sum < THRESHOLD
