"""The versioned référentiel of digital skills and the diagnostics made with it.

A version is edited as a draft, then published; a published version never changes, so a result stays
readable with the very questions it answered. Question ids and area codes are stable strings.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cordee.diagnostics.enums import Mode, Profile, QuestionKind, VersionState

# Short codes: 6 characters without the ones people confuse (0/O, 1/I/L, 5/S, 2/Z, 8/B).
SHORT_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
SHORT_CODE_LENGTH = 6
SHORT_CODE_VALIDITY = dt.timedelta(days=90)


class DiagnosticVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=VersionState.PUBLISHED)

    def current(self):
        """The published version diagnostics are made with now (None if there is none)."""
        return self.published().order_by("-published_at", "-pk").first()


class DiagnosticVersion(models.Model):
    code = models.CharField("version", max_length=20, unique=True, help_text="Par exemple 2026-1.")
    state = models.CharField("état", max_length=20, choices=VersionState.choices, default=VersionState.DRAFT)
    notes = models.TextField("notes de version", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    objects = DiagnosticVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version du référentiel"
        verbose_name_plural = "versions du référentiel"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.code} ({self.get_state_display()})"

    @property
    def is_editable(self) -> bool:
        return self.state == VersionState.DRAFT


class Area(models.Model):
    """A skill area: one of the five DigComp 2.2 areas, or « démarches en ligne »."""

    version = models.ForeignKey(DiagnosticVersion, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField("code", max_length=40)
    label = models.CharField("nom", max_length=120)
    digcomp_area = models.CharField("domaine DigComp 2.2", max_length=10, blank=True)
    pix_competences = models.JSONField("compétences Pix", default=list, blank=True)
    icon = models.CharField("icône (classe DSFR)", max_length=60, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "domaine"
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="diagnostic_area_unique")]

    def __str__(self):
        return self.label


class Question(models.Model):
    version = models.ForeignKey(DiagnosticVersion, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField("identifiant", max_length=60)
    kind = models.CharField("type", max_length=20, choices=QuestionKind.choices)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, related_name="questions")
    text = models.CharField("question", max_length=255)
    help_text = models.CharField("précision", max_length=255, blank=True)
    answers = models.JSONField("réponses possibles", help_text="Codes, du plus au moins autonome.")
    required = models.BooleanField("réponse obligatoire", default=True)
    sensitive = models.BooleanField(
        "réponse sensible", default=False, help_text="Effacée quand la personne est anonymisée (santé, handicap)."
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "question"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="diagnostic_question_unique"),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.SKILL) | Q(area__isnull=False), name="diagnostic_skill_has_area"
            ),
        ]

    def __str__(self):
        return self.text


class DiagnosticQuerySet(models.QuerySet):
    def by_short_code(self, code: str):
        return self.filter(short_code=(code or "").strip().upper())


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class Diagnostic(models.Model):
    version = models.ForeignKey(DiagnosticVersion, on_delete=models.PROTECT, related_name="diagnostics")
    mode = models.CharField("type", max_length=20, choices=Mode.choices)
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostics",
        verbose_name="structure",
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostics",
        verbose_name="personne",
    )
    answers = models.JSONField("réponses", default=dict)
    levels = models.JSONField("niveaux par domaine", default=dict)
    profile = models.CharField("profil", max_length=20, choices=Profile.choices)
    help_now = models.BooleanField("aide immédiate", default=False)
    recommended_services = models.JSONField("services recommandés", default=list)
    constraints = models.JSONField("contraintes", default=list)
    note = models.TextField("note du professionnel", blank=True)
    short_code = models.CharField("code court", max_length=SHORT_CODE_LENGTH, null=True, blank=True, unique=True)
    short_code_expires_at = models.DateTimeField("code valable jusqu'au", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("fait le", default=timezone.now)
    imported_at = models.DateTimeField("rattaché le", null=True, blank=True)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=True) | Q(structure__isnull=False),
                name="diagnostic_person_has_structure",
            ),
        ]
        indexes = [models.Index(fields=["structure", "created_at"], name="diagnostic_structure_idx")]

    def __str__(self):
        return f"Diagnostic n° {self.pk} du {timezone.localtime(self.created_at):%d/%m/%Y}"

    @property
    def short_code_expired(self) -> bool:
        return self.short_code_expires_at is not None and self.short_code_expires_at < timezone.now()
