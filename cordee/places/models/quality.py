"""Quality référentiel, qualification log, error reports and staleness follow-up of places.

The rules live in ``cordee.places.quality`` and ``cordee.places.reports``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cordee.core.workflow import TransitionLogMixin
from cordee.places.enums import CriterionCheck, QualificationState, ReportKind, ReportState


class QualityCriterionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class QualityCriterion(models.Model):
    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    is_active = models.BooleanField("actif", default=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    automatic = models.CharField(
        "vérification",
        max_length=20,
        choices=CriterionCheck.choices,
        blank=True,
        default=CriterionCheck.MANUAL,
        help_text="Automatique : calculé à partir de la fiche du lieu. Sinon, déclaré par la structure.",
    )

    objects = QualityCriterionQuerySet.as_manager()

    class Meta:
        verbose_name = "critère de qualité"
        verbose_name_plural = "critères de qualité"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    @property
    def is_manual(self) -> bool:
        return not self.automatic


class PlaceCriterion(models.Model):
    """A criterion the place meets (a row exists only while it is met)."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="met_criteria")
    criterion = models.ForeignKey(QualityCriterion, on_delete=models.CASCADE, related_name="places_meeting")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    met_since = models.DateTimeField("rempli depuis", auto_now_add=True)

    class Meta:
        verbose_name = "critère rempli"
        verbose_name_plural = "critères remplis"
        constraints = [models.UniqueConstraint(fields=["place", "criterion"], name="place_criterion_unique")]

    def __str__(self):
        return f"{self.place_id}: {self.criterion_id}"


class QualificationTransition(TransitionLogMixin):
    """One step of a place's qualification (append-only), written by ``cordee.places.quality.QUALIFICATION``."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="qualification_transitions")
    from_state = models.CharField("de", max_length=32, choices=QualificationState.choices)
    to_state = models.CharField("vers", max_length=32, choices=QualificationState.choices)

    class Meta(TransitionLogMixin.Meta):
        verbose_name = "étape de qualification"
        verbose_name_plural = "étapes de qualification"
        ordering = ["place", "at", "pk"]

    def __str__(self):
        return f"{self.place_id}: {self.from_state} → {self.to_state}"


class PlaceReportQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ReportState.NEW)


class PlaceReport(models.Model):
    """An error about a place reported by the public. No IP address is stored."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("type d'erreur", max_length=20, choices=ReportKind.choices)
    message = models.TextField("message", max_length=1000, blank=True)
    contact_email = models.EmailField("adresse électronique de contact", blank=True)
    state = models.CharField("état", max_length=20, choices=ReportState.choices, default=ReportState.NEW)
    created_at = models.DateTimeField("signalée le", auto_now_add=True)
    resolved_at = models.DateTimeField("traitée le", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField("note de traitement", blank=True)

    objects = PlaceReportQuerySet.as_manager()

    class Meta:
        verbose_name = "signalement"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "place"], name="place_report_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ReportState.NEW) | Q(resolved_at__isnull=False), name="place_report_resolved_at"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.place_id})"


class PlaceFollowUp(models.Model):
    """Reminders sent about a place: when its structure was last told that it needs an update."""

    place = models.OneToOneField("places.Place", on_delete=models.CASCADE, related_name="follow_up")
    stale_notified_at = models.DateTimeField("relance « à mettre à jour » le", null=True, blank=True)
    # A qualified place whose hours or contacts changed stays qualified but is flagged for the coordinator.
    review_flagged_at = models.DateTimeField("à revoir depuis le", null=True, blank=True)
    review_fields = models.JSONField("champs modifiés à revoir", default=list, blank=True)

    class Meta:
        verbose_name = "suivi de lieu"
        verbose_name_plural = "suivis de lieux"

    def __str__(self):
        return f"{self.place_id}: {self.stale_notified_at}"
