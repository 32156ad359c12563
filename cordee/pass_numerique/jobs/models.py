"""Printing jobs of Pass numérique books, and the alerts sent before an order ends."""

from django.conf import settings
from django.db import models

from cordee.core.models import BackgroundTask


class BookPrint(BackgroundTask):
    """The PDFs of an order's books (one per book, in a ZIP), written in the background with its progress."""

    order = models.ForeignKey(
        "pass_numerique.Order", on_delete=models.CASCADE, related_name="prints", verbose_name="commande"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    books_count = models.PositiveIntegerField("carnets imprimés", default=0)

    class Meta:
        verbose_name = "impression de carnets"
        verbose_name_plural = "impressions de carnets"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Impression des carnets de la commande {self.order_id}"


class ExpiryAlert(models.Model):
    """An alert sent to a structure still holding undistributed passes of an order before its end: once only."""

    order = models.ForeignKey(
        "pass_numerique.Order", on_delete=models.CASCADE, related_name="expiry_alerts", verbose_name="commande"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.CASCADE, related_name="+", verbose_name="structure"
    )
    passes_left = models.PositiveIntegerField("pass non remis")
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "alerte de fin de validité"
        verbose_name_plural = "alertes de fin de validité"
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["order", "structure"], name="pass_expiry_alert_once")]

    def __str__(self):
        return f"Alerte commande {self.order_id} → structure {self.structure_id}"
