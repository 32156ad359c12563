"""Choices of aggregation (imports and exports of places files), with French labels."""

from django.db import models


class ImportState(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échoué"
