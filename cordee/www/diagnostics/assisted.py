"""Assisted diagnostics: a professional runs the diagnostic with a pseudonymous person of their structure."""

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cordee.activities import perms as activity_perms
from cordee.beneficiaries import perms as beneficiary_perms
from cordee.beneficiaries import services as beneficiary_services
from cordee.core.errors import DomainError
from cordee.core.ratelimit import RateLimited
from cordee.diagnostics import perms, services
from cordee.structures.models import Structure
from cordee.www.activities.timeline import timeline
from cordee.www.diagnostics import charts
from cordee.www.diagnostics.forms import AssistedDiagnosticForm, BeneficiaryForm, ShortCodeForm
from cordee.www.diagnostics.presentation import answer_label, result_context, stored_result

SERIES_COLOURS = ["#6a6af4", "#000091", "#18753c", "#b34000"]


def _require_follower(user):
    if not perms.can_run_assisted(user):
        raise Http404("Page réservée aux professionnels d'une structure.")


def _beneficiary_or_404(user, pk):
    return get_object_or_404(
        beneficiary_perms.visible_beneficiaries(user).select_related("structure", "commune"), pk=pk
    )


def index(request):
    _require_follower(request.user)
    people = (
        beneficiary_perms.visible_beneficiaries(request.user)
        .select_related("structure")
        .annotate(diagnostic_count=Count("diagnostics"), last_diagnostic=Max("diagnostics__created_at"))
        .order_by("-last_diagnostic", "alias", "pk")
    )
    return render(request, "www/diagnostics/index.html", {"people": people})


def beneficiary_create(request):
    _require_follower(request.user)
    structures = Structure.objects.filter(pk__in=beneficiary_perms.following_structure_ids(request.user))
    form = BeneficiaryForm(request.POST or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            beneficiary = beneficiary_services.create_beneficiary(
                request.user,
                data["structure"],
                alias=data["alias"],
                consent=data["consent"],
                birth_year=data["birth_year"],
                commune=data["commune"],
                gender=data["gender"],
                status=data["status"],
            )
        except DomainError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("www:diagnostics:create", pk=beneficiary.pk)
    return render(request, "www/diagnostics/beneficiary_form.html", {"form": form})


def _progress(diagnostics):
    """Levels per area across the person's diagnostics (oldest first): a chart and its table."""
    ordered = sorted(diagnostics, key=lambda d: (d.created_at, d.pk))
    if len(ordered) < 2:
        return None
    latest_areas = list(ordered[-1].version.areas.all())
    rows = [(area.label, [d.levels.get(area.code) for d in ordered]) for area in latest_areas]
    chart = charts.grouped_bars(rows, 3, SERIES_COLOURS)
    return {
        "dates": [d.created_at for d in ordered],
        "legend": [(d.created_at, SERIES_COLOURS[i % len(SERIES_COLOURS)]) for i, d in enumerate(ordered)],
        "rows": [
            (label, values, (values[-1] - values[0]) if None not in (values[0], values[-1]) else None)
            for label, values in rows
        ],
        "chart": chart,
    }


def beneficiary_detail(request, pk):
    beneficiary = _beneficiary_or_404(request.user, pk)
    diagnostics = list(beneficiary.diagnostics.select_related("version", "created_by").order_by("-created_at", "-pk"))
    return render(
        request,
        "www/diagnostics/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "diagnostics": diagnostics,
            "progress": _progress(diagnostics),
            "import_form": ShortCodeForm(),
            "timeline": timeline(request.user, beneficiary),
            "can_report": activity_perms.can_record(request.user, beneficiary.structure),
        },
    )


def diagnostic_create(request, pk):
    beneficiary = _beneficiary_or_404(request.user, pk)
    if beneficiary.is_anonymised:
        raise Http404("Personne anonymisée.")
    version = services.current_version()
    questions = services.questions_of(version)
    form = AssistedDiagnosticForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            diagnostic = services.save_assisted(
                request.user, beneficiary, form.answers(), version=version, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
            for code, message in error.errors.items():
                name = f"q_{code}"
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "Le diagnostic est enregistré.")
            return redirect("www:diagnostics:detail", pk=diagnostic.pk)
    return render(
        request,
        "www/diagnostics/assisted_form.html",
        {"beneficiary": beneficiary, "form": form, "version": version},
    )


@require_POST
def diagnostic_import(request, pk):
    beneficiary = _beneficiary_or_404(request.user, pk)
    form = ShortCodeForm(request.POST)
    status, retry_after = 400, None
    if form.is_valid():
        try:
            diagnostic = services.import_by_short_code(request.user, form.cleaned_data["code"], beneficiary)
        except RateLimited as error:
            form.add_error("code", error.message)
            status, retry_after = error.status, error.retry_after
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, "Le diagnostic fait par la personne est rattaché à son suivi.")
            return redirect("www:diagnostics:detail", pk=diagnostic.pk)
    diagnostics = list(beneficiary.diagnostics.select_related("version", "created_by").order_by("-created_at", "-pk"))
    context = {
        "beneficiary": beneficiary,
        "diagnostics": diagnostics,
        "progress": _progress(diagnostics),
        "import_form": form,
        "timeline": timeline(request.user, beneficiary),
        "can_report": activity_perms.can_record(request.user, beneficiary.structure),
    }
    response = render(request, "www/diagnostics/beneficiary_detail.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def beneficiary_anonymise(request, pk):
    beneficiary = _beneficiary_or_404(request.user, pk)
    if request.method == "POST" and not beneficiary.is_anonymised:
        beneficiary_services.anonymise(request.user, beneficiary)
        messages.success(request, "La personne est anonymisée. Les chiffres sont gardés, sans rien qui l'identifie.")
        return redirect("www:diagnostics:beneficiary", pk=beneficiary.pk)
    return render(request, "www/diagnostics/anonymise.html", {"beneficiary": beneficiary})


def diagnostic_detail(request, pk):
    diagnostic = get_object_or_404(
        perms.visible_diagnostics(request.user).select_related("version", "beneficiary", "structure", "created_by"),
        pk=pk,
    )
    context = result_context(diagnostic.version, diagnostic.answers, stored_result(diagnostic))
    questions = services.questions_of(diagnostic.version)
    context.update(
        {
            "diagnostic": diagnostic,
            "answered": [
                (q, answer_label(diagnostic.answers[q.code]) if q.code in diagnostic.answers else "Sans réponse")
                for q in questions
            ],
            "can_report": diagnostic.structure is not None
            and activity_perms.can_record(request.user, diagnostic.structure),
        }
    )
    return render(request, "www/diagnostics/detail.html", context)
