"""The v1 vocabulary (conseiller numérique programme's CRA export) mapped onto Cordée's codes.

Every table here is documented in docs/activities-import-v1.md; a value absent from a table is either a
rejection of the row (themes, canal, activité, duration) or a warning (organisms, equipment sub-themes),
as that page says. Keys are compared after ``key()``: lower case, no accents, single spaces.
"""

from cordee.territories.normalize import search_key

# v1 ``activite`` → ActivityKind
KINDS = {
    "individuel": "individual",
    "ponctuel": "quick",
    "collectif": "workshop",
}

# v1 ``canal`` → LocationKind. "rattachement" is the conseiller's own place (their structure or permanence).
LOCATIONS = {
    "rattachement": "place",
    "autre lieu": "elsewhere",
    "distance": "remote",
    "domicile": "home",
}

# v1 themes (the 19 of the v1 form, plus "espace-sante" seen in exports) → national themes of today.
# "autre" has no counterpart: the activity keeps no theme for it (the raw row keeps it).
THEMES = {
    "equipement informatique": ["hardware_handling"],
    "smartphone": ["hardware_handling"],
    "internet": ["browsing"],
    "courriel": ["email"],
    "vocabulaire": ["digital_culture"],
    "traitement texte": ["office"],
    "contenus numeriques": ["content_management"],
    "echanger": ["social_networks"],
    "trouver emploi": ["employment"],
    "accompagner enfant": ["parenting"],
    "tpe pme": ["entrepreneurship"],
    "demarche en ligne": ["admin_procedures"],
    "securite": ["security"],
    "fraude et harcelement": ["security"],
    "sante": ["health"],
    "espace sante": ["health"],
    "diagnostic": ["diagnostic"],
    "budget": ["banking_shopping"],
    "scolaire": ["schooling"],
    "autre": [],
}

# Equipment: the "smartphone" theme means a phone was used; the sub-themes of "equipement informatique"
# name the device. Unknown sub-themes become "other" with a warning.
THEME_EQUIPMENT = {"smartphone": "phone"}
EQUIPMENT = {
    "ordinateur": "computer",
    "telephone": "phone",
    "smartphone": "phone",
    "tablette": "tablet",
    "autre materiel": "other",
    "autre": "other",
}

# With "demarche en ligne", a health sub-theme means the procedure was a social or health one.
HEALTH_ADMIN_SUBTHEME = "social_health"

# Duration: minutes as a number, or one of the v1 buckets (the middle of the bucket, as the national tool
# did when it imported them; "120+" counts as 120).
DURATION_BUCKETS = {
    "0 30": 15,
    "30 60": 45,
    "60 120": 90,
    "120": 120,
}
MAX_DURATION_MINUTES = 24 * 60

# v1 age bands and statuses, kept as they are (never split into today's bands).
AGE_COLUMNS = {
    "age_moins_12_ans": "age_v1_under_12",
    "age_de_12_a_18_ans": "age_v1_12_18",
    "age_de_18_a_35_ans": "age_v1_18_35",
    "age_de_35_a_60_ans": "age_v1_35_60",
    "age_plus_60_ans": "age_v1_over_60",
}
STATUS_COLUMNS = {
    "statut_etudiant": "status_student",
    "statut_sans_emploi": "status_unemployed",
    "statut_en_emploi": "status_employed",
    "statut_retraite": "status_retired",
    "statut_heterogene": "status_unknown",
}

# Organisms a person was redirected to (``organismes``, free names in v1) → Redirection. The first rule
# whose words all appear in the organism's name wins; no rule → "other" (with a warning in the report).
ORGANISM_RULES = [
    # Help with administrative procedures: France Services, public digital access points, public writers.
    (("france services",), "admin_help"),
    (("maison", "services", "public"), "admin_help"),
    (("msap",), "admin_help"),
    (("pan",), "admin_help"),
    (("point", "numerique"), "admin_help"),
    (("ecrivain", "public"), "admin_help"),
    # Employment and training.
    (("pole emploi",), "employment"),
    (("france travail",), "employment"),
    (("mission locale",), "employment"),
    (("cap emploi",), "employment"),
    (("apec",), "employment"),
    # Social help.
    (("ccas",), "social_aid"),
    (("cias",), "social_aid"),
    (("assistant", "social"), "social_aid"),
    (("assistante", "sociale"), "social_aid"),
    (("assistant", "sociale"), "social_aid"),
    (("travailleur", "social"), "social_aid"),
    (("travailleuse", "sociale"), "social_aid"),
    (("service", "social"), "social_aid"),
    (("udaf",), "social_aid"),
    (("secours",), "social_aid"),
    (("restos",), "social_aid"),
    (("croix rouge",), "social_aid"),
    (("emmaus",), "social_aid"),
    # Other digital mediation.
    (("conseiller", "numerique"), "digital_mediation"),
    (("mediation", "numerique"), "digital_mediation"),
    (("epn",), "digital_mediation"),
    (("fablab",), "digital_mediation"),
    (("mediatheque",), "digital_mediation"),
    (("bibliotheque",), "digital_mediation"),
    # Operators and companies in charge of a service.
    (("la poste",), "operator"),
    (("banque",), "operator"),
    (("edf",), "operator"),
    (("engie",), "operator"),
    (("orange",), "operator"),
    (("sfr",), "operator"),
    (("bouygues",), "operator"),
    (("free",), "operator"),
    (("operateur",), "operator"),
    (("fournisseur",), "operator"),
    (("assurance",), "operator"),
    (("mutuelle",), "operator"),
    # Administrations.
    (("ants",), "administration"),
    (("caf",), "administration"),
    (("cpam",), "administration"),
    (("ameli",), "administration"),
    (("carsat",), "administration"),
    (("cnav",), "administration"),
    (("msa",), "administration"),
    (("urssaf",), "administration"),
    (("impot",), "administration"),
    (("impots",), "administration"),
    (("dgfip",), "administration"),
    (("finances publiques",), "administration"),
    (("prefecture",), "administration"),
    (("sous prefecture",), "administration"),
    (("mairie",), "administration"),
    (("commune",), "administration"),
    (("departement",), "administration"),
    (("conseil", "departemental"), "administration"),
    (("region",), "administration"),
    (("tribunal",), "administration"),
    (("justice",), "administration"),
    (("gendarmerie",), "administration"),
    (("police",), "administration"),
    (("ofii",), "administration"),
    (("education",), "administration"),
    (("ecole",), "administration"),
    (("college",), "administration"),
    (("lycee",), "administration"),
    (("retraite",), "administration"),
]

# v1 structure types → StructureKind of a structure created by the import.
STRUCTURE_KINDS = {
    "public": "collectivite",
    "private": "other",
}

# Words that mean "nothing" in the export.
NULLS = frozenset({"", "null", "none", "nan", "undefined"})


def key(value) -> str:
    """'Démarche en ligne' → 'demarche en ligne', 'tpe/pme' → 'tpe pme', '0-30' → '0 30'."""
    return search_key(str(value or ""))


def organism_redirection(name: str) -> str | None:
    """The redirection of a v1 organism, or None when no rule knows it."""
    words = f" {key(name)} "
    for needles, redirection in ORGANISM_RULES:
        if all(f" {needle} " in words for needle in needles):
            return redirection
    return None
