"""The person helped: pseudonymous and minimal, owned by one structure.

One record is shared by diagnostics, referrals, activities and Pass numérique distribution, so that a
person's journey reads as one timeline. Only what the help needs is kept: an alias chosen with the
person, optionally a year of birth and a commune, and the consent with its date.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cordee.beneficiaries.enums import Gender, Status

ANONYMISED_ALIAS = "Personne anonymisée"


class BeneficiaryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(anonymised_at__isnull=True)


class Beneficiary(models.Model):
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="beneficiaries", verbose_name="structure"
    )
    alias = models.CharField(
        "pseudonyme",
        max_length=60,
        help_text="Un prénom d'usage, des initiales ou un surnom choisi avec la personne. Jamais son nom complet.",
    )
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune de résidence",
    )
    gender = models.CharField("genre", max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    status = models.CharField("situation", max_length=12, choices=Status.choices, default=Status.UNKNOWN)
    consent_given = models.BooleanField("consentement recueilli", default=False)
    consent_at = models.DateTimeField("consentement recueilli le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"
        ordering = ["alias", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=False) | Q(consent_at__isnull=False),
                name="beneficiary_consent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.alias} (n° {self.pk})" if self.pk else self.alias

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None
