"""Recording, changing and deleting activity reports: permission → validation → derived fields → save → journal.

``record_activity(user, data)`` takes plain values (the web form and the API both give them):

- ``structure_id`` (else the structure the person acts for), ``kind``, ``date``, ``duration_minutes``;
- ``location_kind`` with ``place_id`` (place) or ``commune_code`` (home, elsewhere);
- ``themes``, ``admin_subthemes`` (only with ``admin_procedures``), ``admin_precision``, ``equipment``,
  ``redirections``, ``autonomy``, ``title``, ``level``, ``note``, ``tags`` (names);
- ``beneficiary_id`` (an individual followed person), ``participant_ids`` (a workshop's followed people);
- counts: ``participants`` (total, followed people included), ``returning`` and the breakdowns
  (``gender_female``…, ``age_18_24``…, ``status_retired``…) of the anonymous participants. Followed people are
  counted by the service from their year of birth, gender and status; what no breakdown tells goes to
  « non communiqué », so that every breakdown adds up to the total;
- ``referral_id`` (an accepted referral to one of the structure's places: it becomes « personne accompagnée »),
  ``diagnostic_id`` (a diagnostic of the structure).

Errors are ``cordee.core.errors`` with French messages, ``errors={field: message}``.
"""

import datetime as dt

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cordee.activities import enums, fields, perms
from cordee.activities.enums import (
    COORDINATION_KINDS,
    ActivityKind,
    LocationKind,
    Source,
)
from cordee.activities.models import (
    AGE_COLUMNS,
    BREAKDOWNS,
    Activity,
    ActivityParticipant,
    ActivityTag,
)
from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import Invalid, NotAllowed, NotFound, Refused
from cordee.core.ids import as_id
from cordee.diagnostics.models import Diagnostic
from cordee.journal.services import record
from cordee.places.models import Place
from cordee.referrals import services as referral_services
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Structure
from cordee.structures.roles import roles_of
from cordee.territories.local_time import time_zone
from cordee.territories.models import Commune

DURATION_PRESETS = (15, 30, 45, 60, 90, 120)
MAX_DURATION_MINUTES = 24 * 60
MAX_PARTICIPANTS = 10_000
MAX_FOLLOWED_PARTICIPANTS = 200
# A referral can be linked once the place accepted it; « accompagnée » is set from these two states.
REFERRAL_LINKABLE_STATES = (
    ReferralState.ACCEPTED,
    ReferralState.APPOINTMENT_SET,
    ReferralState.NO_SHOW,
    ReferralState.ACCOMPANIED,
    ReferralState.CLOSED,
)
REFERRAL_MARKABLE_STATES = (ReferralState.ACCEPTED, ReferralState.APPOINTMENT_SET)
INDIVIDUAL_KINDS = (ActivityKind.INDIVIDUAL,)
TEXT_LIMITS = {"title": 200, "admin_precision": 200, "note": 5000}
MAX_TAGS = 10
COPIED_FIELDS = (
    "kind",
    "duration_minutes",
    "location_kind",
    "place_id",
    "themes",
    "admin_subthemes",
    "admin_precision",
    "equipment",
    "redirections",
    "autonomy",
    "title",
    "level",
    "participants",
)


def _choice_list(values, choices, field, label, errors):
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    values = [str(value) for value in values]
    unknown = sorted(set(values) - set(choices.values))
    if unknown:
        errors[field] = f"{label} : {', '.join(unknown)}. Valeurs possibles : {', '.join(choices.values)}."
        return []
    return values


def _int(data, name, errors, message, default=0):
    value = data.get(name, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = message
        return default
    return number


def _today(departement_code: str) -> dt.date:
    if departement_code:
        return timezone.localdate(timezone=time_zone(departement_code))
    return timezone.localdate()


def _structure(user, data, errors, kind):
    structure_id = data.get("structure_id")
    roles = roles_of(user)
    if structure_id in (None, ""):
        ids = perms.recording_structure_ids(user)
        acting = roles.acting_structure_id
        if acting in ids:
            structure_id = acting
        elif len(ids) == 1:
            structure_id = ids[0]
        elif kind in COORDINATION_KINDS and roles.is_coordinator:
            return None
        elif not ids:
            raise NotAllowed(
                "Seuls les médiateurs, conseillers numériques et gestionnaires d'une structure enregistrent ces "
                "activités.",
                reason="not_a_recorder",
            )
        else:
            errors["structure_id"] = "Choisissez la structure pour laquelle vous avez mené cette activité."
            return None
    try:
        structure_id = int(structure_id)
    except (TypeError, ValueError):
        errors["structure_id"] = "Structure inconnue."
        return None
    if structure_id not in perms.recording_structure_ids(user):
        raise NotFound("Structure introuvable, ou vous n'y enregistrez pas d'activités.", reason="structure_not_found")
    return Structure.objects.select_related("commune__departement").get(pk=structure_id)


def _related(model, value, field, errors, message, queryset=None):
    if value in (None, ""):
        return None
    pk = as_id(value)
    if pk is None:
        errors[field] = message
        return None
    found = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if found is None:
        errors[field] = message
    return found


def _band_counts(person: Beneficiary, on_year: int) -> dict[str, int]:
    counts = {enums.AGE_BAND_COLUMNS[enums.age_band(person.birth_year, on_year)]: 1}
    counts[enums.GENDER_COLUMNS.get(person.gender, "gender_unknown")] = 1
    counts[enums.STATUS_COLUMNS.get(person.status, "status_unknown")] = 1
    return counts


def clean(user, data: dict, *, instance: Activity | None = None) -> dict:
    """Check ``data`` and compute the stored values; raises ``Invalid``/``NotFound``/``Refused``.

    Returns ``{"values": {field: value}, "participants": [Beneficiary], "tags": [names], "referral": Referral}``.
    """
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in ActivityKind.values:
        errors["kind"] = f"Type d'activité inconnu. Types possibles : {', '.join(ActivityKind.values)}."
    is_coordination = kind in COORDINATION_KINDS
    if is_coordination and not perms.can_record_coordination(user):
        raise NotAllowed("Seuls les coordinateurs et les membres d'une structure déclarent ces activités.")
    structure = _structure(user, data, errors, kind)
    if structure is None and not is_coordination and "structure_id" not in errors and "kind" not in errors:
        errors["structure_id"] = "Choisissez la structure pour laquelle vous avez mené cette activité."

    # Date and duration
    date = data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            errors["date"] = "Date invalide : indiquez-la au format AAAA-MM-JJ."
            date = None
    elif isinstance(date, dt.datetime):
        date = date.date()
    if date is None and "date" not in errors:
        errors["date"] = "Indiquez la date de l'activité."
    duration = _int(data, "duration_minutes", errors, "Indiquez la durée en minutes (un nombre entier).", None)
    if duration is None and "duration_minutes" not in errors:
        errors["duration_minutes"] = "Indiquez la durée de l'activité."
    elif duration is not None and duration <= 0:
        errors["duration_minutes"] = "La durée doit être d'au moins 1 minute."
    elif duration is not None and duration > MAX_DURATION_MINUTES:
        errors["duration_minutes"] = "La durée ne peut pas dépasser 24 heures (1 440 minutes)."

    # Lists
    themes = fields.THEMES.ordered(
        _choice_list(data.get("themes"), enums.Theme, "themes", "Thématique inconnue", errors)
    )
    if not themes and not is_coordination and "themes" not in errors:
        errors["themes"] = "Choisissez au moins une thématique."
    subthemes = fields.ADMIN_SUBTHEMES.ordered(
        _choice_list(data.get("admin_subthemes"), enums.AdminSubTheme, "admin_subthemes", "Démarche inconnue", errors)
    )
    admin_precision = str(data.get("admin_precision") or "").strip()
    if (subthemes or admin_precision) and enums.Theme.ADMIN_PROCEDURES not in themes:
        errors["admin_subthemes"] = (
            "Les démarches administratives se précisent seulement avec la thématique « Aide aux démarches "
            "administratives »."
        )
    equipment = fields.EQUIPMENT.ordered(
        _choice_list(data.get("equipment"), enums.Equipment, "equipment", "Matériel inconnu", errors)
    )
    redirections = fields.REDIRECTIONS.ordered(
        _choice_list(data.get("redirections"), enums.Redirection, "redirections", "Orientation inconnue", errors)
    )
    autonomy = str(data.get("autonomy") or "")
    if autonomy and autonomy not in enums.Autonomy.values:
        errors["autonomy"] = f"Autonomie inconnue. Valeurs possibles : {', '.join(enums.Autonomy.values)}."
    level = str(data.get("level") or "")
    if level and level not in enums.WorkshopLevel.values:
        errors["level"] = f"Niveau inconnu. Valeurs possibles : {', '.join(enums.WorkshopLevel.values)}."
    if level and kind != ActivityKind.WORKSHOP:
        errors["level"] = "Le niveau se précise seulement pour un atelier collectif."
    texts = {name: str(data.get(name) or "").strip() for name in TEXT_LIMITS}
    texts["admin_precision"] = admin_precision
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            errors[name] = f"{limit} caractères au plus."
    if kind in (ActivityKind.WORKSHOP, *COORDINATION_KINDS) and not texts["title"]:
        errors["title"] = "Donnez un titre à l'activité."
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    tags = sorted({str(name).strip()[:60] for name in tags if str(name).strip()})
    if len(tags) > MAX_TAGS:
        errors["tags"] = f"{MAX_TAGS} étiquettes au plus."
    if tags and structure is None:
        errors["tags"] = "Les étiquettes appartiennent à une structure : choisissez-en une."

    # Followed people: only the structure's own, never another structure's.
    people = Beneficiary.objects.active().filter(structure=structure) if structure else Beneficiary.objects.none()
    beneficiary = _related(
        Beneficiary,
        data.get("beneficiary_id"),
        "beneficiary_id",
        errors,
        "Personne introuvable dans la structure.",
        people,
    )
    if beneficiary is not None and kind not in INDIVIDUAL_KINDS:
        errors["beneficiary_id"] = (
            "Une personne suivie se rattache à un accompagnement individuel ; pour un atelier, ajoutez-la aux "
            "participants."
        )
    participant_ids = data.get("participant_ids") or []
    followed = []
    if participant_ids:
        if kind != ActivityKind.WORKSHOP:
            errors["participant_ids"] = "Les participants suivis se rattachent à un atelier collectif."
        else:
            keys = [as_id(pk) for pk in participant_ids]
            wanted = sorted({key for key in keys if key is not None})
            if None in keys:
                wanted = []
                errors["participant_ids"] = "Participants inconnus."
            if len(wanted) > MAX_FOLLOWED_PARTICIPANTS:
                errors["participant_ids"] = f"{MAX_FOLLOWED_PARTICIPANTS} participants suivis au plus."
            followed = list(people.filter(pk__in=wanted).order_by("pk"))
            if len(followed) != len(wanted) and "participant_ids" not in errors:
                errors["participant_ids"] = "Une ou plusieurs personnes sont introuvables dans la structure."

    # Where
    location_kind = str(data.get("location_kind") or "")
    place = commune = None
    if location_kind not in LocationKind.values:
        errors["location_kind"] = f"Lieu inconnu. Valeurs possibles : {', '.join(LocationKind.values)}."
    elif location_kind == LocationKind.PLACE:
        own_places = Place.objects.filter(structure_id__in=perms.recording_structure_ids(user))
        place = _related(
            Place, data.get("place_id"), "place_id", errors, "Choisissez un des lieux de votre structure.", own_places
        )
        if place is None and "place_id" not in errors:
            errors["place_id"] = "Choisissez le lieu de l'activité."
        commune = place.commune_ref if place is not None else None
    elif location_kind in (LocationKind.HOME, LocationKind.ELSEWHERE):
        code = str(data.get("commune_code") or "").strip()
        if code:
            commune = Commune.objects.select_related("departement").filter(code_insee=code).first()
            if commune is None:
                errors["commune_code"] = f"Commune inconnue : {code}. Indiquez son code INSEE."
        elif location_kind == LocationKind.HOME and beneficiary is not None and beneficiary.commune_id:
            commune = beneficiary.commune
        else:
            errors["commune_code"] = "Indiquez la commune où l'activité a eu lieu."

    # Counts
    count_message = "Indiquez un nombre entier positif ou nul."
    participants = _int(data, "participants", errors, "Indiquez le nombre de participants.", 1)
    if kind in INDIVIDUAL_KINDS:
        participants = 1
    if participants < 1:
        errors["participants"] = "Il faut au moins 1 participant."
    elif participants > MAX_PARTICIPANTS:
        errors["participants"] = f"{MAX_PARTICIPANTS} participants au plus."
    elif len(followed) > participants:
        errors["participants"] = "Le total doit compter aussi les participants suivis."
    counts = {"returning": _int(data, "returning", errors, count_message)}
    for columns in BREAKDOWNS.values():
        for column in columns:
            counts[column] = _int(data, column, errors, count_message)
    for name, value in counts.items():
        if value < 0:
            errors[name] = count_message
    on_year = date.year if isinstance(date, dt.date) else timezone.localdate().year
    persons = [beneficiary] if beneficiary is not None else followed
    if beneficiary is not None:
        # The followed person is the one participant: their own bands replace whatever was given.
        counts = dict.fromkeys(counts, 0)
        earlier = beneficiary.activities.all()
        if instance is not None and instance.pk:
            earlier = earlier.exclude(pk=instance.pk)
        counts["returning"] = 1 if earlier.exists() else int(bool(data.get("returning")))
    for person in persons:
        for column, value in _band_counts(person, on_year).items():
            counts[column] += value
    if counts["returning"] > participants:
        errors["returning"] = "Les personnes déjà accompagnées ne peuvent pas dépasser le total des participants."
    labels = {"gender": "par genre", "age": "par âge", "status": "par statut"}
    for name, columns in BREAKDOWNS.items():
        if sum(counts[column] for column in columns) > participants:
            errors[f"{name}_breakdown"] = (
                f"La répartition {labels[name]} dépasse le total des participants ({participants})."
            )

    # Links
    referral = None
    if data.get("referral_id") not in (None, ""):
        # Looked up among the referrals of the structure's places only: another structure's referral gets the same
        # answer as an unknown number (nobody learns which numbers exist).
        referral = _related(
            Referral,
            data.get("referral_id"),
            "referral_id",
            errors,
            "Orientation introuvable pour les lieux de cette structure.",
            queryset=Referral.objects.filter(place__structure=structure) if structure else Referral.objects.none(),
        )
        if referral is not None and referral.state not in REFERRAL_LINKABLE_STATES:
            raise Refused(
                "Cette orientation n'a pas été acceptée : acceptez-la avant d'y rattacher un accompagnement.",
                reason="referral_not_accepted",
                errors={"referral_id": "Orientation non acceptée."},
            )
    diagnostic = None
    if data.get("diagnostic_id") not in (None, ""):
        diagnostics = Diagnostic.objects.filter(structure=structure) if structure else Diagnostic.objects.none()
        diagnostic = _related(
            Diagnostic, data.get("diagnostic_id"), "diagnostic_id", errors, "Diagnostic introuvable.", diagnostics
        )

    if not errors and date is not None:
        dep = _departement_code(commune, place, structure)
        if date > _today(dep):
            errors["date"] = "La date ne peut pas être après aujourd'hui."
        elif date.year < 2000:
            errors["date"] = "Date trop ancienne."
    if errors:
        first = next(iter(errors.values()))
        raise Invalid(
            first if len(errors) == 1 else "Certaines valeurs ne sont pas valides.",
            errors=errors,
            reason="activity_invalid",
        )

    # Whatever a breakdown does not tell is « non communiqué ».
    if not any(counts[column] for column in AGE_COLUMNS[8:]):
        counts["age_unknown"] += participants - sum(counts[column] for column in AGE_COLUMNS)
    counts["gender_unknown"] += participants - sum(counts[column] for column in BREAKDOWNS["gender"])
    counts["status_unknown"] += participants - sum(counts[column] for column in BREAKDOWNS["status"])

    departement_code = _departement_code(commune, place, structure)
    mediator = instance.mediator if instance is not None and instance.mediator_id else user
    membership_role = roles_of(mediator).role_in(structure.pk) if structure else None
    values = {
        "mediator": mediator,
        "structure": structure,
        "kind": kind,
        "date": date,
        "duration_minutes": duration,
        "location_kind": location_kind,
        "place": place,
        "commune": commune,
        "departement_code": departement_code,
        "region_code": _region_code(departement_code, commune, structure),
        "themes": themes,
        "themes_mask": fields.THEMES.mask(themes),
        "admin_subthemes": subthemes,
        "admin_subthemes_mask": fields.ADMIN_SUBTHEMES.mask(subthemes),
        "admin_precision": texts["admin_precision"],
        "equipment": equipment,
        "equipment_mask": fields.EQUIPMENT.mask(equipment),
        "redirections": redirections,
        "redirections_mask": fields.REDIRECTIONS.mask(redirections),
        "autonomy": autonomy,
        "title": texts["title"],
        "level": level,
        "note": texts["note"],
        "beneficiary": beneficiary,
        "participants": participants,
        **counts,
        "is_conseiller_numerique": membership_role == MembershipRole.CONSEILLER_NUMERIQUE,
        "referral": referral,
        "diagnostic": diagnostic,
    }
    return {"values": values, "participants": followed, "tags": tags, "referral": referral}


def _departement_code(commune, place, structure) -> str:
    if commune is not None:
        return commune.departement_id
    if place is not None and place.departement_code:
        return place.departement_code
    if structure is not None and structure.commune_id:
        return structure.commune.departement_id
    return ""


def _region_code(departement_code, commune, structure) -> str:
    if commune is not None:
        return commune.departement.region_id
    if structure is not None and structure.commune_id and structure.commune.departement_id == departement_code:
        return structure.commune.departement.region_id
    if departement_code:
        from cordee.territories.models import Departement

        return Departement.objects.filter(code=departement_code).values_list("region_id", flat=True).first() or ""
    return ""


def _save_links(activity, cleaned, *, created: bool):
    if not created:
        activity.participant_links.all().delete()
    ActivityParticipant.objects.bulk_create(
        [ActivityParticipant(activity=activity, beneficiary=person) for person in cleaned["participants"]]
    )
    tags = []
    for name in cleaned["tags"]:
        tag, _ = ActivityTag.objects.get_or_create(structure=activity.structure, name=name)
        tags.append(tag)
    activity.tags.set(tags)


def _mark_referral(user, activity, previous_referral_id=None):
    referral = activity.referral
    if referral is None or referral.pk == previous_referral_id:
        return
    if referral.state in REFERRAL_MARKABLE_STATES:
        referral_services.transition(referral, user, to=ReferralState.ACCOMPANIED)


def record_activity(user, data: dict) -> Activity:
    """Record one activity report as ``user``; returns it."""
    if not perms.can_record_any(user):
        raise NotAllowed(
            "Seuls les médiateurs, conseillers numériques, gestionnaires et coordinateurs enregistrent des activités.",
            reason="not_a_recorder",
        )
    with transaction.atomic():
        cleaned = clean(user, data)
        activity = Activity.objects.create(**cleaned["values"], source=Source.ENTERED, created_by=user)
        _save_links(activity, cleaned, created=True)
        _mark_referral(user, activity)
        record(
            user,
            "activities.activity.recorded",
            activity,
            structure_id=activity.structure_id,
            kind=activity.kind,
            referral_id=activity.referral_id,
        )
    return activity


def update_activity(user, activity: Activity, data: dict) -> Activity:
    """Change an activity; ``data`` holds every field (as for ``record_activity``)."""
    if not perms.can_view_activity(user, activity):
        raise NotFound("Activité introuvable.")
    if not perms.can_edit_activity(user, activity):
        raise NotAllowed("Seuls l'auteur de l'activité et les gestionnaires de sa structure peuvent la modifier.")
    if activity.source != Source.ENTERED:
        raise Refused("Une activité importée ne se modifie pas.", reason="imported_activity")
    with transaction.atomic():
        activity = Activity.objects.select_for_update(of=("self",)).get(pk=activity.pk)
        previous_referral_id = activity.referral_id
        data = {"structure_id": activity.structure_id, **data}
        cleaned = clean(user, data, instance=activity)
        values = cleaned["values"]
        values.pop("mediator")
        for name, value in values.items():
            setattr(activity, name, value)
        activity.save()
        _save_links(activity, cleaned, created=False)
        _mark_referral(user, activity, previous_referral_id)
        record(user, "activities.activity.updated", activity, structure_id=activity.structure_id)
    return activity


def delete_activity(user, activity: Activity) -> None:
    if not perms.can_view_activity(user, activity):
        raise NotFound("Activité introuvable.")
    if not perms.can_edit_activity(user, activity):
        raise NotAllowed("Seuls l'auteur de l'activité et les gestionnaires de sa structure peuvent la supprimer.")
    try:
        with transaction.atomic():
            record(
                user, "activities.activity.deleted", activity, structure_id=activity.structure_id, kind=activity.kind
            )
            activity.delete()
    except ProtectedError:
        raise Refused(
            "Cette activité justifie l'utilisation d'un Pass numérique remboursé à votre structure : elle ne peut "
            "pas être supprimée. Vous pouvez la corriger.",
            reason="activity_paid_by_pass",
        ) from None


def copy_values(activity: Activity) -> dict:
    """The values a new report starts from when « dupliquer » is chosen (not the date, the person or the note)."""
    values = {name: getattr(activity, name) for name in COPIED_FIELDS}
    values["commune_code"] = activity.commune_id or ""
    values["structure_id"] = activity.structure_id
    values["tags"] = sorted(activity.tags.values_list("name", flat=True))
    return values


def erase_beneficiary(beneficiary) -> int:
    """Anonymisation: the free texts of the person's activities are blanked; dates and counts stay."""
    return (
        Activity.objects.filter(beneficiary=beneficiary)
        .exclude(note="", admin_precision="")
        .update(note="", admin_precision="")
    )
