from django.db import models


class TerritoryKind(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "Commune"


class CommuneKind(models.TextChoices):
    COMMUNE = "COM", "Commune"
    ARRONDISSEMENT = "ARM", "Arrondissement municipal"


class EpciKind(models.TextChoices):
    """The kinds of EPCI à fiscalité propre found in the shipped data (the Métropole de Lyon is a « ME » too)."""

    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METROPOLE = "ME", "Métropole"
