"""The beneficiary file of a structure: list with search and sort, duplicates and merge, bulk anonymisation,
CSV/XLSX export. Only the members of the structure that follows the people see them (``beneficiaries.perms``);
every other account gets a 404. Works without JavaScript: plain GET filters and POST forms."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cordee.activities.beneficiary_file import DEFAULT_SORT, SORTS, sorted_file, with_accompaniments
from cordee.beneficiaries import anonymisation, merging, perms, services
from cordee.beneficiaries.duplicates import find_duplicates
from cordee.beneficiaries.models import Beneficiary
from cordee.core import tabular
from cordee.core.errors import DomainError
from cordee.core.ids import as_id
from cordee.structures.models import Structure
from cordee.structures.roles import roles_of
from cordee.www.beneficiaries.forms import BeneficiaryEditForm, FileFilterForm, MergeForm

PAGE_SIZE = 50
EXPORT_HEADER = [
    "numéro",
    "pseudonyme",
    "année de naissance",
    "commune",
    "genre",
    "situation",
    "consentement le",
    "créée le",
    "accompagnements",
    "dernier accompagnement",
    "anonymisée le",
]


def _structures(user):
    structures = Structure.objects.filter(pk__in=perms.following_structure_ids(user)).order_by("name", "pk")
    if not structures:
        raise Http404("Page réservée aux membres d'une structure qui suit des personnes.")
    return structures


def _structure(request, structures, data):
    wanted = data.get("structure") or roles_of(request.user).acting_structure_id
    chosen = next((s for s in structures if str(s.pk) == str(wanted)), None)
    if data.get("structure") and chosen is None:
        raise Http404("Structure introuvable, ou vous n'y suivez pas de personnes.")
    return chosen or structures[0]


def _file(request):
    """(form, structure, queryset) of the list and the exports: one set of GET parameters for both."""
    structures = _structures(request.user)
    structure = _structure(request, structures, request.GET)
    data = request.GET.copy()
    data["structure"] = structure.pk  # the structure shown, also when the page chose it
    form = FileFilterForm(data, structures=structures)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    people = Beneficiary.objects.filter(structure=structure).select_related("commune")
    if not data.get("anonymisees"):
        people = people.filter(anonymised_at__isnull=True)
    query = (data.get("q") or "").strip()
    if query:
        number = query.removeprefix("n°").strip()
        key = as_id(number)
        people = people.filter(pk=key) if key else people.filter(alias__icontains=query)
    sort = data.get("tri") or DEFAULT_SORT
    return form, structure, sorted_file(with_accompaniments(people), sort if sort in SORTS else DEFAULT_SORT)


@require_GET
def index(request):
    form, structure, people = _file(request)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params["structure"] = structure.pk
    return render(
        request,
        "www/beneficiaries/index.html",
        {
            "form": form,
            "structure": structure,
            "page": page,
            "query": params.urlencode(),
            "several_structures": len(form.fields["structure"].queryset) > 1,
        },
    )


def _export_rows(people):
    for person in people.iterator(chunk_size=2000):
        yield [
            person.pk,
            person.alias,
            person.birth_year,
            person.commune.name if person.commune_id else "",
            person.get_gender_display(),
            person.get_status_display(),
            timezone.localtime(person.consent_at).date() if person.consent_at else None,
            timezone.localtime(person.created_at).date(),
            person.accompaniments,
            person.last_accompaniment,
            timezone.localtime(person.anonymised_at).date() if person.anonymised_at else None,
        ]


@require_GET
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu : csv ou xlsx.")
    _form, structure, people = _file(request)
    name = f"personnes-suivies-{structure.pk}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            tabular.csv_lines(EXPORT_HEADER, _export_rows(people), flush_size=tabular.FLUSH_SIZE),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        tabular.write_xlsx(response, EXPORT_HEADER, _export_rows(people), sheet_name="Personnes suivies")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def duplicates(request):
    structures = _structures(request.user)
    structure = _structure(request, structures, request.GET)
    groups = find_duplicates(Beneficiary.objects.filter(structure=structure))
    counted = {
        person.pk: person
        for person in with_accompaniments(
            Beneficiary.objects.filter(pk__in=[p.pk for group in groups for p in group])
        ).order_by("pk")
    }
    return render(
        request,
        "www/beneficiaries/duplicates.html",
        {
            "structure": structure,
            "groups": [[counted[p.pk] for p in group] for group in groups],
            "several_structures": len(structures) > 1,
            "structures": structures,
        },
    )


@require_POST
def merge(request):
    structures = _structures(request.user)
    form = MergeForm(request.POST)
    back = reverse("www:beneficiaries:duplicates")
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(back)
    visible = perms.visible_beneficiaries(request.user).filter(structure__in=structures)
    people = {person.pk: person for person in visible.filter(pk__in=form.cleaned_data["members"]).order_by("pk")}
    if len(people) != len(set(form.cleaned_data["members"])):
        raise Http404("Personne introuvable, ou vous ne la suivez pas.")
    kept = people.pop(form.cleaned_data["kept"])
    try:
        for dropped in people.values():
            merging.merge(request.user, kept, dropped)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Fiches fusionnées : {len(people) + 1} fiches n'en font plus qu'une, {kept.alias}.")
    return redirect(f"{back}?structure={kept.structure_id}")


@require_POST
def anonymise(request):
    _structures(request.user)
    ids = [key for key in map(as_id, request.POST.getlist("personnes")) if key]
    people = list(perms.visible_beneficiaries(request.user).filter(pk__in=ids).order_by("alias", "pk"))
    if len(people) != len(set(ids)):
        raise Http404("Personne introuvable, ou vous ne la suivez pas.")
    back = reverse("www:beneficiaries:index")
    if not people:
        messages.error(request, "Cochez au moins une personne à anonymiser.")
        return redirect(back)
    if request.POST.get("confirmer") != "oui":
        return render(request, "www/beneficiaries/anonymise_confirm.html", {"people": people})
    try:
        done = anonymisation.anonymise_many(request.user, [person.pk for person in people])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{done} personne(s) anonymisée(s). Leurs accompagnements restent comptés.")
    return redirect(f"{back}?structure={people[0].structure_id}")


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Change a followed person's gender and status (the rest is set at creation)."""
    beneficiary = get_object_or_404(perms.visible_beneficiaries(request.user).select_related("structure"), pk=pk)
    if beneficiary.is_anonymised:
        raise Http404("Personne anonymisée.")
    initial = {"gender": beneficiary.gender, "status": beneficiary.status}
    form = BeneficiaryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_beneficiary(request.user, beneficiary, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, "Les informations de la personne sont enregistrées.")
            return redirect("www:diagnostics:beneficiary", pk=beneficiary.pk)
    return render(
        request,
        "www/beneficiaries/edit.html",
        {"beneficiary": beneficiary, "form": form},
        status=400 if form.errors else 200,
    )
