from django.db import models


class StructureKind(models.TextChoices):
    COLLECTIVITE = "collectivite", "Collectivité territoriale"
    CCAS = "ccas", "CCAS / CIAS"
    ASSOCIATION = "association", "Association"
    FRANCE_SERVICES = "france_services", "France Services"
    MEDIATHEQUE = "mediatheque", "Médiathèque, bibliothèque"
    TIERS_LIEU = "tiers_lieu", "Tiers-lieu"
    ENTREPRISE = "entreprise", "Entreprise"
    OPERATEUR_SOCIAL = "operateur_social", "Opérateur social (CAF, France Travail, CPAM…)"
    HUB = "hub", "Hub territorial"
    OTHER = "other", "Autre"


class MembershipRole(models.TextChoices):
    GESTIONNAIRE = "gestionnaire", "Gestionnaire de structure"
    MEDIATEUR = "mediateur", "Médiateur numérique"
    CONSEILLER_NUMERIQUE = "conseiller_numerique", "Conseiller numérique"
    AIGUILLEUR = "aiguilleur", "Aiguilleur / prescripteur"


class TeamMemberState(models.TextChoices):
    """Where a coordinator's invitation of a mediator into their team stands."""

    INVITED = "invited", "Invitation en attente"
    ACCEPTED = "accepted", "Membre de l'équipe"
    DECLINED = "declined", "Invitation refusée"
    WITHDRAWN = "withdrawn", "Invitation retirée"
    REMOVED = "removed", "Retiré de l'équipe"
