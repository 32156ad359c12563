"""Lifecycles of orders (draft → confirmed → closed) and of reimbursement claims.

Claims: submitted → approved → paid (with a payment reference) | submitted or approved → rejected (with a
reason) → submitted again when the claiming structure answers the reason and sends it back (its passes stay
on it). The effects that issue passes or write the payment reference live in ``services``.
"""

from cordee.core.errors import Conflict
from cordee.core.workflow import Transition, Workflow
from cordee.journal.services import record
from cordee.pass_numerique import perms
from cordee.pass_numerique.enums import OrderState, StatementState
from cordee.pass_numerique.models import (
    OUTSTANDING_STATES,
    Order,
    OrderTransition,
    Statement,
    StatementTransition,
)


def nothing_outstanding(order, actor):
    if order.passes.filter(state__in=OUTSTANDING_STATES).exists():
        raise Conflict(
            "Des pass de cette commande peuvent encore être utilisés : la commande sera close après leur expiration.",
            reason="passes_outstanding",
        )


def clear_decision(statement, actor):
    """A claim sent back is decided afresh: the previous refusal stays in the transition log only."""
    Statement.objects.filter(pk=statement.pk).update(rejection_reason="", decided_at=None)


ORDER = Workflow(
    model=Order,
    field="state",
    states=OrderState,
    log_model=OrderTransition,
    log_object_field="order",
    journal_prefix="pass_numerique.order",
    journal=record,
    transitions=[
        Transition(
            "confirm", {OrderState.DRAFT}, OrderState.CONFIRMED, "Confirmer", permission=perms.can_manage_order
        ),
        Transition(
            "close",
            {OrderState.CONFIRMED},
            OrderState.CLOSED,
            "Clore",
            permission=perms.can_manage_order,
            guards=[nothing_outstanding],
        ),
    ],
)

STATEMENT = Workflow(
    model=Statement,
    field="state",
    states=StatementState,
    log_model=StatementTransition,
    log_object_field="statement",
    journal_prefix="pass_numerique.statement",
    journal=record,
    transitions=[
        Transition(
            "approve",
            {StatementState.SUBMITTED},
            StatementState.APPROVED,
            "Approuver",
            permission=perms.can_decide_statement,
        ),
        Transition(
            "pay", {StatementState.APPROVED}, StatementState.PAID, "Payé", permission=perms.can_decide_statement
        ),
        Transition(
            "reject",
            {StatementState.SUBMITTED, StatementState.APPROVED},
            StatementState.REJECTED,
            "Refuser",
            permission=perms.can_decide_statement,
            requires_reason=True,
        ),
        Transition(
            "resubmit",
            {StatementState.REJECTED},
            StatementState.SUBMITTED,
            "Renvoyer",
            permission=perms.can_resubmit_statement,
            requires_reason=True,
            denied_message="Seuls les gestionnaires de la structure remboursée renvoient un relevé refusé.",
            effects=[clear_decision],
        ),
    ],
)
