"""The lifecycle of a referral: one table of transitions and guards (see docs/referrals.md).

    sent ─review→ in_review
    sent, in_review ─accept→ accepted ─set_appointment→ appointment_set ─mark_no_show→ no_show
    sent, in_review ─refuse→ refused (reason codes + a note)          no_show ─set_appointment→ appointment_set
    accepted, appointment_set ─mark_accompanied→ accompanied
    accepted, appointment_set, no_show, accompanied ─close→ closed (with an outcome)
    refused, expired ─reorient→ closed (outcome "reoriented", a new referral to the next place)
    sent, in_review ─expire→ expired (automatic, after REFERRAL_EXPIRY_DAYS)
    sent, in_review, accepted, appointment_set, no_show ─cancel→ cancelled

The place's members (or the holder of its signed link) review, accept, refuse, set and mark appointments and
close; the prescriber's structure cancels and re-orients. What a step needs beyond the state (reason codes,
outcome, appointment date) is given to ``apply`` as a ``Step`` and checked by the guards inside the same
locked transaction; the effects store it.
"""

import contextvars
import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cordee.core.errors import Invalid, Refused
from cordee.core.workflow import Transition, Workflow
from cordee.journal.services import record
from cordee.referrals import conf, perms
from cordee.referrals.enums import CloseOutcome, ReferralState, RefusalReason
from cordee.referrals.models import Referral, ReferralTransition

S = ReferralState


@dataclass
class Step:
    """What one step carries beyond the state: reason codes, outcome, appointment, the new referral."""

    reasons: list[str] = field(default_factory=list)
    outcome: str = ""
    appointment_at: dt.datetime | None = None
    next_place_id: int | None = None
    created: list = field(default_factory=list)


_step: contextvars.ContextVar[Step] = contextvars.ContextVar("referral_step")


def current_step() -> Step:
    return _step.get(Step())


# --- Guards (raise a domain error when the step is not possible) ---------------------------------------------


def reasons_valid(referral, actor):
    reasons = current_step().reasons
    if not reasons:
        message = "Choisissez au moins un motif de refus."
        raise Invalid(message, reason="reasons_required", errors={"reasons": message})
    unknown = sorted(set(reasons) - set(RefusalReason.values))
    if unknown:
        message = f"Motif(s) inconnu(s) : {', '.join(unknown)}. Motifs possibles : {', '.join(RefusalReason.values)}."
        raise Invalid(message, reason="unknown_reason", errors={"reasons": message})


def appointment_given(referral, actor):
    when = current_step().appointment_at
    if when is None:
        message = "Indiquez la date et l'heure du rendez-vous."
        raise Invalid(message, reason="appointment_required", errors={"appointment_at": message})
    # A year far away is a typing error, and a date at the ends of the calendar cannot be stored in every time zone.
    if not 2000 <= when.year <= 2100:
        message = "Choisissez une date de rendez-vous entre l'an 2000 et l'an 2100."
        raise Invalid(message, reason="appointment_out_of_range", errors={"appointment_at": message})


def outcome_valid(referral, actor):
    outcome = current_step().outcome
    if outcome not in CloseOutcome.values or outcome == CloseOutcome.REORIENTED:
        choices = [value for value in CloseOutcome.values if value != CloseOutcome.REORIENTED]
        message = f"Indiquez l'issue de l'orientation parmi : {', '.join(choices)}."
        raise Invalid(message, reason="outcome_required", errors={"outcome": message})


def next_place_known(referral, actor):
    if _next_place_id(referral) is None:
        raise Refused(
            "Aucun autre lieu n'a été proposé pour cette orientation : créez une nouvelle orientation.",
            reason="no_next_place",
        )


def _next_place_id(referral):
    from cordee.places.models import Place

    step = current_step()
    candidates = [step.next_place_id] if step.next_place_id else list(referral.next_place_ids)
    for place_id in candidates:
        if place_id != referral.place_id and Place.objects.filter(pk=place_id).exists():
            return place_id
    return None


# --- Effects (run once the new state is written, in the same transaction) -----------------------------------


def _save(referral, **values):
    Referral.objects.filter(pk=referral.pk).update(**values)
    for name, value in values.items():
        setattr(referral, name, value)


def stamp_answer(referral, actor):
    if referral.answered_at is None:
        _save(referral, answered_at=timezone.now())


def pause_clock(referral, actor):
    stamp_answer(referral, actor)
    paused_until = timezone.now() + conf.days("REFERRAL_REVIEW_PAUSE_DAYS")
    if referral.expires_at < paused_until:
        _save(referral, expires_at=paused_until)


def store_reasons(referral, actor):
    _save(referral, refusal_reasons=sorted(set(current_step().reasons)))


def store_appointment(referral, actor):
    _save(referral, appointment_at=current_step().appointment_at, appointment_reminded_at=None)


def store_outcome(referral, actor):
    _save(referral, outcome=current_step().outcome)


def purge_contact(referral, actor):
    _save(referral, contact_phone="", contact_email="", contact_purged_at=timezone.now())


def rotate_link(referral, actor):
    """A decision closes the signed links sent before it."""
    from cordee.referrals.links import new_nonce

    _save(referral, link_nonce=new_nonce())


def create_next_referral(referral, actor):
    from cordee.referrals.services import reorient_copy

    place_id = _next_place_id(referral)
    _save(referral, outcome=CloseOutcome.REORIENTED)
    current_step().created.append(reorient_copy(referral, place_id, actor))


def nobody_but_the_clock(actor, referral) -> bool:
    return actor is None


PLACE = perms.is_place_member
PRESCRIBER = perms.is_prescriber
PLACE_DENIED = "Seuls les membres de la structure du lieu peuvent répondre à cette orientation."
PRESCRIBER_DENIED = "Seule la structure qui a envoyé l'orientation peut faire cette action."

REFERRAL = Workflow(
    model=Referral,
    field="state",
    states=ReferralState,
    log_model=ReferralTransition,
    log_object_field="referral",
    journal_prefix="referrals",
    journal=record,
    conflict_message="Cette étape n'est pas possible : l'orientation est « {state} ».",
    reason_message="Expliquez le refus en quelques mots (la note est obligatoire).",
    transitions=[
        Transition(
            "review",
            {S.SENT},
            S.IN_REVIEW,
            "Examiner",
            permission=PLACE,
            denied_message=PLACE_DENIED,
            effects=[pause_clock],
        ),
        Transition(
            "accept",
            {S.SENT, S.IN_REVIEW},
            S.ACCEPTED,
            "Accepter",
            permission=PLACE,
            denied_message=PLACE_DENIED,
            effects=[stamp_answer, rotate_link],
        ),
        Transition(
            "refuse",
            {S.SENT, S.IN_REVIEW},
            S.REFUSED,
            "Refuser",
            permission=PLACE,
            denied_message=PLACE_DENIED,
            requires_reason=True,
            guards=[reasons_valid],
            effects=[stamp_answer, store_reasons, purge_contact, rotate_link],
        ),
        Transition(
            "set_appointment",
            {S.ACCEPTED, S.APPOINTMENT_SET, S.NO_SHOW},
            S.APPOINTMENT_SET,
            "Fixer le rendez-vous",
            permission=PLACE,
            denied_message=PLACE_DENIED,
            guards=[appointment_given],
            effects=[store_appointment],
        ),
        Transition(
            "mark_no_show",
            {S.APPOINTMENT_SET},
            S.NO_SHOW,
            "Noter l'absence",
            permission=PLACE,
            denied_message=PLACE_DENIED,
        ),
        Transition(
            "mark_accompanied",
            {S.ACCEPTED, S.APPOINTMENT_SET},
            S.ACCOMPANIED,
            "Noter l'accompagnement",
            permission=PLACE,
            denied_message=PLACE_DENIED,
        ),
        Transition(
            "close",
            {S.ACCEPTED, S.APPOINTMENT_SET, S.NO_SHOW, S.ACCOMPANIED},
            S.CLOSED,
            "Clôturer",
            permission=PLACE,
            denied_message=PLACE_DENIED,
            guards=[outcome_valid],
            effects=[store_outcome],
        ),
        Transition(
            "reorient",
            {S.REFUSED, S.EXPIRED},
            S.CLOSED,
            "Orienter vers le lieu suivant",
            permission=PRESCRIBER,
            denied_message=PRESCRIBER_DENIED,
            guards=[next_place_known],
            effects=[create_next_referral],
        ),
        Transition(
            "expire",
            {S.SENT, S.IN_REVIEW},
            S.EXPIRED,
            "Expirer",
            automatic=True,
            permission=nobody_but_the_clock,
            effects=[purge_contact, rotate_link],
        ),
        Transition(
            "cancel",
            {S.SENT, S.IN_REVIEW, S.ACCEPTED, S.APPOINTMENT_SET, S.NO_SHOW},
            S.CANCELLED,
            "Annuler",
            permission=PRESCRIBER,
            denied_message=PRESCRIBER_DENIED,
            effects=[purge_contact, rotate_link],
        ),
    ],
)


def apply(referral, actor, *, to=None, name=None, note="", step: Step | None = None):
    """Apply one step (by target state ``to`` or by transition ``name``) and return the log row.

    The step's data is visible to the guards and effects through ``current_step()``.
    """
    step = step or Step()
    token = _step.set(step)
    try:
        return REFERRAL.apply(referral, name, actor, to=to, reason=note)
    finally:
        _step.reset(token)
