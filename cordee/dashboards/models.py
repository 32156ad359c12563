"""Exports of a dashboard that run in the background (more than a few thousand activities)."""

from django.conf import settings
from django.db import models

from cordee.core.models import BackgroundTask


class ExportWhat(models.TextChoices):
    ACTIVITIES = "activities", "Activités"
    AGGREGATES = "aggregates", "Statistiques"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (tableur)"


class DashboardExport(BackgroundTask):
    """A file of a dashboard's activities or figures; state, progress and file: ``BackgroundTask``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="dashboard_exports",
    )
    scope_ref = models.CharField("périmètre", max_length=40)
    query = models.CharField("filtres", max_length=2000, blank=True)
    what = models.CharField("contenu", max_length=10, choices=ExportWhat.choices)
    file_format = models.CharField("format", max_length=4, choices=ExportFormat.choices)
    row_count = models.PositiveIntegerField("lignes", default=0)

    class Meta:
        verbose_name = "export de tableau de bord"
        verbose_name_plural = "exports de tableaux de bord"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Export {self.get_what_display()} {self.scope_ref} ({self.file_format})"
