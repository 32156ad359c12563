"""Append-only audit log of sensitive actions."""

from django.conf import settings
from django.db import models


class JournalIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a journal entry."""


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalIsAppendOnly("Le journal ne peut pas être modifié.")

    def delete(self):
        raise JournalIsAppendOnly("Le journal ne peut pas être effacé.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class Entry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    actor_label = models.CharField("auteur (pseudonyme)", max_length=255, blank=True)
    action = models.CharField("action", max_length=100, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=255, blank=True)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    details = models.JSONField("détails", default=dict, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="journal_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalIsAppendOnly("Le journal ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("Le journal ne peut pas être effacé.")
