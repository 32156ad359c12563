"""A realistic demo dataset in three territories: Creuse (23), Bouches-du-Rhône (13) and Nord (59).

Names are those of typical organisations of each territory; people, e-mail addresses and
identifiers are fictitious (e-mails use the reserved .example domain).
"""

from dataclasses import dataclass, field

from cordee.structures.enums import MembershipRole, StructureKind
from cordee.territories.enums import TerritoryKind

DEMO_PASSWORD = "cordee-demo-2026"
DEMO_EMAIL_DOMAIN = "cordee.example"


@dataclass(frozen=True)
class DemoStructure:
    key: str
    name: str
    kind: str
    code_insee: str
    postal_code: str
    address: str
    siret: str = ""
    rna: str = ""


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role_label: str
    memberships: tuple = field(default_factory=tuple)  # (structure key, MembershipRole)
    scopes: tuple = field(default_factory=tuple)  # (TerritoryKind, code)
    national_admin: bool = False


STRUCTURES = [
    # Creuse
    DemoStructure(
        "ccas-gueret",
        "CCAS de Guéret",
        StructureKind.CCAS,
        "23096",
        "23000",
        "1 avenue Charles de Gaulle",
        siret="21094668523473",
    ),
    DemoStructure(
        "fs-bourganeuf",
        "France Services de Bourganeuf",
        StructureKind.FRANCE_SERVICES,
        "23030",
        "23400",
        "2 place de l'Hôtel de Ville",
    ),
    DemoStructure(
        "mediatheque-aubusson",
        "Médiathèque d'Aubusson",
        StructureKind.MEDIATHEQUE,
        "23008",
        "23200",
        "Place Espagne",
    ),
    DemoStructure(
        "tiers-lieu-souterraine",
        "La Quincaillerie numérique",
        StructureKind.TIERS_LIEU,
        "23176",
        "23300",
        "12 rue de Lavaud",
        rna="W231000123",
    ),
    DemoStructure(
        "cd23",
        "Conseil départemental de la Creuse",
        StructureKind.COLLECTIVITE,
        "23096",
        "23000",
        "4 place Louis Lacrocq",
        siret="23970117608650",
    ),
    # Bouches-du-Rhône
    DemoStructure(
        "assoc-marseille",
        "Association Connexions Solidaires",
        StructureKind.ASSOCIATION,
        "13203",
        "13003",
        "24 boulevard National",
        rna="W133001234",
    ),
    DemoStructure(
        "caf-13",
        "CAF des Bouches-du-Rhône — accueil Nord",
        StructureKind.OPERATEUR_SOCIAL,
        "13215",
        "13015",
        "215 chemin de la Madrague-Ville",
    ),
    DemoStructure("hub-sud", "Hub du Sud", StructureKind.HUB, "13001", "13100", "5 rue de la Molle"),
    DemoStructure(
        "fs-arles", "France Services d'Arles", StructureKind.FRANCE_SERVICES, "13004", "13200", "11 rue Parmentier"
    ),
    DemoStructure(
        "entreprise-martigues",
        "Numéri'Coop Martigues",
        StructureKind.ENTREPRISE,
        "13056",
        "13500",
        "3 quai Brescon",
    ),
    # Nord
    DemoStructure(
        "ccas-roubaix",
        "CCAS de Roubaix",
        StructureKind.CCAS,
        "59512",
        "59100",
        "40 rue du Château",
        siret="26023030871505",
    ),
    DemoStructure(
        "mediatheque-tourcoing",
        "Médiathèque La Grand-Plage",
        StructureKind.MEDIATHEQUE,
        "59599",
        "59200",
        "2 rue Famelart",
    ),
    DemoStructure(
        "assoc-lille",
        "Les Clés du numérique",
        StructureKind.ASSOCIATION,
        "59350",
        "59000",
        "18 rue Gosselet",
        rna="W595012345",
    ),
    DemoStructure(
        "france-travail-dunkerque",
        "France Travail Dunkerque",
        StructureKind.OPERATEUR_SOCIAL,
        "59183",
        "59140",
        "9 rue du Ponceau",
    ),
    DemoStructure(
        "other-maubeuge", "Centre social du Sous-le-Bois", StructureKind.OTHER, "59392", "59600", "7 rue de la Croix"
    ),
]


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


USERS = [
    DemoUser(_email("admin"), "Nadia", "Benali", "Administratrice nationale", national_admin=True),
    DemoUser(
        _email("coordination.creuse"),
        "Julien",
        "Marchand",
        "Coordinateur territorial — Creuse",
        scopes=((TerritoryKind.DEPARTEMENT, "23"),),
    ),
    DemoUser(
        _email("coordination.bdr"),
        "Sophie",
        "Giraud",
        "Coordinatrice territoriale — Bouches-du-Rhône",
        scopes=((TerritoryKind.DEPARTEMENT, "13"),),
    ),
    DemoUser(
        _email("coordination.nord"),
        "Karim",
        "Lefebvre",
        "Coordinateur territorial — Nord",
        scopes=((TerritoryKind.DEPARTEMENT, "59"),),
    ),
    DemoUser(
        _email("gestionnaire"),
        "Claire",
        "Dumas",
        "Gestionnaire de structure (France Services de Bourganeuf) : lieux, Pass numérique, relevés",
        memberships=(("fs-bourganeuf", MembershipRole.GESTIONNAIRE),),
    ),
    DemoUser(
        _email("mediateur"),
        "Thomas",
        "Roux",
        "Médiateur numérique (Association Connexions Solidaires, Marseille)",
        memberships=(("assoc-marseille", MembershipRole.MEDIATEUR),),
    ),
    DemoUser(
        _email("conseiller"),
        "Inès",
        "Haddad",
        "Conseillère numérique (Les Clés du numérique, Lille)",
        memberships=(("assoc-lille", MembershipRole.CONSEILLER_NUMERIQUE),),
    ),
    DemoUser(
        _email("aiguilleur"),
        "Martine",
        "Chevalier",
        "Aiguilleuse / travailleuse sociale (CCAS de Guéret) : orientations, remise de Pass numérique",
        memberships=(("ccas-gueret", MembershipRole.AIGUILLEUR),),
    ),
    DemoUser(
        _email("financeur.creuse"),
        "Bernard",
        "Aubert",
        "Financeur du Pass numérique (Conseil départemental de la Creuse) : commandes, relevés à approuver",
        memberships=(("cd23", MembershipRole.GESTIONNAIRE),),
    ),
    # More members so that every structure has a team.
    DemoUser(
        _email("gestionnaire.marseille"),
        "Yacine",
        "Amrani",
        "Gestionnaire (Association Connexions Solidaires)",
        memberships=(("assoc-marseille", MembershipRole.GESTIONNAIRE),),
    ),
    DemoUser(
        _email("gestionnaire.lille"),
        "Élodie",
        "Vasseur",
        "Gestionnaire (Les Clés du numérique)",
        memberships=(("assoc-lille", MembershipRole.GESTIONNAIRE),),
    ),
    DemoUser(
        _email("mediateur.aubusson"),
        "Hugo",
        "Bernard",
        "Médiateur numérique (Médiathèque d'Aubusson)",
        memberships=(("mediatheque-aubusson", MembershipRole.MEDIATEUR),),
    ),
    DemoUser(
        _email("conseiller.creuse"),
        "Léa",
        "Petit",
        "Conseillère numérique (France Services de Bourganeuf, Médiathèque d'Aubusson)",
        memberships=(
            ("fs-bourganeuf", MembershipRole.CONSEILLER_NUMERIQUE),
            ("mediatheque-aubusson", MembershipRole.CONSEILLER_NUMERIQUE),
        ),
    ),
    DemoUser(
        _email("aiguilleur.caf13"),
        "Fatima",
        "Ouali",
        "Aiguilleuse (CAF des Bouches-du-Rhône)",
        memberships=(("caf-13", MembershipRole.AIGUILLEUR),),
    ),
    DemoUser(
        _email("aiguilleur.roubaix"),
        "Grégory",
        "Delattre",
        "Aiguilleur (CCAS de Roubaix)",
        memberships=(("ccas-roubaix", MembershipRole.AIGUILLEUR),),
    ),
]

# Coordinators' teams: (coordinator, mediator, member since so many days; None for an invitation waiting).
TEAMS = [
    ("coordination.creuse", "mediateur.aubusson", 400),
    ("coordination.creuse", "conseiller.creuse", 180),
    ("coordination.bdr", "mediateur", None),
]

# The accounts printed by `make run`: one per role.
PRINTED = [
    "admin",
    "coordination.creuse",
    "gestionnaire",
    "mediateur",
    "conseiller",
    "aiguilleur",
    "financeur.creuse",
]


@dataclass(frozen=True)
class DemoPlace:
    structure_key: str
    name: str
    opening_hours: str
    services: tuple
    support_modes: tuple
    fees: tuple
    pass_numerique: bool = False
    qualified: bool = False
    phone: str = ""
    summary: str = ""
    offset: tuple = (0.002, 0.003)  # a few hundred metres from the commune's point


_S = "Aide aux démarches administratives"
_Q = "Maîtrise des outils numériques du quotidien"
_I = "Insertion professionnelle via le numérique"
_SEC = "Utilisation sécurisée du numérique"
_P = "Parentalité et éducation avec le numérique"
_ACC = "Accès internet et matériel informatique"

# Places run by the demo structures (their own, editable by their gestionnaires).
PLACES = [
    DemoPlace(
        "fs-bourganeuf",
        "France Services de Bourganeuf",
        "Mo-Fr 09:00-12:00,13:30-17:00; PH off",
        (_S, _Q, _ACC),
        ("Accompagnement individuel", "En autonomie"),
        ("Gratuit",),
        pass_numerique=True,
        qualified=True,
        phone="+33555641234",
        summary="Aide aux démarches en ligne (CAF, impôts, ANTS, retraite) et poste en libre accès.",
    ),
    DemoPlace(
        "mediatheque-aubusson",
        "Espace numérique de la médiathèque d'Aubusson",
        "Tu,Th 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-12:30; PH off",
        (_Q, _SEC, _P),
        ("Dans un atelier collectif", "Accompagnement individuel"),
        ("Gratuit",),
        pass_numerique=True,
        qualified=True,
        phone="+33555661122",
        summary="Ateliers pour débuter sur ordinateur, tablette et smartphone ; aide aux parents.",
    ),
    DemoPlace(
        "tiers-lieu-souterraine",
        "La Quincaillerie numérique",
        "Mo-Fr 09:30-18:00",
        (_Q, _I, _ACC),
        ("En autonomie", "Dans un atelier collectif"),
        ("Gratuit sous condition",),
        summary="Tiers-lieu : ateliers, accès à internet et au matériel, aide à la recherche d'emploi.",
    ),
    DemoPlace(
        "assoc-marseille",
        "Connexions Solidaires — permanence du 3e",
        "Mo-Th 09:00-12:30,14:00-17:30; Fr 09:00-12:30",
        (_S, _Q, _SEC),
        ("Accompagnement individuel", "Dans un atelier collectif"),
        ("Gratuit",),
        pass_numerique=True,
        qualified=True,
        phone="+33491123456",
        summary="Accompagnement individuel sur rendez-vous ou sans, ateliers smartphone en arabe et en français.",
    ),
    DemoPlace(
        "fs-arles",
        "France Services d'Arles",
        "Mo-Fr 08:30-12:00,13:30-16:30; PH off",
        (_S, _ACC),
        ("Accompagnement individuel",),
        ("Gratuit",),
        phone="+33490181234",
    ),
    DemoPlace(
        "mediatheque-tourcoing",
        "Médiathèque La Grand-Plage — espace multimédia",
        "Tu-Fr 13:00-18:00; Sa 10:00-18:00; PH off",
        (_Q, _P, _ACC),
        ("En autonomie", "Dans un atelier collectif"),
        ("Gratuit",),
        pass_numerique=True,
    ),
    DemoPlace(
        "assoc-lille",
        "Les Clés du numérique — Wazemmes",
        "Mo,We,Fr 09:00-12:00,14:00-17:00; Tu 14:00-19:00",
        (_S, _Q, _I, _SEC),
        ("Accompagnement individuel", "Dans un atelier collectif", "À distance"),
        ("Gratuit",),
        pass_numerique=True,
        qualified=True,
        phone="+33320123456",
        summary="Conseillers numériques : démarches, emploi, sécurité en ligne. Accueil sans rendez-vous le matin.",
    ),
    DemoPlace(
        "other-maubeuge",
        "Centre social du Sous-le-Bois — point numérique",
        "Mo-Fr 14:00-17:00",
        (_Q, _S),
        ("Accompagnement individuel",),
        ("Gratuit",),
    ),
]
