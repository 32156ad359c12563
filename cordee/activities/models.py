"""Activity reports (comptes rendus d'activité, CRA) of mediators, conseillers numériques and coordinators.

One row per activity. A workshop's anonymous participants are integer counts on the row (total, returning,
by gender, age band and status), never one row per person. Followed people (``beneficiaries.Beneficiary``)
are linked: the individual one by ``beneficiary``, a workshop's by ``participants``; they are counted in the
same columns. Multi-valued lists are stored twice: a JSON list for display and a bitmask for filters
(``cordee.activities.fields``). Where it happened is denormalised to département and région codes so that
dashboards filter one table.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cordee.activities.enums import (
    ActivityKind,
    Autonomy,
    LocationKind,
    Source,
    Theme,
    WorkshopLevel,
)

AGE_COLUMNS = (
    "age_under_12",
    "age_12_17",
    "age_18_24",
    "age_25_39",
    "age_40_59",
    "age_60_69",
    "age_70_plus",
    "age_unknown",
    "age_v1_under_12",
    "age_v1_12_18",
    "age_v1_18_35",
    "age_v1_35_60",
    "age_v1_over_60",
)
GENDER_COLUMNS = ("gender_female", "gender_male", "gender_unknown")
STATUS_COLUMNS = ("status_student", "status_unemployed", "status_employed", "status_retired", "status_unknown")
COUNT_COLUMNS = ("participants", "returning", *GENDER_COLUMNS, *AGE_COLUMNS, *STATUS_COLUMNS)
BREAKDOWNS = {"gender": GENDER_COLUMNS, "age": AGE_COLUMNS, "status": STATUS_COLUMNS}


def _sum(columns):
    total = F(columns[0])
    for column in columns[1:]:
        total = total + F(column)
    return total


class ActivityTag(models.Model):
    """A structure's own label for activities (a project, a funder, a partner…)."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="activity_tags", verbose_name="structure"
    )
    name = models.CharField("nom", max_length=60)

    class Meta:
        verbose_name = "étiquette d'activité"
        verbose_name_plural = "étiquettes d'activité"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["structure", "name"], name="activity_tag_unique")]

    def __str__(self):
        return self.name


class ActivityQuerySet(models.QuerySet):
    def entered(self):
        return self.filter(source=Source.ENTERED)


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class Activity(models.Model):
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="médiateur ou médiatrice",
    )
    legacy_mediator_id = models.CharField("identifiant v1 du conseiller", max_length=40, blank=True)
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="structure",
    )
    kind = models.CharField("type", max_length=20, choices=ActivityKind.choices)
    date = models.DateField("date")
    duration_minutes = models.PositiveIntegerField("durée (minutes)")

    location_kind = models.CharField("lieu", max_length=12, choices=LocationKind.choices)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="lieu de médiation",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune",
    )
    departement_code = models.CharField("code du département", max_length=3, blank=True)
    region_code = models.CharField("code de la région", max_length=3, blank=True)

    themes = models.JSONField("thématiques", default=list, blank=True)
    themes_mask = models.PositiveIntegerField(default=0)
    admin_subthemes = models.JSONField("démarches administratives", default=list, blank=True)
    admin_subthemes_mask = models.PositiveIntegerField(default=0)
    admin_precision = models.CharField("précision sur la démarche", max_length=200, blank=True)
    equipment = models.JSONField("matériel utilisé", default=list, blank=True)
    equipment_mask = models.PositiveIntegerField(default=0)
    redirections = models.JSONField("orientations", default=list, blank=True)
    redirections_mask = models.PositiveIntegerField(default=0)
    autonomy = models.CharField("autonomie", max_length=20, choices=Autonomy.choices, blank=True)

    title = models.CharField("titre", max_length=200, blank=True)
    level = models.CharField("niveau", max_length=20, choices=WorkshopLevel.choices, blank=True)
    note = models.TextField("note libre", blank=True)

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="personne suivie",
    )
    followed_participants = models.ManyToManyField(
        "beneficiaries.Beneficiary",
        through="ActivityParticipant",
        related_name="workshops",
        blank=True,
        verbose_name="participants suivis",
    )

    # Anonymous counts (followed people are counted here too).
    participants = models.PositiveIntegerField("participants", default=1)
    returning = _count("déjà accompagnés")
    gender_female = _count("femmes")
    gender_male = _count("hommes")
    gender_unknown = _count("genre non communiqué")
    age_under_12 = _count("moins de 12 ans")
    age_12_17 = _count("12 à 17 ans")
    age_18_24 = _count("18 à 24 ans")
    age_25_39 = _count("25 à 39 ans")
    age_40_59 = _count("40 à 59 ans")
    age_60_69 = _count("60 à 69 ans")
    age_70_plus = _count("70 ans et plus")
    age_unknown = _count("âge non communiqué")
    age_v1_under_12 = _count("moins de 12 ans (v1)")
    age_v1_12_18 = _count("12 à 18 ans (v1)")
    age_v1_18_35 = _count("18 à 35 ans (v1)")
    age_v1_35_60 = _count("35 à 60 ans (v1)")
    age_v1_over_60 = _count("plus de 60 ans (v1)")
    status_student = _count("scolarisés")
    status_unemployed = _count("sans emploi")
    status_employed = _count("en emploi")
    status_retired = _count("retraités")
    status_unknown = _count("statut non communiqué ou hétérogène")

    is_conseiller_numerique = models.BooleanField("par un conseiller numérique", default=False)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="orientation",
    )
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="diagnostic",
    )
    tags = models.ManyToManyField(ActivityTag, related_name="activities", blank=True, verbose_name="étiquettes")

    source = models.CharField("origine", max_length=12, choices=Source.choices, default=Source.ENTERED)
    legacy_id = models.CharField("identifiant v1", max_length=40, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "activité"
        verbose_name_plural = "activités"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["departement_code", "date"], name="activity_dep_date"),
            models.Index(fields=["region_code", "date"], name="activity_region_date"),
            models.Index(fields=["structure", "date"], name="activity_structure_date"),
            models.Index(fields=["mediator", "date"], name="activity_mediator_date"),
            models.Index(fields=["date"], name="activity_date"),
            # Distinct followed people of a period (not summable, so never in the dashboards' rollups).
            models.Index(
                fields=["date", "beneficiary"], condition=Q(beneficiary__isnull=False), name="activity_followed_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="activity_duration_positive"),
            models.CheckConstraint(condition=Q(participants__gte=1), name="activity_participants_min"),
            models.CheckConstraint(condition=Q(returning__lte=F("participants")), name="activity_returning_le_total"),
            models.CheckConstraint(
                condition=Q(participants__gte=_sum(GENDER_COLUMNS)), name="activity_gender_le_total"
            ),
            models.CheckConstraint(condition=Q(participants__gte=_sum(AGE_COLUMNS)), name="activity_age_le_total"),
            models.CheckConstraint(
                condition=Q(participants__gte=_sum(STATUS_COLUMNS)), name="activity_status_le_total"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def is_workshop(self) -> bool:
        return self.kind == ActivityKind.WORKSHOP

    @property
    def theme_labels(self) -> list[str]:
        return [Theme(value).label for value in self.themes if value in Theme.values]

    @property
    def duration_label(self) -> str:
        hours, minutes = divmod(self.duration_minutes or 0, 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"


class ActivityParticipant(models.Model):
    """A followed person who took part in a workshop (anonymous participants are counts on the activity)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participant_links")
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.CASCADE, related_name="activity_links"
    )

    class Meta:
        verbose_name = "participant suivi"
        verbose_name_plural = "participants suivis"
        constraints = [
            models.UniqueConstraint(fields=["activity", "beneficiary"], name="activity_participant_unique"),
        ]

    def __str__(self):
        return f"{self.beneficiary_id} — {self.activity_id}"
