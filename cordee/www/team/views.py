"""A coordinator's team (``/equipe/``) and, on the mediator's side, the invitations they received.

Every action goes through ``cordee.structures.teams``; a refusal comes back as a message on the page.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cordee.core.errors import Conflict, Invalid, NotAllowed, NotFound
from cordee.structures import teams
from cordee.structures.enums import TeamMemberState
from cordee.structures.roles import roles_of
from cordee.users.models import User
from cordee.www.team.forms import TeamInvitationForm


def _require_coordinator(request):
    if not roles_of(request.user).is_coordinator:
        raise NotAllowed("Seuls les coordinateurs territoriaux ont une équipe.", reason="not_coordinator")


def _rows(user):
    rows = teams.team_of(user).order_by("mediator__last_name", "mediator__first_name", "pk")
    by_state = {state: [] for state in TeamMemberState.values}
    for row in rows:
        by_state[row.state].append(row)
    past = sorted(by_state[TeamMemberState.REMOVED], key=lambda row: row.removed_at, reverse=True)
    return by_state[TeamMemberState.ACCEPTED], by_state[TeamMemberState.INVITED], past


@require_http_methods(["GET", "POST"])
def my_team(request):
    """The coordinator's team: members, invitations waiting, former members; the invitation form."""
    _require_coordinator(request)
    form = TeamInvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                membership = teams.invite_by_email(request.user, form.cleaned_data["email"])
            except (Invalid, NotFound, Conflict) as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request, f"{membership.mediator} est invité. L'invitation l'attend dans son espace Cordée."
                )
                return redirect("www:team:mine")
        status = 400
    members, invited, past = _rows(request.user)
    return render(
        request,
        "www/team/team.html",
        {"form": form, "members": members, "invited": invited, "past": past},
        status=status,
    )


@require_POST
def invite_person(request, user_pk):
    """Invite a mediator from a page that shows them (a structure's members)."""
    _require_coordinator(request)
    mediator = get_object_or_404(User, pk=user_pk, is_active=True)
    try:
        teams.invite(request.user, mediator)
    except (Invalid, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{mediator} est invité dans votre équipe.")
    return redirect("www:team:mine")


@require_http_methods(["GET", "POST"])
def remove(request, pk):
    _require_coordinator(request)
    membership = teams.led_by(request.user, pk)
    if membership.state != TeamMemberState.ACCEPTED:
        raise NotFound("Cette personne ne fait pas partie de votre équipe.", reason="unknown_team_member")
    if request.method == "POST":
        teams.remove(request.user, membership)
        messages.success(request, f"{membership.mediator} ne fait plus partie de votre équipe.")
        return redirect("www:team:mine")
    return render(request, "www/team/remove.html", {"membership": membership})


@require_POST
def withdraw(request, pk):
    _require_coordinator(request)
    membership = teams.led_by(request.user, pk)
    _act(request, teams.withdraw, membership, "L'invitation est retirée.")
    return redirect("www:team:mine")


@require_GET
def invitations(request):
    """The mediator's side: invitations waiting for an answer and the teams they belong to."""
    return render(
        request,
        "www/team/invitations.html",
        {
            "invitations": teams.invitations_for(request.user).order_by("-invited_at", "-pk"),
            "joined": teams.teams_joined(request.user).order_by("-member_from", "-pk"),
        },
    )


def _act(request, action, membership, success):
    try:
        action(request.user, membership)
    except Conflict as error:  # answered meanwhile (another tab, the coordinator withdrew it)
        messages.error(request, error.message)
    else:
        messages.success(request, success)


@require_POST
def accept(request, pk):
    membership = teams.addressed_to(request.user, pk)
    _act(request, teams.accept, membership, f"Vous faites partie de l'équipe de {membership.coordinator}.")
    return redirect("www:team:invitations")


@require_POST
def decline(request, pk):
    membership = teams.addressed_to(request.user, pk)
    _act(request, teams.decline, membership, f"Vous avez refusé l'invitation de {membership.coordinator}.")
    return redirect("www:team:invitations")


@require_POST
def leave(request, pk):
    membership = teams.addressed_to(request.user, pk)
    _act(request, teams.remove, membership, f"Vous avez quitté l'équipe de {membership.coordinator}.")
    return redirect("www:team:invitations")
