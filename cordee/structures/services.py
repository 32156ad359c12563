"""Domain actions on structures and their members. Each checks permissions and writes the journal.

Guards that fail raise a named error (a ``cordee.core.errors`` error) carrying a plain French message, which pages
and API show as is.
Journal details hold ids and roles only, never an e-mail address or a name.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cordee.core import links
from cordee.core.errors import NotAllowed, Refused
from cordee.journal.services import record
from cordee.structures import perms
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Invitation, Membership, Structure
from cordee.structures.roles import forget_roles

INVITATION_SALT = "cordee.structures.invitation"


class StructureActionError(Refused):
    """A domain action refused, with a message fit for the person who asked."""

    default_reason = "structure_action_refused"


class ActionNotAllowed(StructureActionError, NotAllowed):
    """The actor has no right to do this (shown as « accès refusé »)."""

    status = NotAllowed.status
    default_reason = NotAllowed.default_reason


class InvitationError(StructureActionError):
    """An invitation link that cannot be used: expired, tampered with, already used…"""

    default_reason = "invitation_unusable"


class InvitationExpired(InvitationError):
    default_reason = "invitation_expired"


class InvitationInvalid(InvitationError):
    default_reason = "invitation_invalid"


class InvitationAlreadyUsed(InvitationError):
    default_reason = "invitation_already_used"


class InvitationWrongAccount(InvitationError):
    default_reason = "invitation_wrong_account"


def _require_manager(actor, structure):
    if not perms.can_manage_structure(actor, structure):
        raise ActionNotAllowed("Seuls les gestionnaires de la structure peuvent faire cette action.")


# --- Structure -----------------------------------------------------------------------------------


def update_structure(actor, structure: Structure, **changes) -> Structure:
    """Change the structure's fields; journal the names of the fields that changed."""
    _require_manager(actor, structure)
    changed = []
    for name, value in changes.items():
        if getattr(structure, name) != value:
            setattr(structure, name, value)
            changed.append(name)
    if changed:
        with transaction.atomic():
            structure.full_clean()
            structure.save()
            record(actor, "structures.structure.updated", structure, fields=sorted(changed))
    return structure


# --- Invitations ---------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, or an InvitationError explaining why the link cannot be used."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationExpired(
            "Ce lien d'invitation a expiré. Demandez au gestionnaire de la structure de vous inviter à nouveau."
        ) from None
    except signing.BadSignature:
        raise InvitationInvalid(
            "Ce lien d'invitation n'est pas valide. Vérifiez que vous avez copié le lien en entier, "
            "ou demandez une nouvelle invitation."
        ) from None
    invitation = (
        Invitation.objects.select_related("structure").filter(pk=payload.get("invitation")).first()
        if isinstance(payload, dict)
        else None
    )
    if invitation is None:
        raise InvitationInvalid("Cette invitation n'existe plus. Demandez une nouvelle invitation.")
    if invitation.accepted_at is not None:
        raise InvitationAlreadyUsed(
            "Cette invitation a déjà été acceptée. Connectez-vous pour accéder à la structure."
        )
    return invitation


def invitation_url(invitation: Invitation) -> str:
    return links.absolute_url(links.INVITATION_ACCEPT, token=invitation_token(invitation))


def send_invitation_email(invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "structure": invitation.structure,
        "role_label": invitation.get_role_display(),
        "url": invitation_url(invitation),
        "max_age_days": settings.INVITATION_MAX_AGE // (60 * 60 * 24),
    }
    subject = f"Invitation à rejoindre « {invitation.structure.name} » sur Cordée"
    body = render_to_string("structures/emails/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invite_member(actor, structure: Structure, email: str, role: str) -> Invitation:
    """Invite someone by e-mail to join the structure with a role; sends the signed link."""
    _require_manager(actor, structure)
    if role not in MembershipRole.values:
        raise StructureActionError("Ce rôle n'existe pas.")
    email = (email or "").strip().lower()
    if not email:
        raise StructureActionError("Indiquez l'adresse électronique de la personne à inviter.")
    if Membership.objects.active().filter(structure=structure, user__email__iexact=email).exists():
        raise StructureActionError("Cette personne fait déjà partie de la structure.")
    with transaction.atomic():
        invitation = Invitation.objects.create(structure=structure, email=email, role=role, invited_by=actor)
        record(actor, "structures.invitation.sent", structure, invitation_id=invitation.pk, role=role)
        transaction.on_commit(lambda: send_invitation_email(invitation))
    return invitation


def cancel_invitation(actor, invitation: Invitation) -> None:
    """Withdraw a pending invitation: its link stops working."""
    _require_manager(actor, invitation.structure)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise StructureActionError(
                "Cette invitation a déjà été acceptée : retirez plutôt la personne des membres."
            )
        record(actor, "structures.invitation.cancelled", invitation.structure, invitation_id=locked.pk)
        locked.delete()


def accept_invitation(invitation: Invitation, user) -> Membership:
    """Give the invited user their membership. The invitation is used once, by the invited address only."""
    if user is None or not user.is_authenticated:
        raise InvitationWrongAccount("Connectez-vous pour accepter l'invitation.")
    if user.email.lower() != invitation.email.lower():
        raise InvitationWrongAccount(
            "Cette invitation a été envoyée à une autre adresse électronique que celle de votre compte. "
            "Déconnectez-vous, puis ouvrez à nouveau le lien."
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise InvitationAlreadyUsed("Cette invitation a déjà été acceptée.")
        membership, created = Membership.objects.get_or_create(
            user=user, structure_id=locked.structure_id, defaults={"role": locked.role}
        )
        if not created:
            membership.role = locked.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        record(
            user,
            "structures.invitation.accepted",
            locked.structure,
            invitation_id=locked.pk,
            membership_id=membership.pk,
            role=membership.role,
        )
    invitation.accepted_at = locked.accepted_at
    forget_roles(user)  # a new membership: the rest of the request sees it
    return membership


def invited_account_exists(invitation: Invitation) -> bool:
    return get_user_model().objects.filter(email__iexact=invitation.email).exists()


def create_account_and_accept(invitation: Invitation, *, first_name: str, last_name: str, password: str):
    """Create the invited person's account (the e-mail is the invitation's) and accept the invitation."""
    user_model = get_user_model()
    with transaction.atomic():
        if user_model.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationWrongAccount(
                "Un compte existe déjà avec cette adresse électronique : connectez-vous pour accepter l'invitation."
            )
        user = user_model.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
        record(
            user,
            "users.user.created_from_invitation",
            invitation.structure,
            invitation_id=invitation.pk,
            user_id=user.pk,
        )
        membership = accept_invitation(invitation, user)
    return user, membership


# --- Members -------------------------------------------------------------------------------------


def _other_active_gestionnaires(membership: Membership):
    return (
        Membership.objects.active()
        .filter(structure_id=membership.structure_id, role=MembershipRole.GESTIONNAIRE)
        .exclude(pk=membership.pk)
    )


def change_role(actor, membership: Membership, role: str) -> Membership:
    _require_manager(actor, membership.structure)
    if role not in MembershipRole.values:
        raise StructureActionError("Ce rôle n'existe pas.")
    if role == membership.role:
        return membership
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            locked.role == MembershipRole.GESTIONNAIRE
            and locked.is_active
            and not _other_active_gestionnaires(locked).exists()
        ):
            raise StructureActionError(
                "C'est le dernier gestionnaire de la structure : nommez d'abord un autre gestionnaire."
            )
        previous = locked.role
        locked.role = role
        locked.save(update_fields=["role"])
        record(
            actor,
            "structures.membership.role_changed",
            membership.structure,
            membership_id=locked.pk,
            previous_role=previous,
            role=role,
        )
    membership.role = role
    return membership


def remove_member(actor, membership: Membership) -> Membership:
    """Deactivate the membership (kept for history). The last gestionnaire cannot be removed."""
    _require_manager(actor, membership.structure)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if not locked.is_active:
            raise StructureActionError("Cette personne ne fait déjà plus partie de la structure.")
        if locked.role == MembershipRole.GESTIONNAIRE and not _other_active_gestionnaires(locked).exists():
            raise StructureActionError(
                "C'est le dernier gestionnaire de la structure : nommez d'abord un autre gestionnaire."
            )
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        record(actor, "structures.membership.removed", membership.structure, membership_id=locked.pk)
    membership.is_active = False
    return membership
