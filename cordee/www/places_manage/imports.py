"""Pages to import a places file: the form, the list of one's imports, the progress of one import.

The import itself runs in the background (cordee.aggregation.importing.uploads and cordee.aggregation.tasks).
The progress page polls with HTMX; without JavaScript it offers a link to update it (an automatic reload
on a timer would disturb keyboard and screen reader users, WCAG 2.2.1).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport
from cordee.places import perms
from cordee.www.accounts.forms import DsfrFormMixin

HTMX_STOP_POLLING = 286
LIST_SIZE = 50


class ImportForm(DsfrFormMixin, forms.Form):
    file = forms.FileField(
        label="Fichier de lieux",
        help_text="Au standard des lieux de médiation numérique : CSV, JSON ou GeoJSON, éventuellement compressé "
        "(.gz). 20 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.geojson,.gz"}),
    )
    source_name = forms.CharField(
        label="Nom de la source",
        max_length=100,
        help_text="Lettres sans accents, chiffres et tirets, par exemple « hub-du-sud ». Les imports successifs "
        "d'une même source mettent à jour ses lieux.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if errors := uploads.file_errors(uploaded):
            raise forms.ValidationError(errors)
        return uploaded

    def clean_source_name(self):
        source_name = self.cleaned_data["source_name"].strip()
        if errors := uploads.source_name_errors(source_name):
            raise forms.ValidationError(errors)
        return source_name


def _require_importer(user):
    if not perms.can_import_places(user):
        raise PermissionDenied("Seuls les coordinateurs et les administrateurs nationaux importent des lieux.")


def _visible_import(request, pk) -> PlaceImport:
    place_import = get_object_or_404(PlaceImport.objects.select_related("requested_by"), pk=pk)
    if not perms.can_view_import(request.user, place_import):
        raise PermissionDenied("Vous n'avez pas accès à cet import.")
    return place_import


@require_http_methods(["GET", "POST"])
def import_create(request):
    _require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            place_import = uploads.start_import(
                request.user, form.cleaned_data["file"], form.cleaned_data["source_name"]
            )
        except uploads.ImportRefused as refused:
            for field, messages in refused.message_dict.items():
                for message in messages:
                    form.add_error(field, message)
        else:
            return redirect("www:places_manage:import_detail", pk=place_import.pk)
    return render(request, "www/places/manage/imports/import_form.html", {"form": form})


@require_GET
def import_list(request):
    _require_importer(request.user)
    place_imports = PlaceImport.objects.filter(requested_by=request.user)[:LIST_SIZE]
    return render(request, "www/places/manage/imports/import_list.html", {"place_imports": place_imports})


@require_GET
def import_detail(request, pk):
    place_import = _visible_import(request, pk)
    context = {"place_import": place_import, "issues": uploads.first_issues(place_import)}
    if request.htmx:
        response = render(request, "www/places/manage/imports/_status.html", context)
        if not place_import.is_active:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "www/places/manage/imports/import_detail.html", context)


@require_GET
def import_report(request, pk):
    place_import = _visible_import(request, pk)
    if not place_import.report_csv:
        raise Http404("Cet import n'a pas de rapport.")
    response = HttpResponse(place_import.report_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-import-{place_import.pk}.csv"'
    return response
