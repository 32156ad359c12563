"""Pages announced on the site whose feature is still in preparation.

Each entry is shown by the generic ``www:coming_soon`` view. When a feature lands, its links switch
to the real page on their own (see ``feature_url``), and the entry can then be removed.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Placeholder:
    title: str
    summary: str


PLACEHOLDERS = {
    "trouver-un-lieu": Placeholder(
        "Trouver un lieu",
        "Vous pourrez chercher près de chez vous un lieu où l'on vous aide à utiliser un ordinateur, "
        "un téléphone ou internet : horaires, services proposés, gratuité, Pass numérique accepté.",
    ),
    "diagnostic": Placeholder(
        "Faire un diagnostic",
        "Vous pourrez répondre à quelques questions simples pour savoir ce que vous savez déjà faire "
        "et quelle aide vous conviendrait le mieux. Seul ou avec un professionnel.",
    ),
    "orienter": Placeholder(
        "Orienter une personne",
        "Les professionnels (CCAS, CAF, France Services, travailleurs sociaux) pourront envoyer une personne "
        "vers un lieu qui peut l'aider, et suivre la réponse du lieu.",
    ),
    "pass-numerique": Placeholder(
        "Pass numérique",
        "Le Pass numérique est un chèque qui paie une séance d'aide au numérique dans un lieu partenaire. "
        "Vous pourrez vérifier un pass, trouver les lieux qui l'acceptent et, pour les professionnels, "
        "les commander, les distribuer et les encaisser.",
    ),
    "rendre-compte": Placeholder(
        "Rendre compte de son activité",
        "Les médiateurs et conseillers numériques pourront noter chaque accompagnement et chaque atelier "
        "en quelques clics, sans donnée inutile sur les personnes.",
    ),
    "piloter": Placeholder(
        "Piloter son territoire",
        "Les collectivités et les coordinateurs pourront suivre les lieux, les accompagnements, "
        "les orientations et les Pass numériques de leur territoire.",
    ),
    "mes-accompagnements": Placeholder(
        "Mes accompagnements",
        "Vous pourrez retrouver ici les accompagnements que vous avez notés et les personnes que vous suivez.",
    ),
    "administration-nationale": Placeholder(
        "Administration nationale",
        "Les administrateurs nationaux pourront gérer ici les référentiels (services, critères de qualité), "
        "la qualification des lieux, les données ouvertes et les statistiques nationales.",
    ),
}


def placeholder_url(slug):
    if slug not in PLACEHOLDERS:
        raise KeyError(f"Page en préparation inconnue : {slug}")
    return reverse("www:coming_soon", kwargs={"slug": slug})


def feature_url(url_name, placeholder_slug):
    """The real page when it exists, otherwise the page saying it is in preparation."""
    try:
        return reverse(url_name), False
    except NoReverseMatch:
        return placeholder_url(placeholder_slug), True
