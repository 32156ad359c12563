"""The structures that hand passes out: their stock of books, the distribution form, a book reported lost."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cordee.beneficiaries.perms import visible_beneficiaries
from cordee.core.errors import DomainError
from cordee.diagnostics.perms import visible_diagnostics
from cordee.pass_numerique import perms, services
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Book
from cordee.pass_numerique.pdf import book_label
from cordee.structures.roles import roles_of
from cordee.www.pass_numerique.forms import DistributionForm, show_domain_error


def stock(request):
    """Books held by the person's structures: passes left to hand out, end dates."""
    books = (
        perms.held_books(request.user)
        .select_related("order__funder", "holder")
        .annotate(
            left=Count("passes", filter=Q(passes__state=PassState.ALLOCATED)),
            handed=Count("passes", filter=Q(passes__state=PassState.DISTRIBUTED)),
            used=Count("passes", filter=Q(passes__state=PassState.REDEEMED)),
            cancelled=Count("passes", filter=Q(passes__state=PassState.CANCELLED)),
            expired=Count("passes", filter=Q(passes__state=PassState.EXPIRED)),
        )
        .order_by("order__valid_until", "order_id", "number")
    )
    rows = [{"book": book, "label": book_label(book)} for book in books]
    return render(
        request,
        "www/pass_numerique/stock.html",
        {"rows": rows, "left": sum(row["book"].left for row in rows)},
    )


def distribute(request):
    """Record that a pass was handed to a person: the code, the date, a pseudonymous reference or the followed
    person, optionally their diagnostic. Only members of a structure holding books."""
    user = request.user
    held = perms.held_books(user).select_related("holder").order_by("holder_id").first()
    if held is None:
        raise PermissionDenied("Votre structure ne détient aucun carnet de Pass numérique.")
    holder_ids = roles_of(user).structure_ids()
    form = DistributionForm(
        request.POST or None,
        initial={"distributed_on": services.local_today(held.holder), "code": request.GET.get("code", "")},
        beneficiaries=visible_beneficiaries(user).filter(structure_id__in=holder_ids).order_by("alias", "pk"),
        diagnostics=visible_diagnostics(user).filter(structure_id__in=holder_ids).order_by("-created_at", "-pk")[:200],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                distribution = services.distribute(
                    user,
                    code=data["code"],
                    reference=data["reference"],
                    beneficiary_id=data["beneficiary"].pk if data["beneficiary"] else None,
                    diagnostic_id=data["diagnostic"].pk if data["diagnostic"] else None,
                    distributed_on=data["distributed_on"].isoformat(),
                )
            except DomainError as error:
                show_domain_error(form, error)
                status = error.status
            else:
                messages.success(
                    request, f"Remise enregistrée : le pass {distribution.pass_obj.display_code} peut être utilisé."
                )
                return redirect("www:pass_numerique:distribute")
        else:
            status = 400
    return render(request, "www/pass_numerique/distribute.html", {"form": form}, status=status)


@require_POST
def book_lost(request, pk):
    book = Book.objects.select_related("order").filter(pk=pk).first()
    if book is None or not perms.can_view_book(request.user, book):
        raise Http404
    try:
        count = services.report_book_lost(request.user, book)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Carnet {book_label(book)} déclaré perdu : {count} pass non remis annulé(s).")
    return redirect("www:pass_numerique:book", pk=book.pk)
