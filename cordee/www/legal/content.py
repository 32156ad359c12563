"""What the legal and trust pages say. Plain data, so that each new part of Cordée adds its own section.

``PROCESSINGS`` lists the personal data Cordée keeps, one entry per purpose: when a feature starts keeping
personal data (diagnostics, referrals, activity reports, Pass numérique…), it appends its entry here in the
same shape, and the page « Données personnelles » shows it.
"""

from dataclasses import dataclass, field

from django.conf import settings

DEFAULT_PUBLISHER = (
    "Agence nationale de la cohésion territoriale (ANCT), 20 avenue de Ségur, 75007 Paris, "
    "qui opère Cordée pour le compte de l'État (programme Société numérique)."
)
DEFAULT_HOST = "L'hébergeur n'a pas encore été indiqué par l'opérateur de ce site."
DEFAULT_CONTACT_EMAIL = "societe-numerique@anct.gouv.fr"

# Date of the accessibility statement and of the last review of these pages.
STATEMENT_DATE = "30 novembre 2026"


@dataclass(frozen=True)
class Operator:
    publisher: str
    host: str
    contact_email: str
    defaults: tuple[str, ...]


def operator() -> Operator:
    """Publisher, host and contact from the settings, Cordée's defaults otherwise (and which ones are defaults)."""
    defaults = []
    values = {}
    for name, setting, default in (
        ("éditeur", "LEGAL_PUBLISHER", DEFAULT_PUBLISHER),
        ("hébergeur", "LEGAL_HOST", DEFAULT_HOST),
        ("contact", "LEGAL_CONTACT_EMAIL", DEFAULT_CONTACT_EMAIL),
    ):
        value = getattr(settings, setting, "")
        if not value:
            defaults.append(name)
            value = default
        values[setting] = value
    return Operator(
        publisher=values["LEGAL_PUBLISHER"],
        host=values["LEGAL_HOST"],
        contact_email=values["LEGAL_CONTACT_EMAIL"],
        defaults=tuple(defaults),
    )


@dataclass(frozen=True)
class Processing:
    """One purpose for which Cordée keeps personal data."""

    slug: str
    title: str
    who: str
    data: list[str]
    why: str
    legal_basis: str
    how_long: str
    recipients: str
    notes: list[str] = field(default_factory=list)


PROCESSINGS = [
    Processing(
        slug="comptes",
        title="Les comptes des professionnels",
        who="Les personnes qui ont un compte : médiateurs, conseillers numériques, gestionnaires de structure, "
        "aiguilleurs, coordinateurs territoriaux, administrateurs.",
        data=[
            "prénom et nom ;",
            "adresse électronique (elle sert d'identifiant de connexion) ;",
            "mot de passe, gardé sous une forme chiffrée qui ne permet pas de le relire ;",
            "structures dont la personne est membre et rôle dans chacune, territoires d'un coordinateur ;",
            "date d'inscription et de dernière connexion ;",
            "jeton d'accès à l'API, si la personne en a créé un ;",
            "exports de statistiques d'activité demandés (périmètre, filtres, fichier), visibles d'elle seule.",
        ],
        why="Se connecter, agir au nom de sa structure (mettre à jour ses lieux, inviter ses collègues) "
        "et n'accéder qu'à ce que son rôle permet.",
        legal_basis="Mission d'intérêt public (article 6.1.e du RGPD) : la stratégie nationale pour un numérique "
        "inclusif, conduite par l'État.",
        how_long="Tant que le compte est utilisé. Un compte est supprimé à la demande de la personne ou du "
        "gestionnaire de sa structure ; les invitations non acceptées ne valent que deux semaines.",
        recipients="La personne elle-même ; les gestionnaires des structures dont elle est membre voient ses nom, "
        "adresse et rôle ; les administrateurs nationaux. Aucune donnée n'est vendue ni cédée.",
    ),
    Processing(
        slug="signalements",
        title="Les signalements d'erreur sur une fiche de lieu",
        who="Toute personne qui signale une erreur sur la fiche d'un lieu, avec ou sans compte.",
        data=[
            "le type d'erreur et le message écrits par la personne ;",
            "son adresse électronique, seulement si elle choisit de la donner pour être tenue au courant.",
        ],
        why="Corriger l'annuaire, et pouvoir répondre à la personne qui a signalé l'erreur.",
        legal_basis="Mission d'intérêt public (article 6.1.e du RGPD) ; l'adresse est facultative.",
        how_long="Le signalement est gardé avec la fiche du lieu pour suivre les corrections ; l'adresse "
        "électronique est effacée sur simple demande.",
        recipients="Le gestionnaire de la structure du lieu, les coordinateurs du territoire et les "
        "administrateurs nationaux qui traitent les signalements.",
        notes=["N'écrivez pas dans le message d'informations sur votre santé, votre situation ou celle d'un proche."],
    ),
    Processing(
        slug="imports",
        title="Les importations de fichiers de lieux",
        who="Les professionnels qui importent un fichier de lieux.",
        data=[
            "le compte de la personne qui a importé le fichier (son adresse électronique figure dans le rapport), "
            "avec le fichier et son rapport."
        ],
        why="Savoir qui a importé quoi, et pouvoir prévenir cette personne d'un problème dans son fichier.",
        legal_basis="Mission d'intérêt public (article 6.1.e du RGPD).",
        how_long="Aussi longtemps que l'importation et son rapport sont gardés pour l'historique des lieux.",
        recipients="La personne qui a importé, les coordinateurs de son territoire et les administrateurs nationaux.",
    ),
    Processing(
        slug="journal",
        title="Le journal des actions sensibles",
        who="Les professionnels qui font une action sensible : modifier ou qualifier un lieu, changer un rôle, "
        "importer un fichier…",
        data=[
            "l'identifiant du compte qui a agi et une étiquette qui ne nomme personne (« utilisateur n° 42 ») : "
            "jamais son nom ni son adresse électronique ;",
            "l'action, la date et l'objet concerné (son nom ; pour un compte, une appartenance, une invitation ou un "
            "membre d'équipe, "
            "seulement son type et son numéro) ; les détails de l'action ne contiennent que des identifiants ;",
            "une adresse électronique saisie à la connexion ou au mot de passe oublié, et l'adresse IP, seulement "
            "sous forme d'empreinte chiffrée avec une clé secrète, qui ne permet pas de les relire.",
        ],
        why="Savoir qui a fait quoi en cas d'erreur, de litige ou d'abus, et protéger les données de l'annuaire.",
        legal_basis="Mission d'intérêt public et sécurité du service (articles 6.1.e et 32 du RGPD).",
        how_long="Un an pour les entrées de connexion et de mot de passe, cinq ans pour les autres, puis elles "
        "sont supprimées chaque nuit. D'ici là, le journal est en ajout seul : ses entrées ne sont ni modifiées "
        "ni effacées, afin de servir de preuve. Supprimer un compte ne les touche pas : elles ne contiennent "
        "ni nom ni adresse.",
        recipients="Les administrateurs nationaux, et les gestionnaires ou coordinateurs pour les objets "
        "qu'ils gèrent.",
    ),
    Processing(
        slug="connexion",
        title="Les tentatives de connexion et les demandes de nouveau mot de passe",
        who="Toute personne qui essaie de se connecter ou demande un nouveau mot de passe.",
        data=[
            "une empreinte chiffrée avec une clé secrète de l'adresse électronique saisie et de l'adresse IP "
            "(ou de son réseau), jamais ces adresses en clair ;",
            "le nombre d'essais manqués et de demandes récentes.",
        ],
        why="Protéger les comptes contre les essais de mots de passe en série et éviter l'envoi de courriels "
        "en rafale : au-delà de quelques essais, le compte ou l'adresse est bloqué un moment.",
        legal_basis="Sécurité du service (article 32 du RGPD).",
        how_long="Les compteurs s'effacent d'eux-mêmes après 15 minutes à une heure ; les blocages et les "
        "demandes de nouveau mot de passe restent un an dans le journal, sous forme d'empreintes.",
        recipients="Personne : les administrateurs nationaux voient seulement les empreintes dans le journal.",
    ),
    Processing(
        slug="lieux",
        title="Les coordonnées des lieux de l'annuaire",
        who="Les lieux de médiation numérique publiés dans l'annuaire.",
        data=[
            "les coordonnées publiques du lieu (adresse, téléphone, adresse électronique, site web), "
            "telles que le lieu ou sa source les publient ;",
        ],
        why="Permettre à chacun de trouver un lieu qui peut l'aider : l'annuaire est public et ses données "
        "sont ouvertes (Licence Ouverte 2.0).",
        legal_basis="Mission d'intérêt public (article 6.1.e du RGPD). Ce sont les coordonnées du lieu, pas "
        "celles de personnes : n'y mettez pas d'adresse ou de numéro personnels.",
        how_long="Tant que le lieu est dans l'annuaire.",
        recipients="Tout le monde : les fiches sont publiques et téléchargeables.",
        notes=[
            "Certains lieux publient l'adresse électronique ou le portable d'un de leurs membres. Cordée les garde, "
            "puisque le lieu les a publiés, mais les signale aux personnes qui gèrent le lieu (sur la page de "
            "gestion du lieu et dans le rapport d'importation) et leur propose de publier un contact générique : "
            "une adresse dont la partie avant « @ » ressemble à un prénom et un nom (« prenom.nom@… », sans mot "
            "comme « contact », « accueil » ou « mairie »), ou un numéro de portable (06, 07, et les portables "
            "d'outre-mer).",
            "Vous publiez votre propre adresse ou votre portable sur la fiche d'un lieu et ne le souhaitez plus ? "
            "Le gestionnaire du lieu peut les remplacer ; vous pouvez aussi le signaler depuis la fiche du lieu "
            "(« Signaler une erreur »).",
        ],
    ),
    Processing(
        slug="cookies",
        title="Les cookies",
        who="Toutes les personnes qui visitent le site.",
        data=[
            "un cookie de session, seulement pour les personnes connectées ;",
            "un cookie de sécurité qui vérifie que les formulaires envoyés viennent bien de ce site.",
        ],
        why="Vous garder connecté et protéger les formulaires. Cordée n'utilise aucun cookie de mesure "
        "d'audience, de publicité ou de réseau social, et ne charge rien depuis un autre site.",
        legal_basis="Cookies strictement nécessaires au service : ils ne demandent pas de consentement.",
        how_long="Le cookie de session expire à la déconnexion ou à la fermeture du navigateur, et au plus tard "
        "8 heures après la connexion ; si vous cochez « Rester connecté », après 30 jours (8 heures pour les "
        "coordinateurs et les administrateurs). Le cookie de sécurité expire après un an.",
        recipients="Personne d'autre que le site lui-même.",
    ),
    Processing(
        slug="autodiagnostic",
        title="L'autodiagnostic de compétences numériques",
        who="Toute personne qui fait le point sur le numérique sur /diagnostic/, sans compte.",
        data=[
            "rien, tant que la personne ne coche pas son accord : les réponses passent d'une page à l'autre sans "
            "être enregistrées ;",
            "avec son accord : ses réponses, les niveaux et le profil calculés, la date et un code de 6 caractères. "
            "Ni nom, ni adresse, ni adresse IP.",
        ],
        why="Permettre à la personne de montrer son résultat à un médiateur numérique.",
        legal_basis="Consentement de la personne (article 6.1.a du RGPD).",
        how_long="Le code est valable 90 jours. Rattaché au suivi d'une structure par la personne qui le montre, "
        "le résultat suit alors les règles du diagnostic accompagné.",
        recipients="Quiconque détient le code : la personne, et le professionnel à qui elle le montre.",
    ),
    Processing(
        slug="diagnostics",
        title="Les diagnostics faits avec un professionnel et les personnes suivies",
        who="Les personnes qu'une structure (CCAS, France Services, association…) diagnostique et accompagne.",
        data=[
            "un pseudonyme choisi avec la personne (jamais son nom complet), son année de naissance et sa commune "
            "si elle veut les donner ;",
            "si elle veut les donner, son genre et sa situation (scolarisée, sans emploi, en emploi, retraitée), "
            "pour compter les personnes accompagnées par tranche d'âge, genre et situation ;",
            "la date à laquelle elle a donné son accord ;",
            "ses réponses au questionnaire, dont, si elle le veut, un handicap ou un problème de santé à prendre "
            "en compte ;",
            "les niveaux par domaine, le profil et l'aide recommandée, une note du professionnel, qui a fait le "
            "diagnostic et quand.",
        ],
        why="Proposer l'aide qui convient, orienter vers un lieu et suivre les progrès de la personne.",
        legal_basis="Consentement de la personne (article 6.1.a du RGPD) ; pour une information de santé, "
        "son consentement explicite (article 9.2.a).",
        how_long="Tant que la structure accompagne la personne, et au plus 24 mois après son dernier suivi "
        "(accompagnement, atelier, diagnostic ou orientation) : la personne est alors anonymisée automatiquement. "
        "La structure peut aussi l'anonymiser plus tôt, seule ou avec d'autres. Anonymiser efface pseudonyme, "
        "année, commune, genre, situation, notes et réponses sensibles ; seuls des chiffres restent pour les "
        "statistiques. Deux fiches de la même personne peuvent être fusionnées : tout est rattaché à la fiche "
        "gardée, l'autre est supprimée.",
        recipients="Les seuls membres de la structure qui suit la personne. Les coordinateurs et les "
        "administrateurs nationaux ne voient que des chiffres.",
    ),
    Processing(
        slug="orientations",
        title="Les orientations vers un lieu",
        who="Les personnes qu'un professionnel (aiguilleur, médiateur) oriente vers un lieu de médiation numérique.",
        data=[
            "les besoins, les contraintes (disponibilités, distance, accessibilité, langue) et un message au lieu ;",
            "avec l'accord de la personne, recueilli et daté : son téléphone ou son adresse électronique, ou le nom "
            "d'une personne référente, et le lien vers la personne suivie et son diagnostic ;",
            "les étapes de l'orientation (qui, quand), les motifs d'un refus, le rendez-vous, les messages entre le "
            "lieu et la structure qui a orienté.",
        ],
        why="Que le lieu puisse accueillir la personne et que la structure qui l'a orientée sache si elle a été "
        "reçue.",
        legal_basis="Consentement de la personne (article 6.1.a du RGPD) pour ses coordonnées et son suivi.",
        how_long="Les coordonnées sont effacées dès que l'orientation est refusée, annulée ou expire ; une "
        "orientation terminée est anonymisée un an après sa dernière étape (seuls des chiffres restent).",
        notes=[
            "Si la personne choisit d'être jointe par téléphone et donne un numéro de portable, elle reçoit par SMS "
            "l'information sur ce qui est transmis et le rappel de son rendez-vous ; sinon, par courriel si elle "
            "a donné une adresse.",
        ],
        recipients="La structure qui a orienté ; le lieu, qui voit le pseudonyme, les coordonnées et le diagnostic "
        "seulement s'il accepte l'orientation. Les motifs d'un refus ne vont qu'à la structure qui a orienté. Les "
        "coordinateurs ne voient que la liste sans personne et des chiffres.",
    ),
    Processing(
        slug="comptes-rendus",
        title="Les comptes rendus d'activité des médiateurs",
        who="Les médiateurs, conseillers numériques, gestionnaires et coordinateurs qui notent leurs "
        "accompagnements, ateliers et actions ; les personnes accompagnées.",
        data=[
            "pour chaque activité : qui l'a menée (son compte, et s'il est conseiller numérique), pour quelle "
            "structure, le jour, la durée, le lieu ou la commune, les thématiques, le matériel, l'autonomie, "
            "l'orientation, des étiquettes et une note libre ;",
            "les personnes non suivies ne sont que des nombres : combien de participants, dont combien déjà "
            "accompagnés, par genre, tranche d'âge et situation — jamais une ligne par personne ;",
            "une personne suivie par la structure (son pseudonyme, voir « Les diagnostics… ») peut être rattachée à "
            "son accompagnement ou à un atelier, avec l'orientation ou le diagnostic qui l'a précédé ; elle y est "
            "comptée d'après son année de naissance, son genre et sa situation.",
        ],
        why="Savoir ce que les médiateurs font, pour qui et où, afin d'organiser et de financer la médiation "
        "numérique ; suivre le parcours d'une personne qui le souhaite.",
        legal_basis="Mission d'intérêt public de l'inclusion numérique (article 6.1.e du RGPD) pour les chiffres ; "
        "consentement de la personne (article 6.1.a) pour le rattachement d'une personne suivie.",
        how_long="Les chiffres restent pour les statistiques. Quand une personne suivie est anonymisée, la note "
        "libre et la précision des démarches de ses accompagnements sont effacées ; dates, durées et nombres "
        "restent. La note ne doit contenir aucune donnée sensible (le formulaire le rappelle).",
        recipients="L'auteur et les médiateurs, conseillers numériques et gestionnaires de sa structure. Les "
        "coordinateurs et les administrateurs nationaux ne voient que des chiffres.",
    ),
    Processing(
        slug="equipes",
        title="Les équipes des coordinateurs",
        who="Les coordinateurs territoriaux et les médiateurs ou conseillers numériques qu'ils invitent dans leur "
        "équipe.",
        data=[
            "qui coordonne qui : le compte du coordinateur et celui du médiateur ;",
            "l'état de l'invitation (en attente, acceptée, refusée, retirée, membre retiré) et ses dates : "
            "invitation, réponse, jour d'arrivée dans l'équipe et jour de départ.",
        ],
        why="Montrer au coordinateur les statistiques d'activité des médiateurs qu'il coordonne, seulement pour la "
        "période où ils étaient dans son équipe et seulement s'ils l'ont accepté.",
        legal_basis="Mission d'intérêt public (article 6.1.e du RGPD) ; le médiateur accepte ou refuse "
        "l'invitation, et peut quitter l'équipe à tout moment.",
        how_long="Aussi longtemps que les comptes existent : un membre retiré garde sa ligne, avec ses dates, pour "
        "que les statistiques passées de l'équipe restent justes. Supprimer l'un des deux comptes supprime ses "
        "lignes.",
        recipients="Le coordinateur et le médiateur concernés, les administrateurs nationaux. Le coordinateur ne "
        "voit que des chiffres, jamais les personnes accompagnées.",
    ),
    Processing(
        slug="pass-numerique",
        title="La remise et l'utilisation des Pass numérique",
        who="Les personnes à qui une structure remet un Pass numérique.",
        data=[
            "la date de remise et la structure qui a remis le pass ;",
            "une référence pseudonyme choisie par la structure (jamais un nom ni une adresse), ou le lien vers "
            "la personne qu'elle suit déjà dans Cordée, et éventuellement vers son diagnostic ;",
            "le lieu et la date où le pass a été utilisé, et l'accompagnement qu'il a payé.",
        ],
        why="Suivre les pass remis et utilisés, rembourser les lieux, rendre compte aux financeurs et éviter "
        "qu'un pass serve deux fois.",
        legal_basis="Mission d'intérêt public (article 6.1.e du RGPD) : la stratégie nationale pour un numérique "
        "inclusif, conduite par l'État.",
        how_long="Le temps de la commande et de ses remboursements ; les comptes des commandes (montants, états "
        "des pass) sont gardés comme pièces comptables, sans la référence de la personne.",
        recipients="La structure qui a remis le pass. Le lieu qui l'encaisse et le financeur voient le pass et "
        "son état, jamais la personne. La page publique de vérification d'un pass ne dit que s'il est valable et, "
        "s'il a servi, la date ; la commune ou le code postal qu'on y tape pour voir les lieux proches n'est pas "
        "enregistré.",
    ),
]

# Journeys checked by the browser tests (Playwright + axe) on every change: tests/browser/.
TESTED_JOURNEYS = [
    "la page d'accueil et les pages d'information (mentions légales, données personnelles, accessibilité) ;",
    "la recherche d'un lieu, avec ses filtres, la liste des résultats, la carte et la fiche d'un lieu ;",
    "le signalement d'une erreur sur la fiche d'un lieu ;",
    "la connexion, le mot de passe oublié, « Mon compte » et le tableau de bord de chaque rôle ;",
    "la gestion des lieux d'une structure : modification d'une fiche, horaires, qualification ;",
    "l'importation d'un fichier de lieux et son rapport ;",
    "la gestion d'une structure : membres, invitations, rôles ;",
    "l'orientation d'une personne vers un lieu, la réponse du lieu par le lien reçu par courriel, la fiche "
    "d'orientation et les statistiques ;",
    "le compte rendu d'un accompagnement au clavier seul, sa copie (« dupliquer ») et le formulaire sur téléphone ;",
    "la vérification publique d'un Pass numérique et son utilisation dans un lieu, code saisi au clavier ;",
    "les pages d'erreur (page introuvable, accès refusé, erreur inattendue).",
]
