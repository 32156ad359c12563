"""The ledger of an order: counts and amounts that must reconcile at all times.

Counts: every pass is in exactly one state, and the states add up to the passes issued (which are the
books × passes per book of a confirmed order). Money (integer cents), from independent records:

    issued = redeemed (owed + claimed + paid, from the redemptions)
           + credited (expired + cancelled, from the credits)
           + outstanding (face value of the passes in stock, allocated or distributed)

and the records agree with the states and with the immutable events (one ``issued`` event per pass, the
sum of ``redeemed`` events equals the redemptions, that of ``expired`` and ``cancelled`` events the credits).
``python manage.py check_pass_ledger`` runs ``check`` on every order.
"""

from dataclasses import dataclass, field, fields

from django.db.models import Count, Q, Sum

from cordee.pass_numerique.enums import CreditKind, OrderState, PassEventKind, PassState, StatementState
from cordee.pass_numerique.models import OUTSTANDING_STATES, Credit, Order, Pass, PassEvent, Redemption


@dataclass
class Ledger:
    order_id: int
    issued: int = 0
    in_stock: int = 0
    allocated: int = 0
    distributed: int = 0
    redeemed: int = 0
    expired: int = 0
    cancelled: int = 0
    issued_cents: int = 0
    redeemed_cents: int = 0
    owed_cents: int = 0
    claimed_cents: int = 0
    paid_cents: int = 0
    credited_cents: int = 0
    expired_cents: int = 0
    cancelled_cents: int = 0
    outstanding_cents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        keys = [item.name for item in fields(self) if item.name not in ("order_id", "problems")]
        return {**{key: getattr(self, key) for key in keys}, "reconciled": self.reconciled, "problems": self.problems}


def _sum(queryset, name) -> int:
    return queryset.aggregate(total=Sum(name))["total"] or 0


def compute(order: Order) -> Ledger:
    """The ledger of one order, with the equations that do not hold in ``problems`` (French, naming them)."""
    ledger = Ledger(order_id=order.pk)
    passes = Pass.objects.filter(order_id=order.pk)
    rows = passes.values("state").annotate(count=Count("pk"), cents=Sum("value_cents")).order_by("state")
    by_state = {row["state"]: row for row in rows}
    for state in PassState.values:
        setattr(ledger, state, by_state.get(state, {}).get("count", 0))
    ledger.issued = sum(row["count"] for row in rows)
    ledger.issued_cents = sum(row["cents"] or 0 for row in rows)
    ledger.outstanding_cents = sum(by_state.get(state, {}).get("cents") or 0 for state in OUTSTANDING_STATES)

    redemptions = Redemption.objects.filter(order_id=order.pk)
    ledger.redeemed_cents = _sum(redemptions, "value_cents")
    ledger.paid_cents = _sum(redemptions.filter(statement__state=StatementState.PAID), "value_cents")
    ledger.claimed_cents = _sum(
        redemptions.filter(statement__state__in=[StatementState.SUBMITTED, StatementState.APPROVED]), "value_cents"
    )
    ledger.owed_cents = _sum(
        redemptions.filter(Q(statement__isnull=True) | Q(statement__state=StatementState.REJECTED)), "value_cents"
    )
    credits = Credit.objects.filter(order_id=order.pk)
    ledger.expired_cents = _sum(credits.filter(kind=CreditKind.EXPIRED), "amount_cents")
    ledger.cancelled_cents = _sum(credits.filter(kind=CreditKind.CANCELLED), "amount_cents")
    ledger.credited_cents = ledger.expired_cents + ledger.cancelled_cents

    problems = ledger.problems
    states_total = sum(getattr(ledger, state) for state in PassState.values)
    if states_total != ledger.issued:
        problems.append(f"comptes : somme des états ({states_total}) ≠ pass émis ({ledger.issued})")
    expected = order.passes_count if order.state != OrderState.DRAFT else 0
    if ledger.issued != expected:
        problems.append(f"émission : pass émis ({ledger.issued}) ≠ carnets × pass par carnet ({expected})")
    money = ledger.redeemed_cents + ledger.credited_cents + ledger.outstanding_cents
    if ledger.issued_cents != money:
        problems.append(
            f"montants : émis ({ledger.issued_cents}) ≠ utilisés ({ledger.redeemed_cents}) + recrédités "
            f"({ledger.credited_cents}) + en circulation ({ledger.outstanding_cents})"
        )
    if ledger.redeemed_cents != ledger.owed_cents + ledger.claimed_cents + ledger.paid_cents:
        problems.append(
            f"remboursements : utilisés ({ledger.redeemed_cents}) ≠ dus ({ledger.owed_cents}) + demandés "
            f"({ledger.claimed_cents}) + payés ({ledger.paid_cents})"
        )
    count_checks = [
        ("utilisations", redemptions.count(), ledger.redeemed, "pass utilisés"),
        ("crédits d'expiration", credits.filter(kind=CreditKind.EXPIRED).count(), ledger.expired, "pass expirés"),
        ("crédits d'annulation", credits.filter(kind=CreditKind.CANCELLED).count(), ledger.cancelled, "pass annulés"),
    ]
    for name, records, states, label in count_checks:
        if records != states:
            problems.append(f"{name} ({records}) ≠ {label} ({states})")
    events = PassEvent.objects.filter(order_id=order.pk)
    event_rows = {
        row["kind"]: row
        for row in events.values("kind").annotate(count=Count("pk"), cents=Sum("amount_cents")).order_by("kind")
    }

    def event(kind, key):
        return event_rows.get(kind, {}).get(key) or 0

    event_checks = [
        ("événements d'émission", event(PassEventKind.ISSUED, "count"), ledger.issued, "pass émis"),
        ("montant des événements d'émission", event(PassEventKind.ISSUED, "cents"), ledger.issued_cents, "émis"),
        ("événements d'utilisation", event(PassEventKind.REDEEMED, "count"), ledger.redeemed, "pass utilisés"),
        (
            "montant des événements d'utilisation",
            event(PassEventKind.REDEEMED, "cents"),
            ledger.redeemed_cents,
            "utilisations",
        ),
        (
            "montant des événements d'expiration et d'annulation",
            event(PassEventKind.EXPIRED, "cents") + event(PassEventKind.CANCELLED, "cents"),
            ledger.credited_cents,
            "crédits",
        ),
    ]
    for name, found, wanted, label in event_checks:
        if found != wanted:
            problems.append(f"{name} ({found}) ≠ {label} ({wanted})")
    return ledger


def check_all(orders=None):
    """``(order, ledger)`` of every order (or those given) whose ledger does not reconcile."""
    broken = []
    for order in orders if orders is not None else Order.objects.order_by("pk").iterator():
        ledger = compute(order)
        if not ledger.reconciled:
            broken.append((order, ledger))
    return broken
