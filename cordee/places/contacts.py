"""Contacts of a place that look like a person's rather than the place's.

The directory publishes what places (or their sources) publish, and its data are open. Some places give a
mediator's own address (``prenom.nom@…``) or mobile number: Cordée keeps them, since the place published
them, but tells the people who manage the place (management page, import report) and suggests a generic
contact instead. The rule is deliberately simple and documented in docs/personal-data.md:

- **e-mail**: the part before ``@`` is two or three words separated by ``.`` or ``_`` (``jean.dupont``,
  ``j.dupont``, ``marie-anne_martin``), made of letters only, and none of them is a word that names a
  service or a place (``contact``, ``accueil``, ``mairie``, ``numerique``…, see ``GENERIC_WORDS``);
- **phone**: a mobile number (``06``/``07`` in metropolitan France, and the mobile ranges overseas),
  as the phone numbering plan says (``phonenumbers``).

It flags, it never refuses nor changes anything: a place may choose to publish a mobile number.
"""

import re
from dataclasses import dataclass

import phonenumbers
from unidecode import unidecode

EMAIL = "email"
PHONE = "phone"

# Words that name a service, a place, a role or a body rather than a person (compared without accents).
_GENERIC = """
    accueil admin administration agence agglo aidant aidants aide animateur animation animatrice antenne
    assistance asso association atelier ateliers base benevole benevoles bibliotheque bibliotheques bonjour
    bureau caf cafe cc ccas cd centre cg cias cie citoyen citoyens club cnfs collectif college comcom communaute
    commune communication compta comptabilite conseil conseiller conseillere conseillers contact contacts
    coordinateur coordination coordinatrice cpam cs cyber cyberbase cyberespace dgs digital direction dsi ecole
    emploi epci epn equipe espace fablab famille familles fondation formation formations france franceservices
    gestion groupe hello helpdesk hub inclusion info informatique infos inscription inscriptions insertion
    internet it jeunesse labo lieu locale lycee mairie maison mds mediateur mediatheque mediatheques mediation
    mediatrice metropole mission mjc multimedia noreply num numerik numerique numeriques office permanence pij
    pimms point poste president presidente public publics rdv reception region relais rendezvous reseau
    responsable ressources rh rsa sarl sas scic scop secretariat seniors service services sg si site social
    sociale solidarite solidarites support team tech tiers tierslieu tresorier universite ville web webmaster
"""
GENERIC_WORDS = frozenset(_GENERIC.split())
EMAIL_LOCAL_PART = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:[._][a-z]+(?:-[a-z]+)*){1,2}$")
MESSAGES = {
    EMAIL: "ressemble à l'adresse d'une personne (prénom.nom)",
    PHONE: "est un numéro de portable",
}
PERSONAL_WARNING = "contact personnel ?"
ADVICE = "proposez au lieu de publier un contact générique (adresse d'accueil, ligne fixe du lieu)"


@dataclass(frozen=True)
class PersonalContact:
    kind: str  # EMAIL or PHONE
    value: str

    @property
    def reason(self) -> str:
        return MESSAGES[self.kind]


def email_looks_personal(email: str) -> bool:
    local = unidecode((email or "").split("@", 1)[0]).lower().rstrip("0123456789")
    if not EMAIL_LOCAL_PART.match(local):
        return False
    words = [word for part in re.split(r"[._]", local) for word in part.split("-")]
    if any(word in GENERIC_WORDS for word in words):
        return False
    # Initials alone ("a.b") say nothing; a name has at least one word of three letters or more.
    return any(len(word) >= 3 for word in words)


def phone_is_mobile(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone or "", "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and (
        phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def personal_contacts(emails=(), phones=()) -> list[PersonalContact]:
    """The contacts among these that look like a person's, e-mails first."""
    found = [PersonalContact(EMAIL, email) for email in emails or () if email_looks_personal(email)]
    found += [PersonalContact(PHONE, phone) for phone in phones or () if phone_is_mobile(phone)]
    return found


def place_personal_contacts(place) -> list[PersonalContact]:
    return personal_contacts(place.emails, place.phones)
