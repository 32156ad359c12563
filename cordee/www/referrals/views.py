"""Referral pages: send, follow (inbox, sent, territory), answer, print the sheet; a signed link for places
without an account. Every page works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cordee.activities import perms as activity_perms
from cordee.beneficiaries.perms import following_structure_ids, visible_beneficiaries
from cordee.core import ratelimit
from cordee.core.errors import DomainError
from cordee.core.ids import as_id
from cordee.core.net import rate_limit_key
from cordee.diagnostics.perms import visible_diagnostics
from cordee.places.hours_text import describe
from cordee.places.models import Place
from cordee.referrals import links, notifications, perms, services, suggestions
from cordee.referrals import statistics as referral_statistics
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.referrals.workflow import REFERRAL
from cordee.structures import perms as structure_perms
from cordee.structures.models import Structure
from cordee.www.referrals import charts
from cordee.www.referrals.forms import AppointmentForm, CloseForm, ReferralForm, RefuseForm, SuggestionsForm

PAGE_SIZE = 50
BOXES = {
    "recues": ("Orientations reçues", perms.inbox),
    "envoyees": ("Orientations envoyées", perms.sent_by),
    "territoire": ("Orientations du territoire", perms.territory_referrals),
}


def _related(queryset):
    return queryset.select_related("place", "prescriber_structure", "beneficiary").order_by("-created_at", "-pk")


def index_list(request):
    """(list key, title, referrals) of the list asked for (``liste``, ``etat``), for the page and its CSV."""
    user = request.user
    if perms.inbox(user).exists():
        default = "recues"
    elif perms.can_refer(user):
        default = "envoyees"
    else:
        default = "territoire"
    box = request.GET.get("liste", default)
    if box not in BOXES:
        box = default
    title, queryset = BOXES[box]
    state = request.GET.get("etat", "")
    referrals = queryset(user)
    if state in ReferralState.values:
        referrals = referrals.filter(state=state)
    return box, title, referrals


def index(request):
    user = request.user
    box, title, referrals = index_list(request)
    state = request.GET.get("etat", "")
    return render(
        request,
        "www/referrals/index.html",
        {
            "title": title,
            "box": box,
            "boxes": [(key, label) for key, (label, _) in BOXES.items()],
            "referrals": _related(referrals)[:PAGE_SIZE],
            "states": ReferralState.choices,
            "state": state if state in ReferralState.values else "",
            "personal": box != "territoire",
            "can_refer": perms.can_refer(user),
        },
    )


def suggest(request):
    if not perms.can_refer(request.user):
        raise Http404
    diagnostic = _diagnostic(request)
    data = request.GET.copy() if request.GET else None
    if diagnostic is not None and not request.GET.getlist("services"):
        # From a diagnostic's result: its recommended services, and the person's commune when known.
        data.setlist("services", list(diagnostic.recommended_services))
        commune = diagnostic.beneficiary.commune if diagnostic.beneficiary else None
        if commune is not None and not data.get("commune"):
            data["commune"] = commune.code_insee
    form = SuggestionsForm(data)
    results = []
    if form.is_bound and form.is_valid():
        commune = form.cleaned_data["commune"]
        results = suggestions.suggest(
            services=form.cleaned_data["services"],
            lat=commune.latitude,
            lon=commune.longitude,
            open_on=form.cleaned_data.get("open_on"),
            part_of_day=form.cleaned_data.get("part_of_day", ""),
            holds_pass=form.cleaned_data.get("pass_numerique", False),
        )
    return render(
        request,
        "www/referrals/suggest.html",
        {
            "form": form,
            "results": results,
            "services": data.getlist("services") if data else [],
            "diagnostic": diagnostic,
        },
    )


def _diagnostic(request):
    """The diagnostic the referral starts from (``?diagnostic=<id>``), when the user's structure holds it."""
    key = as_id(request.GET.get("diagnostic", ""))
    if key is None:
        return None
    return visible_diagnostics(request.user).select_related("beneficiary__commune").filter(pk=key).first()


def create(request):
    user = request.user
    if not perms.can_refer(user):
        raise Http404
    place = Place.objects.filter(pk=as_id(request.GET.get("lieu")) or 0).select_related("structure").first()
    if place is None:
        return redirect("www:referrals:suggest")
    structures = Structure.objects.filter(pk__in=following_structure_ids(user)).order_by("name")
    initial = {"services": request.GET.getlist("services"), "contact_preference": "phone"}
    diagnostic = _diagnostic(request)
    if diagnostic is not None:
        initial["beneficiary"] = diagnostic.beneficiary_id
    form = ReferralForm(
        request.POST or None,
        initial=initial,
        structures=structures,
        beneficiaries=visible_beneficiaries(user).active(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(
                user,
                structure=data["structure"],
                place_id=place.pk,
                next_place_ids=[key for key in map(as_id, request.GET.getlist("suivants")) if key],
                services=data["services"],
                constraints=form.constraints(),
                message=data["message"],
                beneficiary_id=data["beneficiary"].pk if data["beneficiary"] else None,
                diagnostic_id=diagnostic.pk if diagnostic else None,
                contact_preference=data["contact_preference"],
                referent=data["referent"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                consent=data["consent"],
            )
        except DomainError as error:
            for field, message in (error.errors or {"__all__": error.message}).items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"L'orientation {referral.number} est envoyée à « {place.name} ».")
            return redirect("www:referrals:detail", pk=referral.pk)
    unreachable = not place_has_account(place) and not place.emails
    return render(
        request,
        "www/referrals/create.html",
        {"form": form, "place": place, "unreachable": unreachable},
        status=400 if form.is_bound and form.errors else 200,
    )


def place_has_account(place) -> bool:
    return place.structure_id is not None and bool(suggestions.places_with_account({place.structure_id}))


def _visible(request, pk):
    referral = _related(perms.visible_referrals(request.user)).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def _step_forms(referral, actor, data=None):
    allowed = REFERRAL.allowed_transitions(referral, actor, check_guards=False)
    forms_by_name = {"refuse": RefuseForm, "set_appointment": AppointmentForm, "close": CloseForm}
    return [
        {
            "transition": item,
            "form": forms_by_name[item.name](data, prefix=item.name) if item.name in forms_by_name else None,
        }
        for item in allowed
    ]


def _apply_step(request, referral, actor):
    """Apply the step posted (``transition`` and its form), or post a message; returns an error message or ""."""
    if "message" in request.POST:
        try:
            services.post_message(referral, actor, request.POST.get("message", ""))
        except DomainError as error:
            return error.message
        return ""
    name = request.POST.get("transition", "")
    try:
        item = REFERRAL.transition(name)
    except ValueError:
        return "Étape inconnue."
    steps = {step["transition"].name: step for step in _step_forms(referral, actor, request.POST)}
    form = steps[name]["form"] if name in steps else None
    values = {}
    if form is not None:
        if not form.is_valid():
            return " ".join(" ".join(errors) for errors in form.errors.values())
        values = dict(form.cleaned_data)
    try:
        services.transition(
            referral,
            actor,
            to=item.target,
            reasons=values.get("reasons"),
            outcome=values.get("outcome", ""),
            appointment_at=values.get("appointment_at"),
            note=values.get("note", ""),
        )
    except DomainError as error:
        return error.message
    return ""


def _detail_context(referral, actor, *, sees_person):
    diagnostic = referral.diagnostic if sees_person else None
    return {
        "referral": referral,
        "sees_person": sees_person,
        "diagnostic": diagnostic,
        "steps": _step_forms(referral, actor),
        "history": REFERRAL.history(referral),
        "messages_exchanged": referral.messages.all(),
        "is_prescriber": perms.is_prescriber(actor, referral),
        "via_link": False,
        "can_report": referral.state in (ReferralState.ACCEPTED, ReferralState.APPOINTMENT_SET)
        and referral.place.structure is not None
        and activity_perms.can_record(actor, referral.place.structure),
    }


def detail(request, pk):
    referral = _visible(request, pk)
    if request.method == "POST":
        error = _apply_step(request, referral, request.user)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "C'est noté : l'autre partie est prévenue par courriel.")
        return redirect("www:referrals:detail", pk=referral.pk)
    context = _detail_context(referral, request.user, sees_person=perms.can_read_person(request.user, referral))
    return render(request, "www/referrals/detail.html", context)


def _sheet_context(referral):
    place = referral.place
    return {
        "referral": referral,
        "place": place,
        "hours": describe(place.opening_hours, place.latitude, place.longitude, timezone.now()),
        "prescriber": referral.prescriber,
        "situation": charts.situation_map(place),
    }


def sheet(request, pk):
    referral = _visible(request, pk)
    return render(request, "www/referrals/sheet.html", _sheet_context(referral))


def sheet_pdf(request, pk):
    """The sheet as a PDF, tagged for screen readers (PDF/UA-1), with the language and a title."""
    from weasyprint import HTML

    referral = _visible(request, pk)
    html = render_to_string("www/referrals/sheet_pdf.html", _sheet_context(referral), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="orientation-{referral.number}.pdf"'
    return response


# --- Signed link for places without an account ---------------------------------------------------------------


def _link_error(request, token, error, status):
    return render(request, "www/referrals/link_error.html", {"error": error, "token": token}, status=status)


@login_not_required
def link(request, token):
    try:
        referral = links.referral_for(token)
    except DomainError as error:
        return _link_error(request, token, error, error.status)
    actor = perms.PlaceLink(referral.pk)
    if request.method == "POST":
        error = _apply_step(request, referral, actor)
        if error:
            messages.error(request, error)
            return redirect("www:referrals:link", token=token)
        referral.refresh_from_db()
        messages.success(request, "C'est noté. Gardez cette page : c'est votre nouveau lien pour la suite.")
        return redirect("www:referrals:link", token=links.current_token(referral))
    referral = Referral.objects.select_related("place", "prescriber_structure", "beneficiary").get(pk=referral.pk)
    context = _detail_context(referral, actor, sees_person=perms.can_read_person(actor, referral))
    context.update({"token": token, "via_link": True})
    return render(request, "www/referrals/detail.html", context)


@login_not_required
@require_POST
def link_renew(request, token):
    try:
        referral = links.renew(token, rate_limit_key(request))
    except ratelimit.RateLimited as error:
        response = render(request, "www/referrals/link_throttled.html", {"error": error}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except DomainError as error:
        return _link_error(request, "", error, error.status)
    notifications.new_link(referral)
    return render(request, "www/referrals/link_renewed.html", {"referral": referral})


def inbox_count(user) -> int:
    return perms.inbox(user).waiting().count() if getattr(user, "is_authenticated", False) else 0


def sheet_url(referral) -> str:
    return reverse("www:referrals:sheet", kwargs={"pk": referral.pk})


# --- Statistics ----------------------------------------------------------------------------------------------

CSV_WARNING = "Ces chiffres ne contiennent aucune donnée personnelle ; ne les croisez pas avec des listes nominatives."


def _statistics_referrals(user):
    """Referrals whose figures the user may see: their structures' and their territories' (all for an admin)."""
    return (perms.visible_referrals(user) | perms.territory_referrals(user)).distinct()


def _default_grouping(user) -> str:
    """Coordinators and national admins follow territories: their figures come per département first."""
    if structure_perms.is_national_admin(user) or structure_perms.is_coordinator(user):
        return "territory"
    return "place"


def statistics_table(request):
    """(grouping, rows, total) of the figures the user may see, grouped as asked (``par``)."""
    by = request.GET.get("par") or _default_grouping(request.user)
    if by not in referral_statistics.GROUPS:
        by = _default_grouping(request.user)
    rows, total = referral_statistics.table(_statistics_referrals(request.user), by)
    return by, rows, total


def statistics(request):
    by, rows, total = statistics_table(request)
    return render(
        request,
        "www/referrals/statistics.html",
        {
            "by": by,
            "group_title": referral_statistics.GROUPS[by][2],
            "groups": [(key, value[2]) for key, value in referral_statistics.GROUPS.items()],
            "rows": rows,
            "total": total,
            "chart": charts.referral_chart(rows),
        },
    )
