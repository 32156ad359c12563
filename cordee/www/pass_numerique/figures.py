"""Statistics of the Pass numérique for the funders and coordinators: the orders they manage."""

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render

from cordee.core.tabular import csv_lines
from cordee.pass_numerique import perms, stats
from cordee.pass_numerique.enums import OrderState
from cordee.www.pass_numerique.charts import bar_chart
from cordee.www.pass_numerique.orders import may_order


def managed_orders(user):
    """The confirmed or closed orders the person manages (funder's gestionnaires, coordinators, admin)."""
    candidates = perms.visible_orders(user).exclude(state=OrderState.DRAFT).select_related("funder")
    return [order for order in candidates if perms.can_manage_order(user, order)]


def _report(request):
    if not may_order(request.user):
        raise PermissionDenied(
            "Les statistiques du Pass numérique sont réservées aux financeurs et aux coordinateurs."
        )
    return stats.report(managed_orders(request.user))


def statistics(request):
    report = _report(request)
    chart = bar_chart(
        [(row.label, [row.issued, row.distributed, row.redeemed, row.expired]) for row in report.orders],
        ["Émis", "Remis", "Utilisés", "Expirés"],
        title="Pass par commande",
    )
    return render(request, "www/pass_numerique/statistics.html", {"report": report, "chart": chart})


def statistics_csv(request):
    report = _report(request)
    response = StreamingHttpResponse(
        csv_lines(stats.CSV_HEADER, stats.csv_rows(report)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="pass-numerique-statistiques.csv"'
    return response
