from django.db import models


class OrderState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    CONFIRMED = "confirmed", "Confirmée"
    CLOSED = "closed", "Clôturée"


class PassState(models.TextChoices):
    IN_STOCK = "in_stock", "En stock"
    ALLOCATED = "allocated", "Confié à une structure"
    DISTRIBUTED = "distributed", "Remis à une personne"
    REDEEMED = "redeemed", "Utilisé"
    EXPIRED = "expired", "Expiré"
    CANCELLED = "cancelled", "Annulé"


class PassEventKind(models.TextChoices):
    ISSUED = "issued", "Émis"
    ALLOCATED = "allocated", "Confié à une structure"
    MOVED = "moved", "Carnet déplacé"
    DISTRIBUTED = "distributed", "Remis à une personne"
    REDEEMED = "redeemed", "Utilisé"
    EXPIRED = "expired", "Expiré (valeur recréditée)"
    CANCELLED = "cancelled", "Annulé (valeur recréditée)"


class CreditKind(models.TextChoices):
    EXPIRED = "expired", "Pass expiré"
    CANCELLED = "cancelled", "Pass annulé"


class CancellationReason(models.TextChoices):
    BOOK_LOST = "book_lost", "Carnet perdu"
    FUNDER = "funder", "Annulation par le financeur"


class StatementState(models.TextChoices):
    SUBMITTED = "submitted", "Demande envoyée"
    APPROVED = "approved", "Approuvée"
    PAID = "paid", "Payée"
    REJECTED = "rejected", "Refusée"


class MoneyStatus(models.TextChoices):
    """Where the money of one redemption stands."""

    OWED = "owed", "Dû au lieu"
    CLAIMED = "claimed", "Demandé"
    PAID = "paid", "Payé"
