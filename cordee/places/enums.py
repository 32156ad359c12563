"""Choices of the places directory.

Values of the multi-valued fields are the exact French values of the standard v1.0.x (LaMednum
``standard-mediation-num``). The order of members matters: it gives each value its bit in the
``*_mask`` fields of ``Place``. Only ever append new members at the end.
"""

import enum

from django.db import models


class StandardChoices(models.TextChoices):
    """A closed list of the standard: each value is already the French label people read."""

    @enum.property
    def label(self):
        return self.value


class Service(StandardChoices):
    AIDE_DEMARCHES = "Aide aux démarches administratives"
    OUTILS_QUOTIDIEN = "Maîtrise des outils numériques du quotidien"
    INSERTION_PRO = "Insertion professionnelle via le numérique"
    UTILISATION_SECURISEE = "Utilisation sécurisée du numérique"
    PARENTALITE = "Parentalité et éducation avec le numérique"
    LOISIRS_CREATIONS = "Loisirs et créations numériques"
    COMPREHENSION_MONDE = "Compréhension du monde numérique"
    ACCES_INTERNET_MATERIEL = "Accès internet et matériel informatique"
    MATERIEL_PRIX_SOLIDAIRE = "Acquisition de matériel informatique à prix solidaire"


class Public(StandardChoices):
    JEUNES = "Jeunes"
    ETUDIANTS = "Étudiants"
    FAMILLES_ENFANTS = "Familles et/ou enfants"
    SENIORS = "Seniors"
    FEMMES = "Femmes"


class SpecificSupport(StandardChoices):
    """prise_en_charge_specifique"""

    SURDITE = "Surdité"
    HANDICAPS_MOTEURS = "Handicaps moteurs"
    HANDICAPS_MENTAUX = "Handicaps mentaux"
    ILLETTRISME = "Illettrisme"
    LANGUES_ANGLAIS = "Langues étrangères (anglais)"
    LANGUES_AUTRES = "Langues étrangères (autres)"
    DEFICIENCE_VISUELLE = "Déficience visuelle"


class Fee(StandardChoices):
    """frais_a_charge"""

    GRATUIT = "Gratuit"
    GRATUIT_SOUS_CONDITION = "Gratuit sous condition"
    PAYANT = "Payant"


class NationalProgramme(StandardChoices):
    """dispositif_programmes_nationaux"""

    AIDANTS_CONNECT = "Aidants Connect"
    BIBLIOTHEQUES_NUMERIQUE_REFERENCE = "Bibliothèques numérique de référence"
    CERTIFICATION_PIX = "Certification PIX"
    CONSEILLERS_NUMERIQUES = "Conseillers numériques"
    EMMAUS_CONNECT = "Emmaüs Connect"
    FRANCE_SERVICES = "France Services"
    GRANDE_ECOLE_NUMERIQUE = "Grande école du numérique"
    CROIX_ROUGE = "La Croix Rouge"
    POINT_ACCES_CAF = "Point d'accès numérique CAF"
    PROMENEURS_DU_NET = "Promeneurs du net"
    RELAIS_EMMAUS_CONNECT = "Relais numérique (Emmaüs Connect)"


class TrainingLabel(StandardChoices):
    """formations_labels"""

    MON_ESPACE_SANTE = "Formé à « Mon Espace Santé »"
    DUPLEX = "Formé à « DUPLEX » (illettrisme)"
    ARNIA_MEDNUM_BFC = "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"
    REEMPLOI_NORMANDIE = "Collectif ressources et acteurs réemploi (Normandie)"
    # The schema v1.0.2 pattern says "Étapes numériques(La Poste)" (no space): see docs/standard-defects.md.
    ETAPES_NUMERIQUES = "Étapes numériques (La Poste)"
    FABRIQUES_TERRITOIRE = "Fabriques de Territoire"
    ECLAIREURS_DROME = "Les Éclaireurs du numérique (Drôme)"
    MES_PAPIERS_LYON = "Mes Papiers (Métropole de Lyon)"
    ORDI_3_0 = "ORDI 3.0"
    SUD_LABS = "SUD LABS (PACA)"


class AccessMode(StandardChoices):
    """modalites_acces"""

    SE_PRESENTER = "Se présenter"
    TELEPHONER = "Téléphoner"
    MAIL = "Contacter par mail"
    RDV_EN_LIGNE = "Prendre un RDV en ligne"
    PAS_DE_PUBLIC = "Ce lieu n'accueille pas de public"
    FICHE_PRESCRIPTION = "Envoyer un mail avec une fiche de prescription"


class SupportMode(StandardChoices):
    """modalites_accompagnement"""

    AUTONOMIE = "En autonomie"
    INDIVIDUEL = "Accompagnement individuel"
    ATELIER_COLLECTIF = "Dans un atelier collectif"
    A_DISTANCE = "À distance"


class Mobility(StandardChoices):
    """itinerance"""

    ITINERANT = "Itinérant"
    FIXE = "Fixe"


class CoordinatesPrecision(models.TextChoices):
    ADDRESS = "address", "À l'adresse"
    COMMUNE = "commune", "Au centre de la commune"
    UNKNOWN = "unknown", "Inconnue"


class QualificationState(models.TextChoices):
    NOT_REQUESTED = "not_requested", "Non demandée"
    REQUESTED = "requested", "Demandée"
    QUALIFIED = "qualified", "Lieu qualifié"
    REFUSED = "refused", "Refusée"


class SiretStatus(models.TextChoices):
    VALID = "valid", "SIRET valide"
    PLACEHOLDER = "placeholder", "Inconnu (00000000000000)"
    RNA = "rna", "Numéro RNA (association)"
    INVALID = "invalid", "Identifiant invalide"
    MISSING = "missing", "Absent"


class HoursStatus(models.TextChoices):
    NONE = "none", "Non renseignés"
    VALID = "valid", "Valides"
    INVALID = "invalid", "Illisibles"


class CriterionCheck(models.TextChoices):
    """How a criterion is met: computed from the place's fields, or declared by its structure."""

    MANUAL = "", "Déclaré par la structure"
    VALID_HOURS = "valid_hours", "Horaires lisibles"
    ACCESSIBILITY = "accessibility", "Fiche Accès libre renseignée"
    SERVICES = "services", "Au moins un service"
    CONTACT = "contact", "Un téléphone ou une adresse électronique"
    FRESH = "fresh", "Mis à jour depuis moins de 6 mois"
    FEES = "fees", "Frais à charge indiqués"


class ReportKind(models.TextChoices):
    CLOSED = "closed", "Le lieu est fermé définitivement"
    WRONG_HOURS = "wrong_hours", "Les horaires sont faux"
    WRONG_CONTACT = "wrong_contact", "Les coordonnées sont fausses (adresse, téléphone, courriel)"
    OTHER = "other", "Autre erreur"


class ReportState(models.TextChoices):
    NEW = "new", "À traiter"
    ACCEPTED = "accepted", "Prise en compte"
    DISMISSED = "dismissed", "Écartée"
