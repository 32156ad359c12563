"""Figures of referrals per place, per sending structure or per territory (the place's département): sent,
answered, accepted, refused (by reason), median response time, share that led to an accompaniment. No person
appears in them."""

import statistics
from dataclasses import dataclass, field

from cordee.referrals.enums import CloseOutcome, ReferralState, RefusalReason
from cordee.referrals.models import ACCEPTED_STATES
from cordee.territories.models import Departement

# key: (grouped by, label field or None to name the group afterwards, title of the group's column)
GROUPS = {
    "place": ("place_id", "place__name", "Lieu"),
    "structure": ("prescriber_structure_id", "prescriber_structure__name", "Structure qui oriente"),
    "territory": ("place__departement_code", None, "Département"),
}


@dataclass
class Row:
    label: str
    sent: int = 0
    answered: int = 0
    accepted: int = 0
    refused: int = 0
    accompanied: int = 0
    reasons: dict = field(default_factory=dict)
    delays: list = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.delays), 1) if self.delays else None

    @property
    def accompanied_share(self) -> int | None:
        return round(100 * self.accompanied / self.sent) if self.sent else None

    def reasons_text(self) -> str:
        return ", ".join(f"{RefusalReason(code).label} : {count}" for code, count in sorted(self.reasons.items()))


def _accepted(state, outcome) -> bool:
    return state in ACCEPTED_STATES and not (state == ReferralState.CLOSED and outcome == CloseOutcome.REORIENTED)


def _accompanied(state, outcome) -> bool:
    return state == ReferralState.ACCOMPANIED or (
        state == ReferralState.CLOSED and outcome == CloseOutcome.ACCOMPANIED
    )


def table(queryset, by: str = "place") -> tuple[list[Row], Row]:
    """One row per place (or sending structure), by number sent, and the total row."""
    key, label, _title = GROUPS[by]
    rows: dict = {}
    total = Row(label="Total")
    values = queryset.values_list(
        key, label or key, "state", "outcome", "refusal_reasons", "created_at", "answered_at"
    )
    names = _departement_names() if by == "territory" else {}
    for group, name, state, outcome, reasons, created_at, answered_at in values.order_by():
        row = rows.setdefault(group, Row(label=names.get(name, name) or "—"))
        for target in (row, total):
            target.sent += 1
            if answered_at is not None:
                target.answered += 1
                target.delays.append((answered_at - created_at).total_seconds() / 86400)
            if _accepted(state, outcome):
                target.accepted += 1
            if reasons:
                target.refused += 1
                for code in reasons:
                    if code in RefusalReason.values:
                        target.reasons[code] = target.reasons.get(code, 0) + 1
            if _accompanied(state, outcome):
                target.accompanied += 1
    return sorted(rows.values(), key=lambda row: (-row.sent, row.label)), total


def _departement_names() -> dict:
    return {code: f"{name} ({code})" for code, name in Departement.objects.values_list("code", "name")}
