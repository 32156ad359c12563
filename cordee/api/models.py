from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKeyQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class IdempotencyKey(models.Model):
    """A write already answered: a repeat with the same key gets the same status and body (see idempotency.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField("point d'accès", max_length=200)
    key = models.CharField("clé", max_length=255)
    fingerprint = models.CharField("empreinte de la requête", max_length=64)
    response_status = models.PositiveSmallIntegerField("statut de la réponse", null=True)
    # The JSON text itself: a JSON column (jsonb) would not keep the order of the keys.
    response_body = models.TextField("corps de la réponse (JSON)", blank=True)
    created_at = models.DateTimeField("reçue le", default=timezone.now)
    expires_at = models.DateTimeField("oubliée après le", db_index=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="api_idempotency_key_unique_per_endpoint")
        ]

    def __str__(self):
        return f"{self.endpoint} {self.key}"
