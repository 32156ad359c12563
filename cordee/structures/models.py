from django.conf import settings
from django.db import models
from django.db.models import Q

from cordee.structures.enums import MembershipRole, StructureKind, TeamMemberState
from cordee.structures.validators import validate_rna, validate_siret
from cordee.territories.enums import TerritoryKind


class Structure(models.Model):
    """An organisation: collectivité, association, France Services, médiathèque, CAF…"""

    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField("RNA", max_length=10, blank=True, validators=[validate_rna])
    kind = models.CharField("type de structure", max_length=30, choices=StructureKind.choices)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="structures", verbose_name="commune"
    )
    email = models.EmailField("adresse électronique de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["siret"], condition=~Q(siret=""), name="structure_siret_unique"),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """A user's role in one structure."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=30, choices=MembershipRole.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.structure}"


class CoordinatorScope(models.Model):
    """A territory on which a user coordinates (collectivité, hub, préfecture)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_scopes")
    territory_kind = models.CharField("niveau", max_length=20, choices=TerritoryKind.choices)
    territory_code = models.CharField("code du territoire", max_length=9)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "périmètre de coordination"
        verbose_name_plural = "périmètres de coordination"
        constraints = [
            models.UniqueConstraint(fields=["user", "territory_kind", "territory_code"], name="scope_unique"),
        ]

    def __str__(self):
        return f"{self.get_territory_kind_display()} {self.territory_code}"


class Invitation(models.Model):
    """An invitation by e-mail to join a structure; the link is signed and expires."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=30, choices=MembershipRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="sent_invitations"
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"

    def __str__(self):
        return f"{self.email} → {self.structure}"


class TeamMembershipQuerySet(models.QuerySet):
    def open(self):
        """Invitations waiting for an answer and current members."""
        return self.filter(state__in=[TeamMemberState.INVITED, TeamMemberState.ACCEPTED])

    def counted(self):
        """Memberships whose period counts in the team's figures: current and past members."""
        return self.filter(state__in=[TeamMemberState.ACCEPTED, TeamMemberState.REMOVED], member_from__isnull=False)


class TeamMembership(models.Model):
    """A mediator in a coordinator's team: invited by the coordinator, accepted (or declined) by the mediator.

    Never deleted: a removed member keeps their row, with the day they joined and the day they left, so that
    the team's figures count their activities of that period (``cordee.dashboards.scope``). A mediator invited
    again after leaving gets a new row: one row per period.
    """

    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships_led",
        verbose_name="coordinateur",
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships", verbose_name="médiateur"
    )
    state = models.CharField("état", max_length=12, choices=TeamMemberState.choices, default=TeamMemberState.INVITED)
    invited_at = models.DateTimeField("invité le", auto_now_add=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    removed_at = models.DateTimeField("retiré le", null=True, blank=True)
    # Local days (Europe/Paris) of acceptance and removal: the bounds, both included, of the counted activities.
    member_from = models.DateField("membre depuis le", null=True, blank=True)
    member_until = models.DateField("membre jusqu'au", null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "membre d'équipe"
        verbose_name_plural = "membres d'équipe"
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "mediator"],
                condition=Q(state__in=["invited", "accepted"]),
                name="team_membership_one_open",
            ),
            models.CheckConstraint(condition=~Q(coordinator=models.F("mediator")), name="team_membership_not_self"),
            models.CheckConstraint(
                condition=Q(member_until__isnull=True) | Q(member_until__gte=models.F("member_from")),
                name="team_membership_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["coordinator", "state"], name="team_coordinator_state")]

    def __str__(self):
        return f"{self.mediator} — équipe de {self.coordinator}"
