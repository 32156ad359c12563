from django.db import models


class VersionState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    ARCHIVED = "archived", "Remplacée"


class QuestionKind(models.TextChoices):
    SKILL = "skill", "Compétence"
    EQUIPMENT = "equipment", "Équipement et connexion"
    BARRIER = "barrier", "Ce qui peut gêner"


class Answer(models.TextChoices):
    """Answer codes. Skill questions offer the first four, from the most to the least autonomous."""

    SEUL = "seul", "Je sais faire seul·e"
    AVEC_AIDE = "avec_aide", "Je sais faire avec de l'aide"
    NE_SAIT_PAS = "ne_sait_pas", "Je ne sais pas faire"
    PAS_CONCERNE = "pas_concerne", "Je ne suis pas concerné·e"
    OUI = "oui", "Oui"
    NON = "non", "Non"
    APPRENDRE = "apprendre", "Apprendre à faire moi-même"
    FAIRE_AVEC = "faire_avec", "Que quelqu'un le fasse avec moi ou pour moi"


SKILL_ANSWERS = [Answer.SEUL, Answer.AVEC_AIDE, Answer.NE_SAIT_PAS, Answer.PAS_CONCERNE]


class Profile(models.TextChoices):
    AUTONOME = "autonome", "Autonome"
    A_FORMER = "a_former", "À former (atelier collectif)"
    A_ACCOMPAGNER = "a_accompagner", "À accompagner (accompagnement individuel)"
    A_AIDER = "a_aider", "À aider (faire avec ou pour la personne)"


class AutonomyLevel(models.TextChoices):
    """The autonomy of a person during an accompaniment. Defined here; the activity reports reuse it."""

    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", "Entièrement accompagné"
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", "Partiellement autonome"
    AUTONOME = "autonome", "Autonome"


class Constraint(models.TextChoices):
    """What stands in the way besides skills. The referrals reuse these codes as their constraints."""

    LECTURE_FRANCAIS = "lecture_francais", "Difficultés à lire le français"
    APPREHENSION = "apprehension", "Appréhension du numérique"
    HANDICAP = "handicap", "Handicap ou santé à prendre en compte"
    URGENCE = "urgence", "Démarche à faire maintenant"
    FAIRE_AVEC = "faire_avec", "Préfère que l'on fasse avec ou pour elle"
    SANS_EQUIPEMENT = "sans_equipement", "Ni smartphone ni ordinateur"
    SANS_INTERNET = "sans_internet", "Pas d'internet à la maison"


class Mode(models.TextChoices):
    SELF = "self", "Autodiagnostic"
    ASSISTED = "assisted", "Diagnostic accompagné"
