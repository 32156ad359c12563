"""Referrals (orientations): a prescriber sends a person to a place for given needs.

The lifecycle lives in ``cordee.referrals.workflow`` (one table of transitions); each step is one row of
``ReferralTransition``. Contact details are kept only with the person's consent, and purged as soon as the
referral is refused, expires or is cancelled.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cordee.core.workflow import TransitionLogMixin
from cordee.referrals.constraints import described as described_constraints
from cordee.referrals.enums import CloseOutcome, ContactPreference, ReferralState, RefusalReason

OPEN_STATES = (ReferralState.SENT, ReferralState.IN_REVIEW)
ACCEPTED_STATES = (
    ReferralState.ACCEPTED,
    ReferralState.APPOINTMENT_SET,
    ReferralState.NO_SHOW,
    ReferralState.ACCOMPANIED,
    ReferralState.CLOSED,
)
PURGED_STATES = (ReferralState.REFUSED, ReferralState.EXPIRED, ReferralState.CANCELLED)
FINISHED_STATES = (*PURGED_STATES, ReferralState.CLOSED)


class ReferralQuerySet(models.QuerySet):
    def waiting(self):
        """Sent or under review: the place has not decided yet."""
        return self.filter(state__in=OPEN_STATES)

    def for_place_structures(self, structure_ids):
        return self.filter(place__structure_id__in=structure_ids)


class Referral(models.Model):
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="referrals", verbose_name="lieu")
    next_place_ids = models.JSONField(
        "lieux suivants", default=list, blank=True, help_text="Identifiants des lieux proposés ensuite, dans l'ordre."
    )
    services = models.JSONField("besoins", default=list, help_text="Services du standard (valeurs françaises).")
    constraints = models.JSONField("contraintes", default=dict, blank=True)
    message = models.TextField("message", blank=True)

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="personne",
    )
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="diagnostic",
    )
    contact_preference = models.CharField(
        "comment joindre la personne", max_length=10, choices=ContactPreference.choices, blank=True
    )
    referent = models.CharField("personne référente", max_length=200, blank=True)
    contact_phone = models.CharField("téléphone de la personne", max_length=20, blank=True)
    contact_email = models.EmailField("courriel de la personne", blank=True)
    consent_given = models.BooleanField("consentement recueilli", default=False)
    consent_at = models.DateTimeField("consentement recueilli le", null=True, blank=True)
    contact_purged_at = models.DateTimeField("coordonnées effacées le", null=True, blank=True)

    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name="prescripteur",
    )
    prescriber_structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name="structure prescriptrice",
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reoriented_to",
        verbose_name="orientation précédente",
    )

    state = models.CharField("état", max_length=20, choices=ReferralState.choices, default=ReferralState.SENT)
    refusal_reasons = models.JSONField("motifs du refus", default=list, blank=True)
    outcome = models.CharField("issue", max_length=20, choices=CloseOutcome.choices, blank=True)
    appointment_at = models.DateTimeField("rendez-vous le", null=True, blank=True)
    appointment_reminded_at = models.DateTimeField("rappel du rendez-vous envoyé le", null=True, blank=True)

    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    answered_at = models.DateTimeField("première réponse du lieu le", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")
    reminders_sent = models.PositiveSmallIntegerField("relances envoyées", default=0)
    last_reminded_at = models.DateTimeField("dernière relance le", null=True, blank=True)
    # A fresh nonce invalidates every signed link sent before it.
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(contact_phone="") & Q(contact_email="")) | Q(consent_given=True),
                name="referral_contact_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=True) | Q(consent_given=True),
                name="referral_beneficiary_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(consent_given=False) | Q(consent_at__isnull=False),
                name="referral_consent_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="referral_state_expiry_idx"),
            models.Index(fields=["place", "state"], name="referral_place_state_idx"),
        ]

    def __str__(self):
        return f"Orientation {self.number}"

    def constraint_rows(self) -> list[tuple[str, str]]:
        """The person's constraints as the receiving place reads them (French labels)."""
        return described_constraints(self.constraints)

    @property
    def number(self) -> str:
        return f"ORI-{self.pk:06d}" if self.pk else "ORI-?"

    @property
    def is_waiting(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_accepted(self) -> bool:
        return self.state in ACCEPTED_STATES

    @property
    def has_contact_details(self) -> bool:
        return bool(self.contact_phone or self.contact_email)

    def refusal_reason_labels(self) -> list[str]:
        return [RefusalReason(code).label for code in self.refusal_reasons if code in RefusalReason.values]


class ReferralTransition(TransitionLogMixin):
    """One step of a referral (append-only), written by ``cordee.referrals.workflow.REFERRAL``."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("de", max_length=32, choices=ReferralState.choices)
    to_state = models.CharField("vers", max_length=32, choices=ReferralState.choices)

    class Meta(TransitionLogMixin.Meta):
        verbose_name = "étape d'orientation"
        verbose_name_plural = "étapes d'orientation"
        ordering = ["referral", "at", "pk"]

    def __str__(self):
        return f"{self.referral_id}: {self.from_state} → {self.to_state}"


class ReferralMessage(models.Model):
    """A message between the place and the prescriber about one referral (logged, never deleted)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    from_place = models.BooleanField("écrit par le lieu")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    body = models.TextField("message", max_length=2000)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "message sur une orientation"
        verbose_name_plural = "messages sur des orientations"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.referral_id}: message {self.pk}"
