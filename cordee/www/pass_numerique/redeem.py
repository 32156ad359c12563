"""Redeeming a pass at a place: type the code (works without JavaScript) or scan its QR code with the camera
(``pass-scanner.js`` with the vendored jsQR decoder fills the same field). Members (médiateur, conseiller
numérique, gestionnaire) of a structure running a place."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from cordee.core.errors import DomainError
from cordee.pass_numerique import activity_pass, perms, services
from cordee.pass_numerique.perms import REDEEMING_ROLES
from cordee.places.models import Place
from cordee.structures.roles import roles_of
from cordee.www.pass_numerique.forms import RedemptionForm, show_domain_error


def redeem(request):
    user = request.user
    if not perms.may_redeem_anywhere(user):
        raise PermissionDenied(
            "Seuls les médiateurs, conseillers numériques et gestionnaires d'une structure qui tient un lieu "
            "enregistrent l'utilisation d'un pass."
        )
    structure_ids = roles_of(user).structure_ids(*REDEEMING_ROLES)
    places = Place.objects.filter(structure_id__in=structure_ids).order_by("name", "pk")
    activities = activity_pass.recent_activities(user, structure_ids)
    initial = {"code": request.GET.get("code", "")}
    if places.count() == 1:
        initial["place"] = places.first()
    form = RedemptionForm(request.POST or None, initial=initial, places=places, activities=activities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity = data["activity"]
                redemption = services.redeem(
                    user, code=data["code"], place_id=data["place"].pk, activity_id=activity.pk if activity else None
                )
            except DomainError as error:
                show_domain_error(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    f"Pass {redemption.pass_obj.display_code} utilisé à « {redemption.place.name} » : "
                    f"il sera remboursé à votre structure sur le relevé du mois.",
                )
                return redirect("www:pass_numerique:redeem")
        else:
            status = 400
    return render(
        request, "www/pass_numerique/redeem.html", {"form": form, "has_places": places.exists()}, status=status
    )
