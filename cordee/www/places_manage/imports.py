"""Pages to import a places file: the form, the list of one's imports, the progress of one import.

The import itself runs in the background (cordee.aggregation.importing.uploads and cordee.aggregation.tasks).
The progress page polls with HTMX; without JavaScript it offers a link to update it (an automatic reload
on a timer would disturb keyboard and screen reader users, WCAG 2.2.1).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport
from cordee.places import perms
from cordee.www.accounts.forms import DsfrFormMixin
from cordee.www.tasks import task_page, task_result
from cordee.www.uploads import limit_uploads

LIST_SIZE = 50


NEW_SOURCE = ""


class ImportForm(DsfrFormMixin, forms.Form):
    file = forms.FileField(
        label="Fichier de lieux",
        help_text="Au standard des lieux de médiation numérique : CSV, JSON ou GeoJSON, éventuellement compressé "
        "(.gz). 20 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.geojson,.gz"}),
    )
    source = forms.ChoiceField(
        label="Source",
        required=False,
        help_text="Les imports successifs d'une même source mettent à jour ses lieux. Choisissez-la, ou créez-en "
        "une nouvelle ci-dessous.",
    )
    new_source = forms.CharField(
        label="Nom de la nouvelle source",
        max_length=100,
        required=False,
        help_text="Seulement pour une nouvelle source, en toutes lettres, par exemple « Hub du Sud ».",
    )

    attach_identical = forms.BooleanField(
        label="Rattacher les lieux identiques",
        required=False,
        help_text="Une ligne identique à un lieu déjà présent sous une autre source ou un autre identifiant "
        "(même nom, adresse et commune) met ce lieu à jour au lieu d'en créer un double.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(NEW_SOURCE, "Nouvelle source (nom ci-dessous)")] + [
            (name, name) for name in uploads.known_sources()
        ]
        if self.is_bound:
            # A browser never keeps a chosen file after the page comes back with errors: say so.
            self.fields["file"].help_text = (
                "Choisissez à nouveau le fichier : le navigateur ne le garde pas quand le formulaire revient "
                "avec une erreur. " + self.fields["file"].help_text
            )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if errors := uploads.file_errors(uploaded):
            raise forms.ValidationError(errors)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        source, label = cleaned.get("source") or NEW_SOURCE, (cleaned.get("new_source") or "").strip()
        if source != NEW_SOURCE and label:
            self.add_error("new_source", "Choisissez une source existante ou nommez-en une nouvelle, pas les deux.")
        elif source == NEW_SOURCE and not label:
            self.add_error("new_source", "Donnez le nom de la nouvelle source, ou choisissez une source existante.")
        elif source == NEW_SOURCE:
            slug = uploads.source_slug(label)
            if errors := uploads.source_name_errors(slug):
                self.add_error("new_source", errors)
            cleaned["source_name"] = slug
        else:
            cleaned["source_name"] = source
        return cleaned


def _require_importer(user):
    if not perms.can_import_places(user):
        raise PermissionDenied("Seuls les coordinateurs et les administrateurs nationaux importent des lieux.")


def _visible_import(request, pk) -> PlaceImport:
    """403 for people who never import (unless it is their own import), 404 for an import out of sight."""
    place_import = get_object_or_404(PlaceImport.objects.select_related("requested_by"), pk=pk)
    if perms.can_view_import(request.user, place_import):
        return place_import
    _require_importer(request.user)
    raise Http404("Import introuvable.")


@csrf_exempt  # only to set the upload limit before the body is read; the inner view checks CSRF
@require_http_methods(["GET", "POST"])
def import_create(request):
    limit_uploads(request, uploads.MAX_FILE_SIZE)
    return _import_create(request)


@csrf_protect
def _import_create(request):
    _require_importer(request.user)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", "Le fichier dépasse la taille maximale de 20 Mo : il n'a pas été reçu.")
    elif posted and form.is_valid():
        try:
            place_import = uploads.start_import(
                request.user,
                form.cleaned_data["file"],
                form.cleaned_data["source_name"],
                attach_identical=form.cleaned_data["attach_identical"],
            )
        except uploads.ImportRefused as refused:
            for field, message in refused.errors.items():
                form.add_error("new_source" if field == "source_name" else field, message)
        else:
            return redirect("www:places_manage:import_detail", pk=place_import.pk)
    return render(request, "www/places/manage/imports/import_form.html", {"form": form})


@require_GET
def import_list(request):
    _require_importer(request.user)
    place_imports = perms.visible_imports(request.user, PlaceImport.objects.select_related("requested_by"))[:LIST_SIZE]
    return render(request, "www/places/manage/imports/import_list.html", {"place_imports": place_imports})


@require_GET
def import_detail(request, pk):
    place_import = _visible_import(request, pk)
    return task_page(
        request,
        place_import,
        page_template="www/places/manage/imports/import_detail.html",
        status_template="www/places/manage/imports/_status.html",
        context={"place_import": place_import, "issues": uploads.first_issues(place_import)},
    )


@require_GET
def import_report(request, pk):
    place_import = _visible_import(request, pk)
    return task_result(place_import, f"rapport-import-{place_import.pk}.csv")
