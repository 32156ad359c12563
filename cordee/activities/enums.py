"""Choices of the activity reports (comptes rendus d'activité).

Codes are English and stable; labels are French. The order of ``Theme``, ``AdminSubTheme``, ``Equipment`` and
``Redirection`` members gives each value its bit in the ``*_mask`` columns of ``Activity``: only ever append
new members at the end.
"""

from django.db import models

from cordee.beneficiaries.enums import Gender, Status
from cordee.places.enums import Service

__all__ = [
    "AdminSubTheme",
    "AgeBand",
    "ActivityKind",
    "Autonomy",
    "Equipment",
    "Gender",
    "LocationKind",
    "Redirection",
    "Source",
    "Status",
    "SERVICE_THEME",
    "THEME_SERVICES",
    "Theme",
    "WorkshopLevel",
]


class ActivityKind(models.TextChoices):
    INDIVIDUAL = "individual", "Accompagnement individuel"
    QUICK = "quick", "Demande ponctuelle"
    WORKSHOP = "workshop", "Atelier collectif"
    # A coordinator's own activities.
    ANIMATION = "animation", "Animation"
    EVENT = "event", "Événement"
    PARTNERSHIP = "partnership", "Partenariat"


MEDIATION_KINDS = (ActivityKind.INDIVIDUAL, ActivityKind.QUICK, ActivityKind.WORKSHOP)
COORDINATION_KINDS = (ActivityKind.ANIMATION, ActivityKind.EVENT, ActivityKind.PARTNERSHIP)


class WorkshopLevel(models.TextChoices):
    BEGINNER = "beginner", "Débutant"
    INTERMEDIATE = "intermediate", "Intermédiaire"
    ADVANCED = "advanced", "Avancé"


class Theme(models.TextChoices):
    """The national programme's 19 themes, in its order."""

    DIAGNOSTIC = "diagnostic", "Diagnostic numérique"
    HARDWARE_HANDLING = "hardware_handling", "Prendre en main du matériel"
    HARDWARE_MAINTENANCE = "hardware_maintenance", "Maintenance de matériel"
    CONTENT_MANAGEMENT = "content_management", "Gérer ses contenus numériques"
    BROWSING = "browsing", "Naviguer sur internet"
    EMAIL = "email", "E-mail"
    OFFICE = "office", "Bureautique"
    SOCIAL_NETWORKS = "social_networks", "Réseaux sociaux communication"
    HEALTH = "health", "Santé"
    BANKING_SHOPPING = "banking_shopping", "Banque et achats en ligne"
    ENTREPRENEURSHIP = "entrepreneurship", "Entrepreneuriat"
    EMPLOYMENT = "employment", "Insertion professionnelle"
    SECURITY = "security", "Prévention en sécurité numérique"
    PARENTING = "parenting", "Parentalité"
    SCHOOLING = "schooling", "Scolarité et numérique"
    DIGITAL_CREATION = "digital_creation", "Créer avec le numérique"
    DIGITAL_CULTURE = "digital_culture", "Culture numérique"
    ARTIFICIAL_INTELLIGENCE = "artificial_intelligence", "Intelligence artificielle (IA)"
    ADMIN_PROCEDURES = "admin_procedures", "Aide aux démarches administratives"


class AdminSubTheme(models.TextChoices):
    """Sub-themes of « Aide aux démarches administratives » (only with that theme)."""

    PAPERS = "papers", "Papiers - Élections Citoyenneté"
    FAMILY = "family", "Famille - Scolarité"
    SOCIAL_HEALTH = "social_health", "Social - Santé"
    WORK = "work", "Travail - Formation"
    HOUSING = "housing", "Logement"
    TRANSPORT = "transport", "Transports - Mobilité"
    MONEY_TAXES = "money_taxes", "Argent - Impôts"
    JUSTICE = "justice", "Justice"
    FOREIGNERS = "foreigners", "Étrangers - Europe"
    LEISURE = "leisure", "Loisirs - Sports Culture"
    ASSOCIATIONS = "associations", "Associations"


class Equipment(models.TextChoices):
    COMPUTER = "computer", "Ordinateur"
    PHONE = "phone", "Téléphone"
    TABLET = "tablet", "Tablette"
    OTHER = "other", "Autre matériel"
    NONE = "none", "Pas de matériel"


class Autonomy(models.TextChoices):
    FULLY_ASSISTED = "fully_assisted", "Entièrement accompagné"
    PARTLY_AUTONOMOUS = "partly_autonomous", "Partiellement autonome"
    AUTONOMOUS = "autonomous", "Autonome"


class Redirection(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    DIGITAL_MEDIATION = "digital_mediation", "Médiation numérique"
    OPERATOR = "operator", "Opérateur ou organisme en charge"
    SOCIAL_AID = "social_aid", "Aide sociale"
    EMPLOYMENT = "employment", "Insertion professionnelle"
    ADMIN_HELP = "admin_help", "Aide aux démarches administratives"
    OTHER = "other", "Autre"


class LocationKind(models.TextChoices):
    PLACE = "place", "Dans un lieu"
    HOME = "home", "À domicile"
    REMOTE = "remote", "À distance"
    ELSEWHERE = "elsewhere", "Autre lieu"


class AgeBand(models.TextChoices):
    UNDER_12 = "under_12", "Moins de 12 ans"
    FROM_12_TO_17 = "12_17", "12 à 17 ans"
    FROM_18_TO_24 = "18_24", "18 à 24 ans"
    FROM_25_TO_39 = "25_39", "25 à 39 ans"
    FROM_40_TO_59 = "40_59", "40 à 59 ans"
    FROM_60_TO_69 = "60_69", "60 à 69 ans"
    FROM_70 = "70_plus", "70 ans et plus"
    UNKNOWN = "unknown", "Non communiqué"
    # Bands of the v1 tool, kept as they are on imported rows.
    V1_UNDER_12 = "v1_under_12", "Moins de 12 ans (v1)"
    V1_12_18 = "v1_12_18", "12 à 18 ans (v1)"
    V1_18_35 = "v1_18_35", "18 à 35 ans (v1)"
    V1_35_60 = "v1_35_60", "35 à 60 ans (v1)"
    V1_OVER_60 = "v1_over_60", "Plus de 60 ans (v1)"


CURRENT_AGE_BANDS = AgeBand.values[:8]
V1_AGE_BANDS = AgeBand.values[8:]

# The count column of each age band on Activity.
AGE_BAND_COLUMNS = {
    AgeBand.UNDER_12: "age_under_12",
    AgeBand.FROM_12_TO_17: "age_12_17",
    AgeBand.FROM_18_TO_24: "age_18_24",
    AgeBand.FROM_25_TO_39: "age_25_39",
    AgeBand.FROM_40_TO_59: "age_40_59",
    AgeBand.FROM_60_TO_69: "age_60_69",
    AgeBand.FROM_70: "age_70_plus",
    AgeBand.UNKNOWN: "age_unknown",
    AgeBand.V1_UNDER_12: "age_v1_under_12",
    AgeBand.V1_12_18: "age_v1_12_18",
    AgeBand.V1_18_35: "age_v1_18_35",
    AgeBand.V1_35_60: "age_v1_35_60",
    AgeBand.V1_OVER_60: "age_v1_over_60",
}
GENDER_COLUMNS = {
    Gender.FEMALE: "gender_female",
    Gender.MALE: "gender_male",
    Gender.UNKNOWN: "gender_unknown",
}
STATUS_COLUMNS = {
    Status.STUDENT: "status_student",
    Status.UNEMPLOYED: "status_unemployed",
    Status.EMPLOYED: "status_employed",
    Status.RETIRED: "status_retired",
    Status.UNKNOWN: "status_unknown",
}


def age_band(birth_year: int | None, on_year: int) -> str:
    """The current age band of someone born in ``birth_year`` during ``on_year`` (unknown without a year)."""
    if not birth_year or birth_year > on_year:
        return AgeBand.UNKNOWN
    age = on_year - birth_year
    for upper, band in (
        (12, AgeBand.UNDER_12),
        (18, AgeBand.FROM_12_TO_17),
        (25, AgeBand.FROM_18_TO_24),
        (40, AgeBand.FROM_25_TO_39),
        (60, AgeBand.FROM_40_TO_59),
        (70, AgeBand.FROM_60_TO_69),
    ):
        if age < upper:
            return band
    return AgeBand.FROM_70


class Source(models.TextChoices):
    ENTERED = "entered", "Saisie"
    IMPORT_V1 = "import_v1", "Import CRA v1"


# Each theme and the standard's services (cordee.places.enums.Service) a place offers for it: the link between
# what mediators report and the places directory.
THEME_SERVICES: dict[str, tuple[str, ...]] = {
    Theme.DIAGNOSTIC: (Service.OUTILS_QUOTIDIEN,),
    Theme.HARDWARE_HANDLING: (Service.OUTILS_QUOTIDIEN, Service.ACCES_INTERNET_MATERIEL),
    Theme.HARDWARE_MAINTENANCE: (Service.ACCES_INTERNET_MATERIEL, Service.MATERIEL_PRIX_SOLIDAIRE),
    Theme.CONTENT_MANAGEMENT: (Service.OUTILS_QUOTIDIEN,),
    Theme.BROWSING: (Service.OUTILS_QUOTIDIEN, Service.ACCES_INTERNET_MATERIEL),
    Theme.EMAIL: (Service.OUTILS_QUOTIDIEN,),
    Theme.OFFICE: (Service.OUTILS_QUOTIDIEN,),
    Theme.SOCIAL_NETWORKS: (Service.OUTILS_QUOTIDIEN, Service.COMPREHENSION_MONDE),
    Theme.HEALTH: (Service.AIDE_DEMARCHES,),
    Theme.BANKING_SHOPPING: (Service.OUTILS_QUOTIDIEN, Service.UTILISATION_SECURISEE),
    Theme.ENTREPRENEURSHIP: (Service.INSERTION_PRO,),
    Theme.EMPLOYMENT: (Service.INSERTION_PRO,),
    Theme.SECURITY: (Service.UTILISATION_SECURISEE,),
    Theme.PARENTING: (Service.PARENTALITE,),
    Theme.SCHOOLING: (Service.PARENTALITE,),
    Theme.DIGITAL_CREATION: (Service.LOISIRS_CREATIONS,),
    Theme.DIGITAL_CULTURE: (Service.COMPREHENSION_MONDE,),
    Theme.ARTIFICIAL_INTELLIGENCE: (Service.COMPREHENSION_MONDE,),
    Theme.ADMIN_PROCEDURES: (Service.AIDE_DEMARCHES,),
}

# The theme a report starts with when it follows a need expressed as a standard's service (a referral's needs, a
# diagnostic's recommended services).
SERVICE_THEME: dict[str, str] = {
    Service.AIDE_DEMARCHES: Theme.ADMIN_PROCEDURES,
    Service.OUTILS_QUOTIDIEN: Theme.BROWSING,
    Service.INSERTION_PRO: Theme.EMPLOYMENT,
    Service.UTILISATION_SECURISEE: Theme.SECURITY,
    Service.PARENTALITE: Theme.PARENTING,
    Service.LOISIRS_CREATIONS: Theme.DIGITAL_CREATION,
    Service.COMPREHENSION_MONDE: Theme.DIGITAL_CULTURE,
    Service.ACCES_INTERNET_MATERIEL: Theme.HARDWARE_HANDLING,
    Service.MATERIEL_PRIX_SOLIDAIRE: Theme.HARDWARE_MAINTENANCE,
}
