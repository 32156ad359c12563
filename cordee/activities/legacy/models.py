"""What the v1 import keeps besides the activities: every raw row, and how v1 identifiers map onto ours.

- ``LegacyActivityRow``: each row of every v1 file read, as it was (non-empty cells only), with what became
  of it (imported as an activity, or rejected and why). One row per v1 id: a re-import updates it.
- ``LegacyMediator``: a v1 conseiller numérique id → a Cordée account. Set by an administrator (or a
  future self-service claim); the import never creates an account and never guesses one.
- ``LegacyStructure``: a v1 structure id → a Cordée structure, with ``created_by_import`` for structures the
  import had to create (unknown SIRET), to be checked by an administrator.
"""

from django.conf import settings
from django.db import models


class LegacyRowOutcome(models.TextChoices):
    IMPORTED = "imported", "Importée"
    REJECTED = "rejected", "Rejetée"


class LegacyActivityRow(models.Model):
    legacy_id = models.CharField("identifiant v1", max_length=64, unique=True)
    values = models.JSONField("ligne v1 telle quelle", default=dict)
    file_name = models.CharField("fichier", max_length=255, blank=True)
    row_number = models.PositiveIntegerField("ligne du fichier", default=0)
    outcome = models.CharField("résultat", max_length=10, choices=LegacyRowOutcome.choices)
    reason = models.TextField("motif du rejet", blank=True)
    activity = models.OneToOneField(
        "activities.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="legacy_row"
    )
    read_at = models.DateTimeField("lue le")

    class Meta:
        verbose_name = "ligne de CRA v1"
        verbose_name_plural = "lignes de CRA v1"
        ordering = ["pk"]

    def __str__(self):
        return f"CRA v1 {self.legacy_id}"


class LegacyMediator(models.Model):
    v1_id = models.CharField("identifiant conseiller numérique v1", max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legacy_mediator_ids", verbose_name="compte"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "identifiant v1 d'un conseiller"
        verbose_name_plural = "identifiants v1 des conseillers"
        ordering = ["v1_id"]

    def __str__(self):
        return f"conseiller v1 {self.v1_id}"


class LegacyStructure(models.Model):
    v1_id = models.CharField("identifiant structure v1", max_length=64, unique=True)
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="legacy_ids", verbose_name="structure"
    )
    created_by_import = models.BooleanField(
        "créée par l'import", default=False, help_text="SIRET inconnu de Cordée : structure à vérifier."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "identifiant v1 d'une structure"
        verbose_name_plural = "identifiants v1 des structures"
        ordering = ["v1_id"]

    def __str__(self):
        return f"structure v1 {self.v1_id}"
