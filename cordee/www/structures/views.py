from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from cordee.structures import perms, services, teams
from cordee.structures.models import Membership, Structure
from cordee.www.accounts.forms import SignupFromInvitationForm
from cordee.www.structures.forms import InvitationForm, RoleForm, StructureForm

TERRITORY_PAGE_SIZE = 50


def _structure(request, pk, *, manage=False) -> Structure:
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=pk)
    allowed = perms.can_manage_structure if manage else perms.can_view_structure
    if not allowed(request.user, structure):
        raise PermissionDenied("Vous n'avez pas accès à cette structure.")
    return structure


def _membership(structure, membership_pk) -> Membership:
    return get_object_or_404(
        Membership.objects.active().select_related("user", "structure"), pk=membership_pk, structure=structure
    )


def structure_list(request):
    memberships = (
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("structure__commune")
        .order_by("structure__name")
    )
    others = None
    if perms.is_national_admin(request.user) or perms.is_coordinator(request.user):
        queryset = (
            perms.visible_structures(request.user)
            .exclude(pk__in=[membership.structure_id for membership in memberships])
            .select_related("commune")
            .order_by("name", "pk")
        )
        others = Paginator(queryset, TERRITORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "www/structures/list.html",
        {
            "memberships": memberships,
            "others": others,
            "is_national_admin": perms.is_national_admin(request.user),
        },
    )


def structure_detail(request, pk):
    structure = _structure(request, pk)
    can_manage = perms.can_manage_structure(request.user, structure)
    members = (
        Membership.objects.active()
        .filter(structure=structure)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    pending = (
        structure.invitations.filter(accepted_at__isnull=True).order_by("-created_at", "-pk") if can_manage else []
    )
    return render(
        request,
        "www/structures/detail.html",
        {
            "structure": structure,
            "members": members,
            "pending_invitations": pending,
            "can_manage": can_manage,
            "can_invite_to_team": perms.is_coordinator(request.user),
            "team_roles": teams.MEDIATOR_ROLES,
        },
    )


@require_http_methods(["GET", "POST"])
def structure_edit(request, pk):
    structure = _structure(request, pk, manage=True)
    # The form works on its own copy: the service compares the new values with the saved ones.
    form = StructureForm(request.POST or None, instance=Structure.objects.get(pk=structure.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_structure(request.user, structure, **form.structure_changes())
        except services.StructureActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Les informations de la structure sont enregistrées.")
            return redirect("www:structures:detail", pk=structure.pk)
    return render(request, "www/structures/edit.html", {"structure": structure, "form": form})


@require_http_methods(["GET", "POST"])
def member_invite(request, pk):
    structure = _structure(request, pk, manage=True)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(request.user, structure, form.cleaned_data["email"], form.cleaned_data["role"])
        except services.StructureActionError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, "L'invitation est envoyée. La personne va recevoir un courriel avec un lien.")
            return redirect("www:structures:detail", pk=structure.pk)
    return render(request, "www/structures/member_invite.html", {"structure": structure, "form": form})


@require_http_methods(["GET", "POST"])
def member_role(request, pk, membership_pk):
    structure = _structure(request, pk, manage=True)
    membership = _membership(structure, membership_pk)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(request.user, membership, form.cleaned_data["role"])
        except services.StructureActionError as error:
            form.add_error("role", error.message)
        else:
            messages.success(request, f"Le rôle de {membership.user} est modifié.")
            return redirect("www:structures:detail", pk=structure.pk)
    return render(
        request, "www/structures/member_role.html", {"structure": structure, "membership": membership, "form": form}
    )


@require_http_methods(["GET", "POST"])
def member_remove(request, pk, membership_pk):
    structure = _structure(request, pk, manage=True)
    membership = _membership(structure, membership_pk)
    error_message = ""
    if request.method == "POST":
        try:
            services.remove_member(request.user, membership)
        except services.StructureActionError as error:
            error_message = error.message
        else:
            messages.success(request, f"{membership.user} ne fait plus partie de la structure.")
            return redirect("www:structures:detail", pk=structure.pk)
    return render(
        request,
        "www/structures/member_remove.html",
        {"structure": structure, "membership": membership, "error_message": error_message},
        status=400 if error_message else 200,
    )


@require_http_methods(["POST"])
def invitation_cancel(request, pk, invitation_pk):
    structure = _structure(request, pk, manage=True)
    invitation = get_object_or_404(structure.invitations.filter(accepted_at__isnull=True), pk=invitation_pk)
    try:
        services.cancel_invitation(request.user, invitation)
    except services.StructureActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "L'invitation est annulée : son lien ne fonctionne plus.")
    return redirect("www:structures:detail", pk=structure.pk)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as error:
        status = 410 if isinstance(error, services.InvitationExpired | services.InvitationAlreadyUsed) else 400
        return render(
            request, "www/structures/invitation_invalid.html", {"error_message": error.message}, status=status
        )

    context = {
        "invitation": invitation,
        "structure": invitation.structure,
        "role_label": invitation.get_role_display(),
    }
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            return render(request, "www/structures/invitation_wrong_account.html", context, status=403)
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, user)
            except services.InvitationError as error:
                return render(
                    request, "www/structures/invitation_invalid.html", {"error_message": error.message}, status=410
                )
            messages.success(request, f"Bienvenue dans la structure « {invitation.structure.name} ».")
            return redirect("www:structures:detail", pk=invitation.structure_id)
        return render(request, "www/structures/invitation_accept.html", context)

    if services.invited_account_exists(invitation):
        login_url = reverse("www:accounts:login") + "?" + urlencode({"next": request.path})
        return render(request, "www/structures/invitation_login.html", {**context, "login_url": login_url})

    form = SignupFromInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, _membership = services.create_account_and_accept(
                invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as error:
            form.add_error(None, error.message)
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Votre compte est créé. Bienvenue dans « {invitation.structure.name} ».")
            return redirect("www:structures:detail", pk=invitation.structure_id)
    return render(request, "www/structures/invitation_signup.html", {**context, "form": form})
