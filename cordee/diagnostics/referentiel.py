"""The référentiel « 2026-1 », as data: areas (DigComp 2.2 + démarches en ligne) and questions.

Question ids and area codes are stable: the API documents them and results refer to them. A later version
is a new draft (copied from this one in the admin pages), never an edit of a published one.

Written to be read aloud or by someone who reads little: short sentences, everyday words, one
situation per question (FALC/CLEAR spirit).
"""

from django.utils import timezone

from cordee.diagnostics.enums import SKILL_ANSWERS, Answer, QuestionKind, VersionState

YES_NO = [Answer.OUI, Answer.NON]

VERSION_2026_1 = {
    "code": "2026-1",
    "notes": "Première version : 15 situations de la vie courante, 3 questions d'équipement, 6 sur ce qui peut gêner.",
    "areas": [
        # code, label, DigComp 2.2 area, Pix competences, DSFR icon
        ("information", "Trouver une information", "1", ["1.1", "1.2", "1.3"], "fr-icon-search-line"),
        ("communication", "Communiquer", "2", ["2.1", "2.2", "2.3"], "fr-icon-chat-3-line"),
        ("contenus", "Créer et envoyer des documents", "3", ["3.1", "3.2", "3.3", "3.4"], "fr-icon-file-text-line"),
        ("securite", "Se protéger", "4", ["4.1", "4.2", "4.3"], "fr-icon-lock-line"),
        ("appareils", "Se servir de son appareil", "5", ["5.1", "5.2"], "fr-icon-smartphone-line"),
        ("demarches", "Faire ses démarches en ligne", "", ["2.4", "1.2"], "fr-icon-government-line"),
    ],
    "questions": [
        # code, kind, area, text, help text, answers, required, sensitive
        (
            "info_horaires_bus",
            QuestionKind.SKILL,
            "information",
            "Trouver sur internet l'horaire d'un bus ou d'un train.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "info_adresse",
            QuestionKind.SKILL,
            "information",
            "Chercher sur internet l'adresse et les horaires d'une mairie.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "comm_photo_email",
            QuestionKind.SKILL,
            "communication",
            "Envoyer une photo par e-mail.",
            "Un e-mail, c'est un courriel, un message électronique.",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "comm_lire_email",
            QuestionKind.SKILL,
            "communication",
            "Lire un e-mail et y répondre.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "comm_appel_video",
            QuestionKind.SKILL,
            "communication",
            "Appeler un proche en vidéo.",
            "Avec WhatsApp, Skype, FaceTime ou une autre application.",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "contenu_scanner",
            QuestionKind.SKILL,
            "contenus",
            "Prendre en photo un papier pour l'envoyer.",
            "Par exemple une facture ou une carte d'identité.",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "contenu_courrier",
            QuestionKind.SKILL,
            "contenus",
            "Écrire une lettre sur l'ordinateur et l'enregistrer.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "secu_mot_de_passe",
            QuestionKind.SKILL,
            "securite",
            "Créer un mot de passe solide et s'en souvenir.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "secu_arnaque",
            QuestionKind.SKILL,
            "securite",
            "Reconnaître un faux message qui demande votre code bancaire.",
            "Un message qui fait peur ou qui promet un cadeau.",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "secu_paiement",
            QuestionKind.SKILL,
            "securite",
            "Payer un achat sur internet sans risque.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "appareil_application",
            QuestionKind.SKILL,
            "appareils",
            "Installer une application sur un téléphone.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "appareil_probleme",
            QuestionKind.SKILL,
            "appareils",
            "Régler un petit problème : le son ne marche plus, l'écran est bloqué.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "demarche_rendez_vous",
            QuestionKind.SKILL,
            "demarches",
            "Prendre un rendez-vous en ligne, par exemple chez le médecin.",
            "",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "demarche_formulaire",
            QuestionKind.SKILL,
            "demarches",
            "Remplir un formulaire en ligne et y joindre un papier.",
            "Par exemple une demande à la CAF.",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "demarche_franceconnect",
            QuestionKind.SKILL,
            "demarches",
            "Se connecter à un site public avec FranceConnect.",
            "Par exemple sur le site des impôts ou de l'Assurance maladie (ameli).",
            SKILL_ANSWERS,
            True,
            False,
        ),
        (
            "equipement_smartphone",
            QuestionKind.EQUIPMENT,
            "",
            "Avez-vous un smartphone ?",
            "Un téléphone portable avec un écran tactile et internet.",
            YES_NO,
            True,
            False,
        ),
        (
            "equipement_ordinateur",
            QuestionKind.EQUIPMENT,
            "",
            "Avez-vous un ordinateur ou une tablette ?",
            "",
            YES_NO,
            True,
            False,
        ),
        (
            "equipement_internet",
            QuestionKind.EQUIPMENT,
            "",
            "Avez-vous internet à la maison ?",
            "Par une box ou par votre téléphone.",
            YES_NO,
            True,
            False,
        ),
        (
            "frein_lecture",
            QuestionKind.BARRIER,
            "",
            "Lire le français est-il difficile pour vous ?",
            "",
            YES_NO,
            True,
            False,
        ),
        (
            "frein_apprehension",
            QuestionKind.BARRIER,
            "",
            "Le numérique vous fait-il peur ou vous stresse-t-il ?",
            "",
            YES_NO,
            True,
            False,
        ),
        (
            "frein_souhait",
            QuestionKind.BARRIER,
            "",
            "Que préférez-vous ?",
            "",
            [Answer.APPRENDRE, Answer.FAIRE_AVEC],
            True,
            False,
        ),
        (
            "frein_handicap",
            QuestionKind.BARRIER,
            "",
            "Avez-vous un handicap ou un problème de santé dont il faut tenir compte ?",
            "La vue, l'audition, les mains, la mémoire… Vous pouvez ne pas répondre.",
            YES_NO,
            False,
            True,
        ),
        (
            "frein_urgence",
            QuestionKind.BARRIER,
            "",
            "Avez-vous une démarche à faire en ligne dans les prochains jours ?",
            "Par exemple un dossier à envoyer avant une date.",
            YES_NO,
            True,
            False,
        ),
        (
            "pass_numerique",
            QuestionKind.BARRIER,
            "",
            "Avez-vous des Pass numériques ?",
            "Des chèques qui paient une aide au numérique.",
            YES_NO,
            False,
            False,
        ),
    ],
}


def install(data, version_model, area_model, question_model, *, publish: bool = False):
    """Create the version described by ``data`` (models passed in so a migration can use its own)."""
    version, created = version_model.objects.get_or_create(
        code=data["code"], defaults={"notes": data["notes"], "state": VersionState.DRAFT}
    )
    if not created:
        return version
    areas = {}
    for position, (code, label, digcomp, pix, icon) in enumerate(data["areas"]):
        areas[code] = area_model.objects.create(
            version=version,
            code=code,
            label=label,
            digcomp_area=digcomp,
            pix_competences=pix,
            icon=icon,
            position=position,
        )
    for position, (code, kind, area, text, help_text, answers, required, sensitive) in enumerate(data["questions"]):
        question_model.objects.create(
            version=version,
            code=code,
            kind=kind,
            area=areas.get(area),
            text=text,
            help_text=help_text,
            answers=[str(answer) for answer in answers],
            required=required,
            sensitive=sensitive,
            position=position,
        )
    if publish:
        version.state = VersionState.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["state", "published_at"])
    return version
