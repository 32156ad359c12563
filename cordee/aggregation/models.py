"""A places file imported from the web: who sent it, its state and progress, its outcome and report."""

from django.conf import settings
from django.db import models

from cordee.core.models import BackgroundTask


class PlaceImport(BackgroundTask):
    """State, progress, heartbeat, report file (``result_file``) and failure message: ``BackgroundTask``."""

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
    # Rows identical to places already present under another source or id update them (no double).
    attach_identical = models.BooleanField("rattacher les lieux identiques", default=False)
    created_count = models.PositiveIntegerField("lieux créés", default=0)
    updated_count = models.PositiveIntegerField("lieux mis à jour", default=0)
    unchanged_count = models.PositiveIntegerField("lieux inchangés", default=0)
    rejected_count = models.PositiveIntegerField("lignes rejetées", default=0)
    warnings_count = models.PositiveIntegerField("avertissements", default=0)
    summary = models.TextField("résumé", blank=True)
    # Départements where the import wrote places, as "|23|87|": coordinators see the imports of their
    # territories (cordee.places.perms.visible_imports).
    departement_codes = models.CharField("départements touchés", max_length=1000, blank=True, default="")

    class Meta:
        # The table was created by the places app; the model moved here with its rows.
        db_table = "places_placeimport"
        verbose_name = "import de lieux"
        verbose_name_plural = "imports de lieux"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.source_name} ({self.original_name})"

    @property
    def summary_notes(self) -> list[str]:
        """The summary's notes (identical places, unknown columns, values read per field), without the
        file, source, counts and duration lines (``ImportReport.summary_lines``)."""
        lines = self.summary.splitlines()[3:]
        return [line for line in lines if not line.startswith("Durée")]

    @property
    def outcome_text(self) -> str:
        """« 4 lignes lues : 3 lieux créés, 0 modifié, 0 inchangé, 1 ligne rejetée, 0 avertissement. »"""
        parts = [
            _count(self.created_count, "lieu créé", "lieux créés"),
            _count(self.updated_count, "modifié", "modifiés"),
            _count(self.unchanged_count, "inchangé", "inchangés"),
            _count(self.rejected_count, "ligne rejetée", "lignes rejetées"),
            _count(self.warnings_count, "avertissement", "avertissements"),
        ]
        return f"{_count(self.progress_total, 'ligne lue', 'lignes lues')} : {', '.join(parts)}."


def _count(number, singular, plural) -> str:
    """French: 0 and 1 take the singular; thousands separated by a non-breaking space."""
    return f"{number:,}".replace(",", "\u00a0") + " " + (singular if number < 2 else plural)
