"""Sending a referral, moving it through its lifecycle, re-orienting it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import Invalid, NotAllowed, NotFound
from cordee.core.workflow import TransitionNotAllowed
from cordee.diagnostics.models import Diagnostic
from cordee.journal.services import record
from cordee.places.enums import Service
from cordee.places.models import Place
from cordee.referrals import conf, notifications, perms
from cordee.referrals import constraints as referral_constraints
from cordee.referrals.enums import ContactPreference, ReferralState
from cordee.referrals.models import Referral, ReferralMessage
from cordee.referrals.workflow import REFERRAL, Step, apply

CONSENT_MESSAGE = (
    "Le consentement de la personne est obligatoire pour transmettre ses coordonnées ou la personne suivie : "
    "cochez « La personne est d'accord » après lui avoir expliqué ce qui sera transmis, ou retirez ces informations."
)
SENSITIVE_WARNING = (
    "N'écrivez aucune donnée sensible (santé, situation judiciaire, religion, opinions…) : seulement ce qui aide "
    "le lieu à accueillir la personne."
)
MAX_NEXT_PLACES = 5


def _clean_services(services) -> list[str]:
    values = [str(value).strip() for value in services or [] if str(value).strip()]
    if not values:
        raise Invalid("Indiquez au moins un besoin.", reason="services_required", errors={"services": "Obligatoire."})
    unknown = [value for value in values if value not in Service.values]
    if unknown:
        message = f"Service(s) inconnu(s) : {', '.join(unknown)}. Utilisez les valeurs du standard."
        raise Invalid(message, reason="unknown_service", errors={"services": message})
    return list(dict.fromkeys(values))


def _place(place_id, field_name="place_id") -> Place:
    place = Place.objects.filter(pk=place_id).first() if place_id is not None else None
    if place is None:
        message = "Lieu inconnu : choisissez un lieu de l'annuaire."
        raise Invalid(message, reason="unknown_place", errors={field_name: message})
    return place


def create_referral(
    actor,
    *,
    structure,
    place_id,
    services,
    next_place_ids=(),
    constraints=None,
    message="",
    beneficiary_id=None,
    diagnostic_id=None,
    contact_preference="",
    referent="",
    contact_phone="",
    contact_email="",
    consent=False,
) -> Referral:
    """Send a referral from ``structure`` (which ``actor`` belongs to). Nothing is stored when anything is wrong."""
    if not perms.can_refer(actor, structure):
        raise NotAllowed("Vous ne pouvez pas orienter au nom de cette structure.", reason="not_a_member")
    contact_phone, contact_email = (contact_phone or "").strip(), (contact_email or "").strip()
    if (contact_phone or contact_email or beneficiary_id) and not consent:
        raise Invalid(CONSENT_MESSAGE, reason="consent_required", errors={"consent": CONSENT_MESSAGE})
    place = _place(place_id)
    cleaned_constraints = referral_constraints.clean(constraints)
    next_ids = []
    for next_id in list(next_place_ids or [])[:MAX_NEXT_PLACES]:
        if next_id != place.pk and next_id not in next_ids:
            next_ids.append(_place(next_id, "next_place_ids").pk)
    if contact_preference and contact_preference not in ContactPreference.values:
        message = f"Choisissez parmi : {', '.join(ContactPreference.values)}."
        raise Invalid(message, reason="unknown_contact_preference", errors={"contact_preference": message})
    if contact_preference == ContactPreference.REFERENT and not (referent or "").strip():
        message = "Indiquez la personne référente (nom et moyen de la joindre)."
        raise Invalid(message, reason="referent_required", errors={"referent": message})
    beneficiary = diagnostic = None
    if beneficiary_id is not None:
        beneficiary = Beneficiary.objects.active().filter(pk=beneficiary_id, structure=structure).first()
        if beneficiary is None:
            raise NotFound("Personne introuvable dans votre structure.", reason="beneficiary_not_found")
    if diagnostic_id is not None:
        diagnostic = Diagnostic.objects.filter(pk=diagnostic_id, structure=structure).first()
        if diagnostic is None:
            raise NotFound("Diagnostic introuvable dans votre structure.", reason="diagnostic_not_found")
        if beneficiary is None and diagnostic.beneficiary_id is not None:
            if not consent:
                raise Invalid(CONSENT_MESSAGE, reason="consent_required", errors={"consent": CONSENT_MESSAGE})
            beneficiary = diagnostic.beneficiary
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            place=place,
            next_place_ids=next_ids,
            services=_clean_services(services),
            constraints=cleaned_constraints,
            message=(message or "").strip(),
            beneficiary=beneficiary,
            diagnostic=diagnostic,
            contact_preference=contact_preference or "",
            referent=(referent or "").strip(),
            contact_phone=contact_phone,
            contact_email=contact_email,
            consent_given=bool(consent),
            consent_at=now if consent else None,
            prescriber=actor,
            prescriber_structure=structure,
            expires_at=now + conf.days("REFERRAL_EXPIRY_DAYS"),
        )
        record(actor, "referrals.send", referral, place_id=place.pk, structure_id=structure.pk)
        notifications.referral_sent(referral)
    return referral


def transition(
    referral,
    actor,
    *,
    to: str,
    reasons=None,
    outcome: str = "",
    appointment_at: dt.datetime | None = None,
    note: str = "",
    next_place_id: int | None = None,
):
    """Move ``referral`` to state ``to`` as ``actor``; returns the log row (and the new referral when re-oriented)."""
    if to not in ReferralState.values:
        message = f"État inconnu : {to}. États possibles : {', '.join(ReferralState.values)}."
        raise Invalid(message, reason="unknown_state", errors={"to": message})
    candidates = [item for item in REFERRAL.possible_transitions(referral) if item.target == to and not item.automatic]
    if not candidates:
        allowed = [item.name for item in REFERRAL.allowed_transitions(referral, actor, check_guards=False)]
        label = ReferralState(referral.state).label.lower()
        raise TransitionNotAllowed(
            f"Cette étape n'est pas possible : l'orientation est « {label} ».", state=referral.state, allowed=allowed
        )
    step = Step(
        reasons=list(reasons or []), outcome=outcome or "", appointment_at=appointment_at, next_place_id=next_place_id
    )
    previous_state = referral.state
    with transaction.atomic():
        log = apply(referral, actor, name=candidates[0].name, note=note, step=step)
        referral.refresh_from_db()
        notifications.state_changed(referral, previous_state)
        for created in step.created:
            notifications.referral_sent(created)
    log.created_referral = step.created[0] if step.created else None
    return log


def reorient_copy(referral, place_id, actor) -> Referral:
    """A new referral to ``place_id`` with the same needs and person, linked to the old one."""
    remaining = [pk for pk in referral.next_place_ids if pk != place_id]
    now = timezone.now()
    created = Referral.objects.create(
        place_id=place_id,
        next_place_ids=remaining,
        services=list(referral.services),
        constraints=dict(referral.constraints),
        message=referral.message,
        beneficiary=referral.beneficiary,
        diagnostic=referral.diagnostic,
        contact_preference=referral.contact_preference,
        referent=referral.referent,
        # The old referral's contact details were erased when it was refused or expired: they are not carried over.
        consent_given=referral.consent_given,
        consent_at=referral.consent_at,
        prescriber=actor if getattr(actor, "is_authenticated", False) else referral.prescriber,
        prescriber_structure=referral.prescriber_structure,
        previous=referral,
        expires_at=now + conf.days("REFERRAL_EXPIRY_DAYS"),
    )
    record(actor, "referrals.send", created, place_id=place_id, previous_id=referral.pk)
    return created


def expire(referral):
    """The clock's step: nobody answered in time."""
    previous_state = referral.state
    with transaction.atomic():
        log = apply(referral, None, name="expire")
        referral.refresh_from_db()
        notifications.state_changed(referral, previous_state)
    return log


MAX_MESSAGE_LENGTH = 2000


def post_message(referral, actor, body: str) -> ReferralMessage:
    """A message from the place or the prescriber to the other; the other side is told by e-mail."""
    body = (body or "").strip()
    if not body:
        raise Invalid("Écrivez votre message.", reason="message_required", errors={"body": "Obligatoire."})
    if len(body) > MAX_MESSAGE_LENGTH:
        message = f"Le message dépasse {MAX_MESSAGE_LENGTH} caractères."
        raise Invalid(message, reason="message_too_long", errors={"body": message})
    if perms.is_place_member(actor, referral):
        from_place = True
    elif perms.is_prescriber(actor, referral):
        from_place = False
    else:
        raise NotAllowed("Seuls le lieu et la structure qui a orienté échangent sur cette orientation.")
    author = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        posted = ReferralMessage.objects.create(referral=referral, from_place=from_place, author=author, body=body)
        record(author, "referrals.message", referral, message_id=posted.pk, from_place=from_place)
        notifications.message_posted(referral, posted)
    return posted
