"""Mapping of the standard v0.1 (and of the column names met in real files) onto the standard v1.0.x.

The tables are documented in docs/places-import.md. A v0.1 value maps onto zero, one or several
``(v1 field, v1 value)`` pairs; ``PASS_NUMERIQUE`` stands for our own "accepts the Pass numérique" flag
and ``OTHER_LABEL`` for a label kept as free text in ``autres_formations_labels``.
"""

from cordee.places import enums

PASS_NUMERIQUE = "pass_numerique"
OTHER_LABEL = "autres_formations_labels"

# Column names of v0.1, misspelt, or met in real exports → standard column name. Keys are compared after
# ``column_key`` (lower case, no accents, any run of other characters as "_"): "Code Postal", "code-postal"
# and "CODE_POSTAL" are one name.
_ALIASES = {
    "id": ["identifiant", "id_lieu", "identifiant_lieu", "uid"],
    "pivot": ["siret", "pivot_siret_ou_rna", "siret_ou_rna", "numero_siret", "n_siret", "siret_structure", "rna"],
    "nom": ["name", "nom_du_lieu", "nom_lieu", "nom_structure", "nom_de_la_structure", "lib_fs", "structure"],
    "commune": ["ville", "nom_commune", "lib_com", "adresse_commune", "city", "localite"],
    "code_postal": ["cp", "codepostal", "adresse_code_postal", "zip_code", "code_postale"],
    "code_insee": [
        "insee",
        "code_commune_insee",
        "adresse_code_insee",
        "insee_com",
        "city_insee_code",
        "commune_insee",
        "code_commune",
    ],
    "adresse": ["adresse_postale", "adresse_brut", "address", "adresse_complete", "rue"],
    "complement_adresse": ["complement_d_adresse", "adresse_complement", "comp_adresse"],
    "latitude": ["lat"],
    "longitude": ["lon", "lng", "long"],
    "typologie": ["typologies", "type_de_structure", "type_structure", "typologie_structure", "type_lieu"],
    "telephone": [
        "tel",
        "telephones",
        "telephone_s",
        "contact_telephone",
        "num_tel",
        "numero_de_telephone",
        "ndeg_de_telephone",
        "phone",
    ],
    "courriels": [
        "courriel",
        "email",
        "emails",
        "e_mail",
        "mail",
        "mails",
        "adresse_mail",
        "adresse_e_mail",
        "contact_email",
        "mail_struc",
    ],
    "site_web": ["sites_web", "site", "site_internet", "contact_web", "url", "web"],
    "horaires": [
        "horaires_ouverture",
        "horaires_d_ouverture",
        "horaires_osm",
        "horaires_ouverture_osm",
        "opening_hours",
        "horaire",
    ],
    "presentation_resume": ["resume", "presentation", "presentation_courte"],
    "presentation_detail": ["description", "presentation_detaillee"],
    "structure_parente": ["structure_porteuse"],
    "date_maj": ["date_mise_a_jour", "date_de_mise_a_jour", "date_de_maj", "derniere_mise_a_jour", "dat_maj"],
    "itinerance": ["itinerant"],
    "services": ["thematiques", "thematique", "service", "services_proposes"],
    "publics_specifiquement_adresses": ["publics", "public", "profils", "public_cible", "publics_cibles"],
    "prise_en_charge_specifique": ["prises_en_charge_specifiques", "prise_en_charge"],
    "frais_a_charge": ["frais", "tarifs", "tarif"],
    "dispositif_programmes_nationaux": [
        "dispositifs_programmes_nationaux",
        "dispositifs",
        "programmes_nationaux",
        "dispositif_programme_nationaux",
    ],
    "formations_labels": ["formation_labels", "labels", "formations_et_labels"],
    "autres_formations_labels": ["labels_autres", "labels_autre", "autres_labels", "autre_formations_labels"],
    "modalites_acces": ["modalites_d_acces", "modalite_acces"],
    "modalites_accompagnement": ["modalites_d_accompagnement", "modalite_accompagnement", "modes_accueil"],
    "fiche_acces_libre": ["accessibilite", "acces_libre"],
    "prise_rdv": ["prise_de_rdv", "prise_rendez_vous", "prise_de_rendez_vous", "rdv", "rendez_vous"],
    "publics_accueillis": ["public_accueillis"],
    "conditions_acces": ["conditions_access", "conditions_d_acces"],
    "labels_nationaux": ["labels_nat", "label_nationaux", "labels_nationals"],
}
COLUMN_ALIASES = {alias: column for column, aliases in _ALIASES.items() for alias in aliases}
# v0.1 columns that are dropped on purpose (no v1 equivalent; recomputed by us).
IGNORED_COLUMNS = {"cle_ban"}
# v0.1 columns whose values are mapped through LEGACY_VALUES.
LEGACY_COLUMNS = {"publics_accueillis", "conditions_acces", "labels_nationaux"}
V01_ONLY_COLUMNS = {"courriel", "cle_ban", "labels_autres", "accessibilite"} | LEGACY_COLUMNS
V1_ONLY_COLUMNS = {
    "courriels",
    "itinerance",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "fiche_acces_libre",
}

S = enums.Service
OLD_SERVICES = {
    "Devenir autonome dans les démarches administratives": [S.AIDE_DEMARCHES],
    "Réaliser des démarches administratives avec un accompagnement": [S.AIDE_DEMARCHES],
    "Accompagner les démarches de santé": [S.AIDE_DEMARCHES],
    "Prendre en main un smartphone ou une tablette": [S.OUTILS_QUOTIDIEN],
    "Prendre en main un ordinateur": [S.OUTILS_QUOTIDIEN],
    "Utiliser le numérique au quotidien": [S.OUTILS_QUOTIDIEN],
    "Approfondir ma culture numérique": [S.COMPREHENSION_MONDE],
    "Promouvoir la citoyenneté numérique": [S.COMPREHENSION_MONDE],
    "Favoriser mon insertion professionnelle": [S.INSERTION_PRO],
    "Créer et développer mon entreprise": [S.INSERTION_PRO],
    "Accéder à une connexion internet": [S.ACCES_INTERNET_MATERIEL],
    "Accéder à du matériel": [S.ACCES_INTERNET_MATERIEL],
    "S'équiper en matériel informatique": [S.MATERIEL_PRIX_SOLIDAIRE],
    "Créer avec le numérique": [S.LOISIRS_CREATIONS],
    "Soutenir la parentalité et l'éducation avec le numérique": [S.PARENTALITE],
}

OLD_SUPPORT_MODES = {
    "Seul : j'ai accès à du matériel et une connexion": [enums.SupportMode.AUTONOMIE],
    "Avec de l'aide : je suis accompagné seul dans l'usage du numérique": [enums.SupportMode.INDIVIDUEL],
    "Dans un atelier : j'apprends collectivement à utiliser le numérique": [enums.SupportMode.ATELIER_COLLECTIF],
    "A ma place : une personne habilitée fait les démarches à ma place": [enums.SupportMode.INDIVIDUEL],
}

P = "publics_specifiquement_adresses"
PEC = "prise_en_charge_specifique"
FRAIS = "frais_a_charge"
DISPOSITIFS = "dispositif_programmes_nationaux"
LABELS = "formations_labels"

# v0.1 column → {v0.1 value: [(v1 column, v1 value), ...]}. An empty list: no equivalent, dropped on purpose.
LEGACY_VALUES = {
    "publics_accueillis": {
        "Seniors (+ 65 ans)": [(P, enums.Public.SENIORS)],
        "Familles/enfants": [(P, enums.Public.FAMILLES_ENFANTS)],
        "Adultes": [],
        "Jeunes (16-26 ans)": [(P, enums.Public.JEUNES)],
        "Uniquement femmes": [(P, enums.Public.FEMMES)],
        "Public langues étrangères": [(PEC, enums.SpecificSupport.LANGUES_AUTRES)],
        "Déficience visuelle": [(PEC, enums.SpecificSupport.DEFICIENCE_VISUELLE)],
        "Surdité": [(PEC, enums.SpecificSupport.SURDITE)],
        "Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales": [
            (PEC, enums.SpecificSupport.HANDICAPS_MENTAUX)
        ],
        "Handicaps mentaux : déficiences limitant les activités d'une personne": [
            (PEC, enums.SpecificSupport.HANDICAPS_MENTAUX)
        ],
        "Personnes en situation d'illettrisme": [(PEC, enums.SpecificSupport.ILLETTRISME)],
    },
    "conditions_acces": {
        "Gratuit : Je peux accéder gratuitement au lieu et à ses services": [(FRAIS, enums.Fee.GRATUIT)],
        "Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, convention "
        "avec un organisme social...)": [(FRAIS, enums.Fee.GRATUIT_SOUS_CONDITION)],
        "Payant : L'accès au lieu et/ou à ses services est payant": [(FRAIS, enums.Fee.PAYANT)],
        "Accepte le Pass numérique : Il est possible d'utiliser un Pass numérique pour accéder au lieu": [
            (PASS_NUMERIQUE, True)
        ],
        "Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer": [(FRAIS, enums.Fee.PAYANT)],
    },
    "labels_nationaux": {
        "France Services": [(DISPOSITIFS, enums.NationalProgramme.FRANCE_SERVICES)],
        "CNFS": [(DISPOSITIFS, enums.NationalProgramme.CONSEILLERS_NUMERIQUES)],
        "APTIC": [(PASS_NUMERIQUE, True)],
        "Aidants Connect": [(DISPOSITIFS, enums.NationalProgramme.AIDANTS_CONNECT)],
        "Fabriques de Territoire": [(LABELS, enums.TrainingLabel.FABRIQUES_TERRITOIRE)],
        "Grandes écoles du numérique": [(DISPOSITIFS, enums.NationalProgramme.GRANDE_ECOLE_NUMERIQUE)],
        "Point relais CAF": [(DISPOSITIFS, enums.NationalProgramme.POINT_ACCES_CAF)],
        "Point numérique CAF": [(DISPOSITIFS, enums.NationalProgramme.POINT_ACCES_CAF)],
        "Relais pôle emploi": [(OTHER_LABEL, "Relais pôle emploi")],
        "French Tech": [(OTHER_LABEL, "French Tech")],
        "Campus connecté": [(OTHER_LABEL, "Campus connecté")],
    },
}
# The short form ("Gratuit", "Payant"…) of conditions_acces is also met.
for _long, _targets in list(LEGACY_VALUES["conditions_acces"].items()):
    LEGACY_VALUES["conditions_acces"].setdefault(_long.split(" : ")[0], _targets)

# Old values met in the v1 columns themselves (files half converted).
OLD_VALUES_IN_V1_COLUMNS = {
    "services": OLD_SERVICES,
    "modalites_accompagnement": OLD_SUPPORT_MODES,
}


def detect_version(columns, service_values) -> str:
    """'1.0', '0.1' or 'mixte' from the columns present and the services used."""
    names = {column.strip().lower() for column in columns}
    old = bool(names & V01_ONLY_COLUMNS) or any(value in OLD_SERVICES for value in service_values)
    new = bool(names & V1_ONLY_COLUMNS) or any(value in S.values for value in service_values)
    if old and new:
        return "mixte"
    return "0.1" if old else "1.0"
