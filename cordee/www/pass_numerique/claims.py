"""Reimbursement statements (claims): the structure that ran the places and the funder see them; the funder's
gestionnaires (and the national admin) approve, mark paid with the payment reference, or reject with a reason;
the structure's gestionnaires answer a refusal and send the statement back. PDF and CSV of each statement."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cordee.core.errors import DomainError
from cordee.core.tabular import csv_lines
from cordee.pass_numerique import perms, services, statements
from cordee.pass_numerique.enums import StatementState
from cordee.pass_numerique.models import Statement
from cordee.www.pass_numerique.forms import PayForm, RejectForm, ResubmitForm, show_domain_error

PAGE_SIZE = 100


def statement_list(request):
    rows = perms.visible_statements(request.user).select_related("structure", "funder")[:PAGE_SIZE]
    return render(request, "www/pass_numerique/statements.html", {"statements": rows})


def _statement(request, pk) -> Statement:
    statement = Statement.objects.select_related("structure", "funder").filter(pk=pk).first()
    if statement is None or not perms.can_view_statement(request.user, statement):
        raise Http404
    return statement


def statement_detail(request, pk, *, resubmit_form=None, status=200):
    statement = _statement(request, pk)
    decides = perms.can_decide_statement(request.user, statement)
    may_resubmit = statement.state == StatementState.REJECTED and perms.can_resubmit_statement(request.user, statement)
    return render(
        request,
        "www/pass_numerique/statement_detail.html",
        {
            "statement": statement,
            "may_resubmit": may_resubmit,
            "resubmit_form": resubmit_form or ResubmitForm(),
            "lines": statements.lines(statement),
            "decides": decides,
            "same_hands": statements.same_hands(statement),
            "own_claim": perms.has_decider_role(request.user, statement)
            and perms.is_claimant(request.user, statement),
            "may_approve": decides and statement.state == StatementState.SUBMITTED,
            "may_pay": decides and statement.state == StatementState.APPROVED,
            "may_reject": decides and statement.state in (StatementState.SUBMITTED, StatementState.APPROVED),
            "pay_form": PayForm(),
            "reject_form": RejectForm(),
            "transitions": statement.transitions.order_by("at", "pk"),
        },
        status=status,
    )


@require_POST
def statement_decide(request, pk):
    statement = _statement(request, pk)
    if not perms.has_decider_role(request.user, statement):
        raise PermissionDenied("Seuls les gestionnaires du financeur décident d'un relevé.")
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.approve_statement(request.user, statement)
            messages.success(request, "Relevé approuvé : il reste à le payer.")
        elif action == "pay":
            services.pay_statement(request.user, statement, request.POST.get("payment_reference", ""))
            messages.success(request, "Paiement enregistré.")
        elif action == "reject":
            services.reject_statement(request.user, statement, request.POST.get("reason", ""))
            messages.success(request, "Relevé refusé : la structure voit le motif.")
        else:
            messages.error(request, "Action inconnue.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("www:pass_numerique:statement", pk=statement.pk)


@require_POST
def statement_resubmit(request, pk):
    """The claiming structure answers the refusal and sends the statement back (same passes, same amount)."""
    statement = _statement(request, pk)
    if not perms.can_resubmit_statement(request.user, statement):
        raise PermissionDenied("Seuls les gestionnaires de la structure remboursée renvoient un relevé refusé.")
    form = ResubmitForm(request.POST)
    if form.is_valid():
        try:
            services.resubmit_statement(request.user, statement, form.cleaned_data["answer"])
        except DomainError as error:
            show_domain_error(form, error)
            return statement_detail(request, pk, resubmit_form=form, status=error.status)
        messages.success(request, "Relevé renvoyé au financeur avec votre réponse.")
        return redirect("www:pass_numerique:statement", pk=statement.pk)
    return statement_detail(request, pk, resubmit_form=form, status=400)


def statement_pdf(request, pk):
    statement = _statement(request, pk)
    response = HttpResponse(statements.render_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="releve-pass-numerique-{statement.pk}.pdf"'
    return response


def statement_csv(request, pk):
    statement = _statement(request, pk)
    response = StreamingHttpResponse(
        csv_lines(statements.CSV_HEADER, statements.csv_rows(statement)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="releve-pass-numerique-{statement.pk}.csv"'
    return response
