"""Orders of the funders and coordinators: draft, edit, confirm, allocate and move books, cancel passes, the
ledger, and the printing of the books. Every rule is in ``cordee.pass_numerique.services``; these views show
its answers. Someone who may not see an order gets a 404, someone who sees it without managing it a 403 on the
actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cordee.core.errors import DomainError
from cordee.pass_numerique import ledger, perms, services
from cordee.pass_numerique.enums import OrderState, PassState
from cordee.pass_numerique.jobs import printing
from cordee.pass_numerique.jobs.models import BookPrint
from cordee.pass_numerique.jobs.tasks import print_books
from cordee.pass_numerique.models import Book, Order
from cordee.pass_numerique.pdf import book_label, book_sheet, render_books
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Structure
from cordee.structures.roles import roles_of
from cordee.territories.models import territories_q
from cordee.www.pass_numerique.forms import (
    AllocateForm,
    CancelForm,
    MoveForm,
    OrderForm,
    show_domain_error,
)
from cordee.www.tasks import task_page, task_result

PAGE_SIZE = 50


def may_order(user) -> bool:
    """Whether to offer "new order": gestionnaires, coordinators and the national admin."""
    roles = roles_of(user)
    return roles.is_national_admin or roles.is_coordinator or bool(roles.structure_ids(MembershipRole.GESTIONNAIRE))


def funders_for(user):
    """The structures the person may pick as funder (the service checks the perimeter afterwards)."""
    roles = roles_of(user)
    if roles.is_national_admin:
        return Structure.objects.order_by("name", "pk")
    condition = Q(pk__in=roles.structure_ids(MembershipRole.GESTIONNAIRE))
    if roles.is_coordinator:
        condition |= Q(territories_q(roles.scopes, "commune__"))
    return Structure.objects.filter(condition).order_by("name", "pk")


def structures_in_perimeter(order):
    """Structures that can receive books: those whose commune lies in the order's perimeter."""
    return Structure.objects.filter(territories_q(order.territory_pairs(), "commune__")).order_by("name", "pk")


def _order(request, pk, *, manage=False, passes=False) -> Order:
    """``manage``: edit and confirm (coordinators of the perimeter included); ``passes``: codes, printing,
    allocation, cancellation (the funder's gestionnaires and the national admin)."""
    order = Order.objects.select_related("funder").filter(pk=pk).first()
    if order is None or not perms.can_view_order(request.user, order):
        raise Http404
    if manage and not perms.can_manage_order(request.user, order):
        raise PermissionDenied("Seuls le financeur et les coordinateurs de son territoire gèrent cette commande.")
    if passes and not perms.can_handle_passes(request.user, order):
        raise PermissionDenied("Seuls les gestionnaires du financeur confient, impriment et annulent ces pass.")
    return order


def orders(request):
    user = request.user
    visible = perms.visible_orders(user).select_related("funder")
    return render(
        request,
        "www/pass_numerique/orders.html",
        {"orders": visible[:PAGE_SIZE], "may_order": may_order(user)},
    )


def order_create(request):
    if not may_order(request.user):
        raise PermissionDenied(
            "Seuls les gestionnaires d'un financeur, les coordinateurs et l'administration commandent des pass."
        )
    form = OrderForm(request.POST or None, funders=funders_for(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.create_order(request.user, form.service_data())
            except DomainError as error:
                show_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, f"Commande {order.number} enregistrée en brouillon.")
                return redirect("www:pass_numerique:order", pk=order.pk)
        else:
            status = 400
    return render(request, "www/pass_numerique/order_form.html", {"form": form, "order": None}, status=status)


def order_edit(request, pk):
    order = _order(request, pk, manage=True)
    if order.state != OrderState.DRAFT:
        messages.error(request, "Une commande confirmée ne change plus.")
        return redirect("www:pass_numerique:order", pk=order.pk)
    funders = funders_for(request.user) | Structure.objects.filter(pk=order.funder_id)
    form = OrderForm(request.POST or None, initial=OrderForm.initial_from(order), funders=funders.distinct())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.service_data()
            data.pop("funder_structure_id")  # the funder of a draft does not change
            try:
                services.update_order(request.user, order, data)
            except DomainError as error:
                show_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Brouillon enregistré.")
                return redirect("www:pass_numerique:order", pk=order.pk)
        else:
            status = 400
    return render(request, "www/pass_numerique/order_form.html", {"form": form, "order": order}, status=status)


def order_detail(request, pk):
    order = _order(request, pk)
    user = request.user
    manages = perms.can_manage_order(user, order)
    handles = perms.can_handle_passes(user, order)
    holder_ids = roles_of(user).structure_ids()
    books = order.books.select_related("holder").annotate(
        left=Count("passes", filter=Q(passes__state=PassState.ALLOCATED)),
        handed=Count("passes", filter=Q(passes__state=PassState.DISTRIBUTED)),
        used=Count("passes", filter=Q(passes__state=PassState.REDEEMED)),
    )
    if not manages:
        books = books.filter(holder_id__in=holder_ids)
    context = {
        "order": order,
        "manages": manages,
        "handles": handles,
        "holder_ids": holder_ids,
        "books": books.order_by("number"),
        # The ledger (the funder's money) for those who manage the order; a holder sees its books and counts.
        "ledger": ledger.compute(order) if manages and order.state != OrderState.DRAFT else None,
        "places": services.allowed_places(order).order_by("name", "pk")[:20] if manages else [],
        "last_print": order.prints.order_by("-created_at", "-pk").first() if handles else None,
    }
    if handles and order.state == OrderState.CONFIRMED:
        structures = structures_in_perimeter(order)
        context.update(
            allocate_form=AllocateForm(structures=structures),
            move_form=MoveForm(structures=structures),
            cancel_form=CancelForm(),
            in_stock=order.books.filter(holder__isnull=True, lost_at__isnull=True, passes__state=PassState.IN_STOCK)
            .distinct()
            .count(),
        )
    return render(request, "www/pass_numerique/order_detail.html", context)


def _done(request, order, message):
    messages.success(request, message)
    return redirect("www:pass_numerique:order", pk=order.pk)


def _refused(request, order, error):
    messages.error(request, error.message)
    return redirect("www:pass_numerique:order", pk=order.pk)


@require_POST
def order_confirm(request, pk):
    order = _order(request, pk, manage=True)
    try:
        services.confirm_order(request.user, order)
    except DomainError as error:
        return _refused(request, order, error)
    return _done(
        request, order, f"Commande confirmée : {order.passes_count} pass émis en {order.books_count} carnets."
    )


@require_POST
def order_close(request, pk):
    order = _order(request, pk, manage=True)
    try:
        services.close_order(request.user, order)
    except DomainError as error:
        return _refused(request, order, error)
    return _done(request, order, "Commande close. Les pass utilisés restent dus sur les relevés.")


@require_POST
def order_delete(request, pk):
    order = _order(request, pk, manage=True)
    try:
        services.delete_order(request.user, order)
    except DomainError as error:
        return _refused(request, order, error)
    messages.success(request, "Brouillon supprimé.")
    return redirect("www:pass_numerique:orders")


@require_POST
def order_allocate(request, pk):
    order = _order(request, pk, passes=True)
    form = AllocateForm(request.POST, structures=structures_in_perimeter(order))
    if not form.is_valid():
        messages.error(request, "Choisissez une structure du périmètre et un nombre de carnets.")
        return redirect("www:pass_numerique:order", pk=order.pk)
    try:
        books = services.allocate_books(
            request.user, order, form.cleaned_data["structure"].pk, form.cleaned_data["count"]
        )
    except DomainError as error:
        return _refused(request, order, error)
    return _done(request, order, f"{len(books)} carnet(s) confié(s) à {form.cleaned_data['structure'].name}.")


@require_POST
def book_move(request, pk):
    book = Book.objects.select_related("order__funder").filter(pk=pk).first()
    if book is None or not perms.can_view_book(request.user, book):
        raise Http404
    order = _order(request, book.order_id, passes=True)
    form = MoveForm(request.POST, structures=structures_in_perimeter(order))
    if not form.is_valid():
        messages.error(request, "Choisissez une structure du périmètre.")
        return redirect("www:pass_numerique:order", pk=order.pk)
    try:
        services.move_book(request.user, book, form.cleaned_data["structure"].pk)
    except DomainError as error:
        return _refused(request, order, error)
    return _done(request, order, f"Carnet {book_label(book)} confié à {form.cleaned_data['structure'].name}.")


@require_POST
def order_cancel(request, pk):
    order = _order(request, pk, passes=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez les codes des pass à annuler.")
        return redirect("www:pass_numerique:order", pk=order.pk)
    try:
        count = services.cancel_passes(request.user, order, codes_list=form.code_list())
    except DomainError as error:
        return _refused(request, order, error)
    return _done(request, order, f"{count} pass annulé(s) : leur valeur est recréditée au financeur.")


# --- Books and printing ---------------------------------------------------------------------------------------


def _book(request, pk) -> Book:
    book = Book.objects.select_related("order__funder", "holder").filter(pk=pk).first()
    if book is None or not perms.can_view_book(request.user, book):
        raise Http404
    return book


def book_detail(request, pk):
    book = _book(request, pk)
    return render(
        request,
        "www/pass_numerique/book_detail.html",
        {
            "book": book,
            "label": book_label(book),
            "passes": book.passes.select_related("distribution", "redemption").order_by("position"),
            "manages": perms.can_handle_passes(request.user, book.order),
            "may_report_lost": perms.can_report_lost(request.user, book) and book.lost_at is None,
        },
    )


def book_pdf(request, pk):
    book = _book(request, pk)
    if book.order.state == OrderState.DRAFT:
        raise Http404
    response = HttpResponse(render_books([book_sheet(book)]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="carnet-{book_label(book)}.pdf"'
    return response


@require_POST
def print_request(request, pk):
    order = _order(request, pk, passes=True)
    if order.state != OrderState.CONFIRMED:
        messages.error(request, "Seuls les carnets d'une commande confirmée s'impriment.")
        return redirect("www:pass_numerique:order", pk=order.pk)
    job = printing.request_print(request.user, order)
    transaction.on_commit(lambda: print_books(job.pk))
    return redirect("www:pass_numerique:print", pk=order.pk, job=job.pk)


def _job(request, pk, job) -> BookPrint:
    order = _order(request, pk, passes=True)
    found = BookPrint.objects.filter(pk=job, order=order).select_related("order").first()
    if found is None:
        raise Http404
    return found


def print_page(request, pk, job):
    task = _job(request, pk, job)
    url = reverse("www:pass_numerique:print", kwargs={"pk": pk, "job": job})
    return task_page(
        request,
        task,
        page_template="www/pass_numerique/print.html",
        status_template="www/pass_numerique/_print_status.html",
        context={"order": task.order, "poll_url": url, "refresh_url": url},
    )


def print_file(request, pk, job):
    task = _job(request, pk, job)
    return task_result(task, f"carnets-{task.order.number}.zip", content_type="application/zip")
