"""A coordinator's team: the mediators they coordinate, invited by the coordinator and accepted by the mediator.

The one write path for teams; the web pages (and any API) call these functions. Each checks who acts, keeps
the row for history (a removal sets the day the person left, nothing is deleted) and writes the journal with
ids only.

Who may do what:

- a coordinator (a person with at least one coordination scope) invites a mediator — a person with an
  active membership as médiateur or conseiller numérique — by the e-mail address of their existing account,
  or from their page; withdraws an invitation not answered yet; removes a member;
- the invited mediator accepts or declines; a member may also leave the team.

A member's activities count in the team's figures from the day they accepted to the day they left, both
included (``cordee.dashboards.scope``).
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cordee.core.errors import Conflict, Invalid, NotAllowed, NotFound
from cordee.journal.services import record
from cordee.structures.enums import MembershipRole, TeamMemberState
from cordee.structures.models import Membership, TeamMembership
from cordee.structures.roles import roles_of

MEDIATOR_ROLES = (MembershipRole.MEDIATEUR, MembershipRole.CONSEILLER_NUMERIQUE)


def is_mediator(user) -> bool:
    return Membership.objects.active().filter(user=user, role__in=MEDIATOR_ROLES).exists()


def _require_coordinator(actor):
    if not roles_of(actor).is_coordinator:
        raise NotAllowed("Seuls les coordinateurs territoriaux ont une équipe.", reason="not_coordinator")


def _locked(membership: TeamMembership) -> TeamMembership:
    return TeamMembership.objects.select_for_update().get(pk=membership.pk)


# --- reading ----------------------------------------------------------------------------------------


def team_of(coordinator):
    """Every row of the coordinator's team, current members first, then invitations, then the past."""
    return TeamMembership.objects.filter(coordinator=coordinator).select_related("mediator")


def invitations_for(mediator):
    """Invitations waiting for the mediator's answer."""
    return TeamMembership.objects.filter(mediator=mediator, state=TeamMemberState.INVITED).select_related(
        "coordinator"
    )


def teams_joined(mediator):
    """The teams the mediator belongs to now."""
    return TeamMembership.objects.filter(mediator=mediator, state=TeamMemberState.ACCEPTED).select_related(
        "coordinator"
    )


def led_by(coordinator, pk) -> TeamMembership:
    """One row of the coordinator's team; ``NotFound`` for anything else."""
    membership = team_of(coordinator).filter(pk=pk).first()
    if membership is None:
        raise NotFound("Cette personne ne fait pas partie de votre équipe.", reason="unknown_team_member")
    return membership


def addressed_to(mediator, pk) -> TeamMembership:
    """One row of a team the mediator was invited into; ``NotFound`` for anything else."""
    membership = TeamMembership.objects.filter(mediator=mediator, pk=pk).select_related("coordinator").first()
    if membership is None:
        raise NotFound("Cette invitation n'existe pas.", reason="unknown_team_invitation")
    return membership


# --- the coordinator's actions ---------------------------------------------------------------------


def invite_by_email(actor, email: str) -> TeamMembership:
    """Invite the mediator whose account has this e-mail address."""
    _require_coordinator(actor)
    email = (email or "").strip()
    if not email:
        raise Invalid(
            "Indiquez l'adresse électronique du médiateur.",
            reason="email_missing",
            errors={"email": "Indiquez l'adresse électronique du médiateur."},
        )
    mediator = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if mediator is None:
        message = "Aucun compte Cordée n'a cette adresse : le médiateur doit d'abord avoir un compte."
        raise NotFound(message, reason="unknown_account", errors={"email": message})
    return invite(actor, mediator)


def invite(actor, mediator) -> TeamMembership:
    """Invite a mediator into the actor's team; the mediator sees the invitation and answers it."""
    _require_coordinator(actor)
    if mediator.pk == actor.pk:
        raise Invalid("Vous ne pouvez pas vous inviter dans votre propre équipe.", reason="team_self")
    if not is_mediator(mediator):
        raise Invalid(
            "Cette personne n'est médiateur ni conseiller numérique dans aucune structure : "
            "seuls les médiateurs peuvent rejoindre une équipe.",
            reason="not_a_mediator",
        )
    with transaction.atomic():
        current = TeamMembership.objects.open().filter(coordinator=actor, mediator=mediator).first()
        if current is not None:
            if current.state == TeamMemberState.ACCEPTED:
                raise Conflict("Cette personne fait déjà partie de votre équipe.", reason="team_already_member")
            raise Conflict("Cette personne a déjà une invitation en attente.", reason="team_already_invited")
        try:
            with transaction.atomic():
                membership = TeamMembership.objects.create(coordinator=actor, mediator=mediator)
        except IntegrityError:  # another request invited them at the same moment
            raise Conflict("Cette personne a déjà une invitation en attente.", reason="team_already_invited") from None
        record(actor, "structures.team.invited", membership, mediator_id=mediator.pk)
    return membership


def withdraw(actor, membership: TeamMembership) -> TeamMembership:
    """Withdraw an invitation not answered yet."""
    if membership.coordinator_id != actor.pk:
        raise NotFound("Cette invitation n'existe pas.", reason="unknown_team_invitation")
    with transaction.atomic():
        locked = _locked(membership)
        if locked.state != TeamMemberState.INVITED:
            raise Conflict("Cette invitation a déjà reçu une réponse.", reason="team_invitation_answered")
        locked.state = TeamMemberState.WITHDRAWN
        locked.answered_at = timezone.now()
        locked.save(update_fields=["state", "answered_at"])
        record(actor, "structures.team.withdrawn", locked, mediator_id=locked.mediator_id)
    return locked


def remove(actor, membership: TeamMembership) -> TeamMembership:
    """Take a member out of the team (the coordinator), or leave it (the member). The row stays, with the day
    the person left: their activities up to that day, included, still count in the team's figures."""
    if actor.pk not in (membership.coordinator_id, membership.mediator_id):
        raise NotFound("Cette personne ne fait pas partie de votre équipe.", reason="unknown_team_member")
    with transaction.atomic():
        locked = _locked(membership)
        if locked.state != TeamMemberState.ACCEPTED:
            raise Conflict("Cette personne ne fait pas (ou plus) partie de l'équipe.", reason="team_not_member")
        locked.state = TeamMemberState.REMOVED
        locked.removed_at = timezone.now()
        locked.member_until = max(timezone.localdate(locked.removed_at), locked.member_from)
        locked.save(update_fields=["state", "removed_at", "member_until"])
        by = "coordinator" if actor.pk == locked.coordinator_id else "mediator"
        record(actor, "structures.team.removed", locked, mediator_id=locked.mediator_id, by=by)
    return locked


# --- the mediator's answers ------------------------------------------------------------------------


def _answer(actor, membership: TeamMembership, state: str, action: str) -> TeamMembership:
    if membership.mediator_id != actor.pk:
        raise NotFound("Cette invitation n'existe pas.", reason="unknown_team_invitation")
    with transaction.atomic():
        locked = _locked(membership)
        if locked.state != TeamMemberState.INVITED:
            raise Conflict(
                "Cette invitation n'attend plus de réponse (déjà acceptée, refusée ou retirée).",
                reason="team_invitation_answered",
            )
        locked.state = state
        locked.answered_at = timezone.now()
        fields = ["state", "answered_at"]
        if state == TeamMemberState.ACCEPTED:
            locked.member_from = timezone.localdate(locked.answered_at)
            fields.append("member_from")
        locked.save(update_fields=fields)
        record(actor, action, locked, coordinator_id=locked.coordinator_id)
    return locked


def accept(actor, membership: TeamMembership) -> TeamMembership:
    """The mediator joins the team: from today, their activities count in the team's figures."""
    return _answer(actor, membership, TeamMemberState.ACCEPTED, "structures.team.accepted")


def decline(actor, membership: TeamMembership) -> TeamMembership:
    return _answer(actor, membership, TeamMemberState.DECLINED, "structures.team.declined")
