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
        "Gestionnaire de structure (France Services de Bourganeuf)",
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
        "Aiguilleuse / travailleuse sociale (CCAS de Guéret)",
        memberships=(("ccas-gueret", MembershipRole.AIGUILLEUR),),
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

# The accounts printed by `make run`: one per role.
PRINTED = [
    "admin",
    "coordination.creuse",
    "gestionnaire",
    "mediateur",
    "conseiller",
    "aiguilleur",
]
