"""Choices describing a followed person, shared with the activities' anonymous counts."""

from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Féminin"
    MALE = "male", "Masculin"
    UNKNOWN = "unknown", "Non communiqué"


class Status(models.TextChoices):
    STUDENT = "student", "Scolarisé"
    UNEMPLOYED = "unemployed", "Sans emploi"
    EMPLOYED = "employed", "En emploi"
    RETIRED = "retired", "Retraité"
    UNKNOWN = "unknown", "Non communiqué ou hétérogène"
