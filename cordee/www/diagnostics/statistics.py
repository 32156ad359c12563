"""Statistics of diagnostics per structure and territory, and the national admin's référentiel page."""

import csv

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cordee.core.errors import DomainError
from cordee.core.ids import as_id
from cordee.diagnostics import perms, services
from cordee.diagnostics import statistics as figures
from cordee.diagnostics.enums import VersionState
from cordee.diagnostics.models import DiagnosticVersion
from cordee.territories.models import Departement
from cordee.www.accounts.forms import DsfrFormMixin
from cordee.www.diagnostics import charts

PROFILE_COLOURS = ["#18753c", "#6a6af4", "#b34000", "#ce0500"]


class StatisticsFilterForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None, required=False, empty_label="Toutes")
    departement = forms.ModelChoiceField(label="Département", queryset=None, required=False, empty_label="Tous")

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures.order_by("name")
        self.fields["departement"].queryset = Departement.objects.filter(
            pk__in=structures.values("commune__departement_id")
        ).order_by("code")


def _selection(request):
    if not perms.can_view_statistics(request.user):
        raise Http404("Page réservée aux structures, aux coordinateurs et à l'administration nationale.")
    structures = perms.statistics_structures(request.user)
    form = StatisticsFilterForm(request.GET or None, structures=structures)
    selected = structures
    if form.is_valid():
        if form.cleaned_data.get("structure"):
            selected = selected.filter(pk=form.cleaned_data["structure"].pk)
        if form.cleaned_data.get("departement"):
            selected = selected.filter(commune__departement=form.cleaned_data["departement"])
    summary = figures.summarise(figures.for_structures(selected), services.current_version())
    return form, summary


def overview(request):
    form, summary = _selection(request)
    profile_chart = charts.grouped_bars(
        [(label, [count]) for _code, label, count in summary.profiles], max(summary.total, 1), PROFILE_COLOURS
    )
    area_chart = charts.grouped_bars([(area.label, [area.average]) for area in summary.areas], 3, ["#000091"])
    return render(
        request,
        "www/diagnostics/statistics.html",
        {
            "form": form,
            "summary": summary,
            "profile_chart": profile_chart,
            "area_chart": area_chart,
            "csv_query": request.GET.urlencode(),
        },
    )


def overview_csv(request):
    _form, summary = _selection(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="diagnostics-statistiques.csv"'
    writer = csv.writer(response)
    writer.writerow(["indicateur", "code", "libellé", "valeur"])
    writer.writerow(["diagnostics", "", "Diagnostics faits", summary.total])
    for code, label, count in summary.profiles:
        writer.writerow(["profil", code, label, count])
    for area in summary.areas:
        writer.writerow(["niveau_moyen", area.code, area.label, "" if area.average is None else area.average])
    return response


class DraftForm(DsfrFormMixin, forms.Form):
    code = forms.SlugField(label="Nom de la nouvelle version", max_length=20, help_text="Par exemple 2026-2.")


def referentiel(request):
    """Versions of the questionnaire: copy the published one into a draft, edit the draft's texts, publish."""
    if not perms.can_edit_referentiel(request.user):
        raise Http404("Page réservée à l'administration nationale.")
    draft_form = DraftForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draft":
                draft_form = DraftForm(request.POST)
                if draft_form.is_valid():
                    services.new_draft(request.user, services.current_version(), draft_form.cleaned_data["code"])
                    messages.success(request, "Le brouillon est créé : modifiez ses questions, puis publiez-le.")
                    return redirect("www:diagnostics:referentiel")
            elif action in ("save", "publish"):
                draft = DiagnosticVersion.objects.get(
                    pk=as_id(request.POST.get("version")) or 0, state=VersionState.DRAFT
                )
                for question in draft.questions.all():
                    text = request.POST.get(f"text_{question.pk}", "").strip()
                    if text and text != question.text:
                        question.text = text[:255]
                        question.save(update_fields=["text"])
                if action == "publish":
                    services.publish(request.user, draft)
                    messages.success(request, f"La version {draft.code} est publiée.")
                else:
                    messages.success(request, "Le brouillon est enregistré.")
                return redirect("www:diagnostics:referentiel")
        except DiagnosticVersion.DoesNotExist as error:
            raise Http404("Brouillon introuvable.") from error
        except DomainError as error:
            messages.error(request, error.message)
    versions = DiagnosticVersion.objects.prefetch_related("questions").order_by("-created_at", "-pk")
    return render(request, "www/diagnostics/referentiel.html", {"versions": versions, "draft_form": draft_form})
