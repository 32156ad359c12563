"""A places file imported from the web: who sent it, its state and progress, its outcome and report."""

from django.conf import settings
from django.db import models

from cordee.aggregation.enums import ImportState


class PlaceImport(models.Model):
    # Kept when the account is deleted (the journal keeps who it was).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="place_imports",
    )
    source_name = models.SlugField("nom de la source", max_length=100)
    original_name = models.CharField("nom du fichier envoyé", max_length=255)
    file = models.FileField("fichier", upload_to="imports/")
    state = models.CharField("état", max_length=10, choices=ImportState.choices, default=ImportState.PENDING)
    progress_done = models.PositiveIntegerField("lignes traitées", default=0)
    progress_total = models.PositiveIntegerField("lignes à traiter", default=0)
    created_count = models.PositiveIntegerField("lieux créés", default=0)
    updated_count = models.PositiveIntegerField("lieux mis à jour", default=0)
    rejected_count = models.PositiveIntegerField("lignes rejetées", default=0)
    warnings_count = models.PositiveIntegerField("avertissements", default=0)
    summary = models.TextField("résumé", blank=True)
    report_csv = models.TextField("rapport CSV", blank=True)
    error_message = models.TextField("message d'erreur", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        # The table was created by the places app; the model moved here with its data.
        db_table = "places_placeimport"
        verbose_name = "import de lieux"
        verbose_name_plural = "imports de lieux"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.source_name} ({self.original_name})"

    @property
    def is_active(self):
        return self.state in (ImportState.PENDING, ImportState.RUNNING)

    @property
    def progress_percent(self):
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)
