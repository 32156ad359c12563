"""Legal and trust pages: mentions légales, données personnelles, déclaration d'accessibilité. Public."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from cordee.www.legal import content


def _render(request, template, **extra):
    return render(
        request,
        template,
        {"operator": content.operator(), "statement_date": content.STATEMENT_DATE, **extra},
    )


@login_not_required
def legal_notice(request):
    return _render(request, "www/legal/legal_notice.html")


@login_not_required
def personal_data(request):
    return _render(request, "www/legal/personal_data.html", processings=content.PROCESSINGS)


@login_not_required
def accessibility(request):
    return _render(request, "www/legal/accessibility.html", journeys=content.TESTED_JOURNEYS)
