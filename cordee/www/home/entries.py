"""What the home page and the main menu offer: the links of the chain and the entry points per role."""

from dataclasses import dataclass

from cordee.www.home.placeholders import feature_url


@dataclass(frozen=True)
class Entry:
    title: str
    description: str
    url: str
    is_placeholder: bool


def _entry(title, description, url_name, placeholder_slug):
    url, is_placeholder = feature_url(url_name, placeholder_slug)
    return Entry(title, description, url, is_placeholder)


def main_menu():
    """Links of the main menu, shown on every page."""
    return [
        _entry("Trouver un lieu", "", "www:places:search", "trouver-un-lieu"),
        _entry("Faire un diagnostic", "", "www:diagnostics:start", "diagnostic"),
        _entry("Pass numérique", "", "www:pass_numerique:index", "pass-numerique"),
    ]


def chain_entries():
    """One entry point per link of the chain, in its order."""
    return [
        _entry(
            "Trouver un lieu",
            "Un lieu près de chez vous pour être aidé avec un ordinateur, un téléphone ou internet.",
            "www:places:search",
            "trouver-un-lieu",
        ),
        _entry(
            "Faire un diagnostic",
            "Quelques questions pour savoir ce que vous savez faire et l'aide qui vous convient.",
            "www:diagnostics:start",
            "diagnostic",
        ),
        _entry(
            "Orienter une personne",
            "Envoyer une personne vers un lieu qui peut l'aider, et savoir ce qu'il en est.",
            "www:referrals:new",
            "orienter",
        ),
        _entry(
            "Pass numérique",
            "Un chèque qui paie une séance d'aide au numérique dans un lieu partenaire.",
            "www:pass_numerique:index",
            "pass-numerique",
        ),
        _entry(
            "Rendre compte de son activité",
            "Noter ses accompagnements et ses ateliers en quelques clics.",
            "www:activities:index",
            "rendre-compte",
        ),
        _entry(
            "Piloter son territoire",
            "Suivre les lieux, l'activité et les besoins de son territoire.",
            "www:dashboards:territory",
            "piloter",
        ),
    ]


@dataclass(frozen=True)
class RoleEntry:
    role: str
    who: str
    entries: list
    is_professional: bool = True


def role_entries():
    """For each kind of visitor, what they come for."""
    by_title = {entry.title: entry for entry in chain_entries()}
    return [
        RoleEntry(
            "Vous cherchez de l'aide",
            "Pour vous, un proche, ou pour apprendre à vous servir d'internet.",
            [by_title["Trouver un lieu"], by_title["Faire un diagnostic"], by_title["Pass numérique"]],
            is_professional=False,
        ),
        RoleEntry(
            "Aiguilleur",
            "Accueil France Services, CCAS, CAF, travailleur social : vous repérez les personnes en difficulté.",
            [by_title["Faire un diagnostic"], by_title["Orienter une personne"], by_title["Pass numérique"]],
        ),
        RoleEntry(
            "Médiateur ou conseiller numérique",
            "Vous accompagnez les personnes et animez des ateliers.",
            [by_title["Rendre compte de son activité"], by_title["Pass numérique"]],
        ),
        RoleEntry(
            "Gestionnaire de structure",
            "Vous gérez un lieu, son équipe et ses remboursements de Pass numérique.",
            [by_title["Trouver un lieu"], by_title["Pass numérique"]],
        ),
        RoleEntry(
            "Coordinateur territorial",
            "Collectivité, hub, préfecture : vous animez l'inclusion numérique d'un territoire.",
            [by_title["Piloter son territoire"], by_title["Pass numérique"]],
        ),
        RoleEntry(
            "Administrateur national",
            "Vous tenez les référentiels, la qualification des lieux et les statistiques nationales.",
            [by_title["Piloter son territoire"]],
        ),
    ]
