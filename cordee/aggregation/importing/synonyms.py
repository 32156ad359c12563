"""Synonyms of the standard's closed-list values, as met in real files (data only, documented in
docs/places-import.md).

Each table maps a target — ``(v1 column, value)`` — to the spellings that mean it. Spellings are compared
after ``values.value_key``: case, accents, apostrophes, spaces, punctuation, plural "s" and a
data·inclusion theme prefix (``numerique--``) do not matter, so "Seniors (+ 65 ans)", "seniors-65" and
"SENIOR" are one spelling. The standard's own values (v1 and v0.1) are known without being listed here.
Add a spelling where a real file used it; a value nobody can map stays "non reconnue" on the place.
"""

from cordee.aggregation.importing.v01 import DISPOSITIFS, FRAIS, LABELS, OTHER_LABEL, PASS_NUMERIQUE, PEC, P
from cordee.places import enums

S = enums.Service
SERVICES = "services"
ACCES = "modalites_acces"
ACCOMPAGNEMENT = "modalites_accompagnement"
ITINERANCE = "itinerance"

SYNONYMS = {
    "services": {
        (SERVICES, S.AIDE_DEMARCHES): [
            "démarches administratives",
            "aide administrative",
            "accompagnement aux démarches administratives",
            "accompagnement dans les démarches administratives",
            "aide aux démarches en ligne",
            "démarches en ligne",
            "e-administration",
            "accéder à des services en ligne",
            "accompagnement démarches",
        ],
        (SERVICES, S.OUTILS_QUOTIDIEN): [
            "maîtriser les fondamentaux du numérique",
            "prendre en main un smartphone",
            "prendre en main une tablette",
            "initiation au numérique",
            "initiation informatique",
            "initiation à l'informatique",
            "bureautique",
            "usages du quotidien",
            "outils numériques du quotidien",
        ],
        (SERVICES, S.INSERTION_PRO): [
            "insertion professionnelle",
            "emploi",
            "recherche d'emploi",
            "insertion socio-professionnelle",
        ],
        (SERVICES, S.UTILISATION_SECURISEE): [
            "sécurité numérique",
            "cybersécurité",
            "utilisation sécurisée",
            "sécuriser ses usages",
        ],
        (SERVICES, S.PARENTALITE): [
            "parentalité",
            "parentalité numérique",
            "soutenir la parentalité",
            "éducation au numérique",
        ],
        (SERVICES, S.LOISIRS_CREATIONS): [
            "loisirs numériques",
            "création numérique",
            "créations numériques",
            "fablab",
        ],
        (SERVICES, S.COMPREHENSION_MONDE): [
            "culture numérique",
            "citoyenneté numérique",
            "éducation aux médias",
        ],
        (SERVICES, S.ACCES_INTERNET_MATERIEL): [
            "accès internet",
            "accès à internet",
            "accès au matériel",
            "accès libre",
            "matériel informatique",
            "wifi",
            "connexion internet",
            "ordinateurs en libre accès",
        ],
        (SERVICES, S.MATERIEL_PRIX_SOLIDAIRE): [
            "acquérir un équipement",
            "matériel à prix solidaire",
            "reconditionnement",
            "vente de matériel reconditionné",
        ],
    },
    "publics": {
        (P, enums.Public.JEUNES): ["jeunes 16-26", "jeunes (16-26 ans)", "jeunesse", "16-25 ans", "jeunes 16-25"],
        (P, enums.Public.ETUDIANTS): ["étudiant", "étudiants"],
        (P, enums.Public.FAMILLES_ENFANTS): ["familles", "familles enfants", "famille", "enfants", "parents"],
        (P, enums.Public.SENIORS): ["seniors 65", "seniors (+65 ans)", "personnes âgées", "retraités", "senior"],
        (P, enums.Public.FEMMES): ["uniquement femmes", "femme"],
        (PEC, enums.SpecificSupport.SURDITE): ["sourds", "malentendants", "handicap auditif"],
        (PEC, enums.SpecificSupport.HANDICAPS_MOTEURS): ["handicap moteur", "mobilité réduite", "pmr"],
        (PEC, enums.SpecificSupport.HANDICAPS_MENTAUX): [
            "handicap mental",
            "handicap psychique",
            "handicaps psychiques",
        ],
        (PEC, enums.SpecificSupport.ILLETTRISME): [
            "personnes en situation illettrisme",
            "personnes en situation d'illettrisme",
            "illettrisme",
            "illectronisme",
        ],
        (PEC, enums.SpecificSupport.LANGUES_ANGLAIS): ["anglais", "langue anglaise"],
        (PEC, enums.SpecificSupport.LANGUES_AUTRES): [
            "public langues étrangères",
            "langues étrangères",
            "fle",
            "allophones",
        ],
        (PEC, enums.SpecificSupport.DEFICIENCE_VISUELLE): ["malvoyants", "handicap visuel", "non-voyants"],
    },
    "frais": {
        (FRAIS, enums.Fee.GRATUIT): ["gratuit", "gratuité", "free"],
        (FRAIS, enums.Fee.GRATUIT_SOUS_CONDITION): [
            "gratuit sous conditions",
            "gratuit sous condition de ressources",
            "gratuit sous conditions de ressources",
        ],
        (FRAIS, enums.Fee.PAYANT): ["payant", "adhésion", "adhérent", "tarif", "tarifs", "participation"],
        (PASS_NUMERIQUE, True): ["pass numérique", "pass-numerique", "accepte le pass numérique", "aptic"],
    },
    "labels": {
        (DISPOSITIFS, enums.NationalProgramme.FRANCE_SERVICES): [
            "France service",
            "Maison France Services",
            "Maison France Service",
            "espace France Services",
            "MSAP",
            "Maison de services au public",
        ],
        (DISPOSITIFS, enums.NationalProgramme.CONSEILLERS_NUMERIQUES): [
            "conseiller numérique",
            "conseiller numérique France Services",
            "CNFS",
            "CnFS",
        ],
        (DISPOSITIFS, enums.NationalProgramme.AIDANTS_CONNECT): ["aidant connect", "aidants-connect"],
        (DISPOSITIFS, enums.NationalProgramme.GRANDE_ECOLE_NUMERIQUE): [
            "grandes écoles du numérique",
            "GEN",
        ],
        (DISPOSITIFS, enums.NationalProgramme.POINT_ACCES_CAF): [
            "Point relais CAF",
            "Point numérique CAF",
            "point d'accès CAF",
            "CAF",
        ],
        (DISPOSITIFS, enums.NationalProgramme.CROIX_ROUGE): ["Croix-Rouge", "Croix Rouge française"],
        (DISPOSITIFS, enums.NationalProgramme.EMMAUS_CONNECT): ["Emmaus Connect"],
        (DISPOSITIFS, enums.NationalProgramme.CERTIFICATION_PIX): ["PIX", "certification Pix"],
        (DISPOSITIFS, enums.NationalProgramme.BIBLIOTHEQUES_NUMERIQUE_REFERENCE): [
            "bibliothèque numérique de référence",
            "BNR",
        ],
        (LABELS, enums.TrainingLabel.FABRIQUES_TERRITOIRE): ["fabrique de territoire"],
        (LABELS, enums.TrainingLabel.ETAPES_NUMERIQUES): ["Étapes numériques", "La Poste Étapes numériques"],
        (LABELS, enums.TrainingLabel.MON_ESPACE_SANTE): ["Mon Espace Santé"],
        (PASS_NUMERIQUE, True): ["APTIC", "pass numérique"],
        (OTHER_LABEL, "French Tech"): ["French Tech"],
        (OTHER_LABEL, "Campus connecté"): ["Campus connecté"],
        (OTHER_LABEL, "Relais pôle emploi"): ["Relais pôle emploi", "Relais France Travail"],
    },
    "acces": {
        (ACCES, enums.AccessMode.SE_PRESENTER): ["se présenter", "sans rendez-vous", "accueil libre", "en présentiel"],
        (ACCES, enums.AccessMode.TELEPHONER): ["téléphoner", "par téléphone", "appeler"],
        (ACCES, enums.AccessMode.MAIL): [
            "envoyer un mail",
            "envoyer un courriel",
            "par mail",
            "par courriel",
            "email",
        ],
        (ACCES, enums.AccessMode.RDV_EN_LIGNE): ["prendre rdv", "prendre rendez-vous", "rendez-vous en ligne"],
        (ACCES, enums.AccessMode.FICHE_PRESCRIPTION): ["envoyer un mail avec une fiche de prescription"],
    },
    "accompagnement": {
        (ACCOMPAGNEMENT, enums.SupportMode.AUTONOMIE): ["autonomie", "en autonomie", "seul", "libre-service"],
        (ACCOMPAGNEMENT, enums.SupportMode.INDIVIDUEL): [
            "accompagnement individuel",
            "individuel",
            "avec de l'aide",
            "à ma place",
            "accompagnement personnalisé",
        ],
        (ACCOMPAGNEMENT, enums.SupportMode.ATELIER_COLLECTIF): [
            "atelier collectif",
            "ateliers collectifs",
            "dans un atelier",
            "atelier",
            "collectif",
        ],
        (ACCOMPAGNEMENT, enums.SupportMode.A_DISTANCE): ["à distance", "a-distance", "en ligne", "distanciel"],
    },
    "itinerance": {
        (ITINERANCE, enums.Mobility.ITINERANT): ["itinérant", "mobile", "itinérance", "oui"],
        (ITINERANCE, enums.Mobility.FIXE): ["fixe", "non"],
    },
}

# Which table reads which column (v1 columns and the v0.1 columns they replace).
TABLE_OF_COLUMN = {
    "services": "services",
    "publics_specifiquement_adresses": "publics",
    "prise_en_charge_specifique": "publics",
    "publics_accueillis": "publics",
    "frais_a_charge": "frais",
    "conditions_acces": "frais",
    "dispositif_programmes_nationaux": "labels",
    "formations_labels": "labels",
    "labels_nationaux": "labels",
    "modalites_acces": "acces",
    "modalites_accompagnement": "accompagnement",
    "itinerance": "itinerance",
}

# Structure types (``typologie``, free text in the standard): the data·inclusion codes, recognised by code
# or by label, written as the code. Any other type is kept as written.
TYPOLOGIES = {
    "ASSO": ["association", "associations"],
    "BIB": ["bibliothèque", "médiathèque", "bibliothèque / médiathèque"],
    "CAF": ["caisse d'allocations familiales"],
    "CC": ["communauté de communes"],
    "CCAS": ["centre communal d'action sociale"],
    "CCONS": ["chambre consulaire"],
    "CD": ["conseil départemental"],
    "CHRS": ["centre d'hébergement et de réinsertion sociale"],
    "CIAS": ["centre intercommunal d'action sociale"],
    "CS": ["centre social"],
    "CSC": ["centre socio-culturel"],
    "EPCI": ["intercommunalité"],
    "EPN": ["espace public numérique"],
    "ESS": ["entreprise de l'économie sociale et solidaire"],
    "FABLAB": ["fablab", "atelier partagé"],
    "LA_POSTE": ["bureau de poste", "agence postale", "la poste"],
    "MDS": ["maison départementale des solidarités"],
    "MJC": ["maison des jeunes et de la culture"],
    "ML": ["mission locale"],
    "MQ": ["maison de quartier"],
    "MSAP": ["maison de services au public"],
    "MUNI": ["mairie", "municipalité", "commune"],
    "OF": ["organisme de formation"],
    "PIMMS": ["point information médiation multi services"],
    "RS_FJT": ["résidence sociale", "foyer de jeunes travailleurs"],
    "TIERS_LIEUX": ["tiers-lieux", "tiers lieu"],
    "Autre": ["autre", "autres"],
}
