from django.db import models


class ReferralState(models.TextChoices):
    SENT = "sent", "Envoyée"
    IN_REVIEW = "in_review", "En cours d'examen"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    APPOINTMENT_SET = "appointment_set", "Rendez-vous fixé"
    NO_SHOW = "no_show", "Personne absente au rendez-vous"
    ACCOMPANIED = "accompanied", "Personne accompagnée"
    CLOSED = "closed", "Clôturée"
    EXPIRED = "expired", "Expirée sans réponse"
    CANCELLED = "cancelled", "Annulée"


class RefusalReason(models.TextChoices):
    UNREACHABLE = "unreachable", "Personne injoignable"
    ABSENT = "absent", "Personne absente"
    UNAVAILABLE = "unavailable", "Personne indisponible"
    NOT_ELIGIBLE = "not_eligible", "Personne non éligible à l'offre"
    NOT_MOBILE = "not_mobile", "Personne ne pouvant pas se déplacer"
    NOT_INTERESTED = "not_interested", "Personne pas intéressée"
    OTHER_BARRIERS = "other_barriers", "Autres freins à lever d'abord"
    FULL = "full", "Plus de place disponible"
    SERVICE_NOT_OFFERED = "service_not_offered", "Service non proposé par le lieu"
    DUPLICATE = "duplicate", "Orientation en double"
    OTHER = "other", "Autre motif"


class CloseOutcome(models.TextChoices):
    ACCOMPANIED = "accompanied", "Personne accompagnée"
    ABSENT = "absent", "Personne absente"
    UNREACHABLE = "unreachable", "Personne injoignable"
    GAVE_UP = "gave_up", "La personne a renoncé"
    REORIENTED = "reoriented", "Réorientée vers un autre lieu"


class ContactPreference(models.TextChoices):
    PHONE = "phone", "Par téléphone"
    EMAIL = "email", "Par courriel"
    REFERENT = "referent", "Par une personne référente"
    OTHER = "other", "Autrement (voir le message)"


class ResponseDelay(models.TextChoices):
    """Usual time a place takes to answer a referral, in buckets."""

    ONE_DAY = "1", "répond en général en 1 jour ou moins"
    THREE_DAYS = "3", "répond en général en 3 jours ou moins"
    SEVEN_DAYS = "7", "répond en général en 7 jours ou moins"
    FOURTEEN_DAYS = "14", "répond en général en 14 jours ou moins"
    LONGER = "more", "répond en général en plus de 14 jours"
