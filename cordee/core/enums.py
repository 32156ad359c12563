"""Choices shared by every app, with French labels."""

from django.db import models


class TaskState(models.TextChoices):
    """Where a background task stands (imports, exports, statements…)."""

    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échoué"
