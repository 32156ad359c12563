"""Quality criteria a place meets, and its qualification ("lieu qualifié") as a state machine.

    not_requested ──request──▶ requested ──qualify──▶ qualified
    refused ───────request──▶ requested ──refuse───▶ refused
    qualified ──withdraw (reason)──▶ refused
    qualified ──back_to_review──▶ requested     (its address, commune, services or fees changed)

Automatic criteria are computed from the place's fields (``assess_place``, called after every save by
``cordee.places.services`` and after imports); manual ones are declared by the structure. A structure
asks for qualification only when every active criterion is met; a coordinator of the territory or a
national admin decides, but never the person who asked (four-eyes rule, national admins included).
The table is ``QUALIFICATION`` (``cordee.core.workflow``); every step is written to
``QualificationTransition`` and to the journal.

After a place is saved, the write path and the import call ``after_place_change``: a qualified place
whose address, commune, services or fees changed goes back to review; one whose hours or contacts
changed stays qualified but is flagged "à revoir" for the coordinator (``PlaceFollowUp``).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cordee.core.errors import NotAllowed, Refused
from cordee.core.workflow import Transition, Workflow
from cordee.journal.services import record
from cordee.places import perms
from cordee.places.enums import CriterionCheck, HoursStatus, QualificationState
from cordee.places.models import (
    Place,
    PlaceCriterion,
    PlaceFollowUp,
    QualificationTransition,
    QualityCriterion,
)

STALE_AFTER = dt.timedelta(days=183)  # about six months

# A change to one of these sends a qualified place back to review…
REVIEW_FIELDS = frozenset(
    {"address", "address_complement", "postal_code", "code_insee", "commune_name", "commune_ref", "services", "fees"}
)
# …a change to one of these keeps it qualified, flagged "à revoir" for the coordinator.
FLAG_FIELDS = frozenset({"opening_hours", "phones", "emails", "websites", "booking_url"})


class CriteriaNotMet(Refused):
    default_reason = "criteria_not_met"

    def __init__(self, missing: list[QualityCriterion]):
        self.missing = missing
        labels = ", ".join(f"« {criterion.label} »" for criterion in missing)
        super().__init__(
            f"Le lieu ne remplit pas encore tous les critères de qualité. Il manque : {labels}.",
            missing=[criterion.code for criterion in missing],
        )


class FourEyes(NotAllowed):
    default_message = (
        "Vous avez demandé cette qualification : une autre personne (coordinateur du territoire ou "
        "administrateur national) doit la décider."
    )
    default_reason = "four_eyes"


# --- Criteria --------------------------------------------------------------------------------------


def freshness_date(place: Place) -> dt.date:
    """The date the place's information was last confirmed: its "date de mise à jour", else its creation."""
    if place.source_updated_on:
        return place.source_updated_on
    created = place.created_at or timezone.now()
    return timezone.localtime(created).date()


def is_stale(place: Place, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return freshness_date(place) < today - STALE_AFTER


def stale_places(today: dt.date | None = None):
    """Places with a structure whose information is older than six months (see ``freshness_date``)."""
    today = today or timezone.localdate()
    cutoff = today - STALE_AFTER
    created_cutoff = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
    return Place.objects.filter(structure__isnull=False).filter(
        Q(source_updated_on__lt=cutoff) | Q(source_updated_on__isnull=True, created_at__lt=created_cutoff)
    )


def check(place: Place, key: str) -> bool:
    """Whether the place meets an automatic criterion."""
    if key == CriterionCheck.VALID_HOURS:
        return place.hours_status == HoursStatus.VALID
    if key == CriterionCheck.ACCESSIBILITY:
        return bool(place.accessibility_url)
    if key == CriterionCheck.SERVICES:
        return bool(place.services)
    if key == CriterionCheck.CONTACT:
        return bool(place.phones or place.emails)
    if key == CriterionCheck.FRESH:
        return not is_stale(place)
    if key == CriterionCheck.FEES:
        return bool(place.fees)
    raise ValueError(f"unknown automatic check {key!r}")


def assess_place(place: Place) -> set[int]:
    """Recompute the automatic criteria of a saved place; returns the ids of every criterion it meets."""
    automatic = list(QualityCriterion.objects.active().exclude(automatic=CriterionCheck.MANUAL))
    met = {criterion.pk for criterion in automatic if check(place, criterion.automatic)}
    unmet = [criterion.pk for criterion in automatic if criterion.pk not in met]
    stored = set(PlaceCriterion.objects.filter(place=place).values_list("criterion_id", flat=True))
    PlaceCriterion.objects.filter(place=place, criterion_id__in=unmet).delete()
    PlaceCriterion.objects.bulk_create(
        [PlaceCriterion(place=place, criterion_id=pk) for pk in met - stored], ignore_conflicts=True
    )
    return set(PlaceCriterion.objects.filter(place=place).values_list("criterion_id", flat=True))


def assess_places(places) -> None:
    """``assess_place`` for many saved places at once (after an import): a few queries, whatever their number."""
    places = [place for place in places if place.pk]
    automatic = list(QualityCriterion.objects.active().exclude(automatic=CriterionCheck.MANUAL))
    if not places or not automatic:
        return
    automatic_ids = [criterion.pk for criterion in automatic]
    rows = [
        PlaceCriterion(place_id=place.pk, criterion_id=criterion.pk)
        for place in places
        for criterion in automatic
        if check(place, criterion.automatic)
    ]
    for start in range(0, len(places), 500):
        chunk = [place.pk for place in places[start : start + 500]]
        PlaceCriterion.objects.filter(place_id__in=chunk, criterion_id__in=automatic_ids).delete()
    PlaceCriterion.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def criteria_status(place: Place) -> list[tuple[QualityCriterion, bool]]:
    """Every active criterion with whether the place meets it now (automatic ones computed live)."""
    declared = set(PlaceCriterion.objects.filter(place=place).values_list("criterion_id", flat=True))
    rows = []
    for criterion in QualityCriterion.objects.active():
        met = check(place, criterion.automatic) if criterion.automatic else criterion.pk in declared
        rows.append((criterion, met))
    return rows


def missing_criteria(place: Place) -> list[QualityCriterion]:
    return [criterion for criterion, met in criteria_status(place) if not met]


def declare_manual_criteria(actor, place: Place, met_ids) -> list[str]:
    """Set which manual criteria the structure declares met; returns the codes that changed."""
    if not perms.can_edit_place(actor, place):
        raise NotAllowed("Seuls les gestionnaires du lieu peuvent déclarer ses critères.")
    manual = {criterion.pk: criterion for criterion in QualityCriterion.objects.active().filter(automatic="")}
    wanted = {int(pk) for pk in met_ids} & set(manual)
    declared = PlaceCriterion.objects.filter(place=place, criterion_id__in=manual)
    current = set(declared.values_list("criterion_id", flat=True))
    added, removed = wanted - current, (current - wanted)
    if not added and not removed:
        return []
    with transaction.atomic():
        PlaceCriterion.objects.filter(place=place, criterion_id__in=removed).delete()
        PlaceCriterion.objects.bulk_create(
            [PlaceCriterion(place=place, criterion_id=pk, declared_by=actor) for pk in added], ignore_conflicts=True
        )
        changed = sorted(manual[pk].code for pk in added | removed)
        record(actor, "places.criteria.declared", place, added=sorted(added), removed=sorted(removed))
    return changed


# --- Qualification ----------------------------------------------------------------------------------


def _criteria_met(place: Place, actor) -> None:
    missing = missing_criteria(place)
    if missing:
        raise CriteriaNotMet(missing)


def requester_id(place: Place) -> int | None:
    """Who asked for the pending review: the author of the last step into "requested"."""
    last = (
        QualificationTransition.objects.filter(place_id=place.pk, to_state=QualificationState.REQUESTED)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return last


def _not_the_requester(place: Place, actor) -> None:
    """Four-eyes rule: who asked for a qualification (or whose edit sent it back to review) never approves it."""
    asked_by = requester_id(place)
    if asked_by is not None and asked_by == getattr(actor, "pk", None):
        raise FourEyes()


def _clear_review_flag(place: Place, actor=None) -> None:
    PlaceFollowUp.objects.filter(place_id=place.pk, review_flagged_at__isnull=False).update(
        review_flagged_at=None, review_fields=[]
    )


DECIDERS_ONLY = (
    "Seuls les coordinateurs du territoire du lieu et les administrateurs nationaux décident de la qualification."
)

QUALIFICATION = Workflow(
    model=Place,
    field="qualification_state",
    states=QualificationState,
    log_model=QualificationTransition,
    log_object_field="place",
    journal_prefix="places.qualification",
    journal=record,
    conflict_message=(
        "Impossible : la qualification de ce lieu est « {state} »."
        " La page a peut-être été modifiée entre-temps : rechargez-la."
    ),
    reason_message="Indiquez le motif : la structure le lira pour compléter sa fiche.",
    transitions=[
        Transition(
            "request",
            {QualificationState.NOT_REQUESTED, QualificationState.REFUSED},
            QualificationState.REQUESTED,
            "Demander la qualification",
            permission=perms.can_edit_place,
            guards=[_criteria_met],
            denied_message="Seuls les gestionnaires du lieu peuvent demander sa qualification.",
        ),
        Transition(
            "qualify",
            {QualificationState.REQUESTED},
            QualificationState.QUALIFIED,
            "Qualifier le lieu",
            permission=perms.can_decide_qualification,
            guards=[_not_the_requester],
            denied_message=DECIDERS_ONLY,
            effects=[_clear_review_flag],
        ),
        Transition(
            "refuse",
            {QualificationState.REQUESTED},
            QualificationState.REFUSED,
            "Refuser la qualification",
            permission=perms.can_decide_qualification,
            requires_reason=True,
            denied_message=DECIDERS_ONLY,
        ),
        Transition(
            "withdraw",
            {QualificationState.QUALIFIED},
            QualificationState.REFUSED,
            "Retirer la qualification",
            permission=perms.can_decide_qualification,
            requires_reason=True,
            denied_message=DECIDERS_ONLY,
            effects=[_clear_review_flag],
        ),
        # A consequence of an edit the write path already allowed: no permission of its own.
        Transition(
            "back_to_review",
            {QualificationState.QUALIFIED},
            QualificationState.REQUESTED,
            "Remettre en examen",
            effects=[_clear_review_flag],
            automatic=True,
        ),
    ],
)


def can_transition(place: Place, action: str) -> bool:
    """Whether the qualification state of ``place`` allows ``action``, whoever asks."""
    return place.qualification_state in QUALIFICATION.transition(action).sources


def request_qualification(actor, place: Place) -> Place:
    QUALIFICATION.apply(place, "request", actor)
    return place


def qualify(actor, place: Place) -> Place:
    QUALIFICATION.apply(place, "qualify", actor)
    return place


def refuse(actor, place: Place, reason: str) -> Place:
    QUALIFICATION.apply(place, "refuse", actor, reason=reason)
    return place


def withdraw(actor, place: Place, reason: str) -> Place:
    """Take back the qualification of a place that no longer deserves it."""
    QUALIFICATION.apply(place, "withdraw", actor, reason=reason)
    return place


# --- After a place changes ----------------------------------------------------------------------------


def after_place_change(actor, place: Place, changed_fields) -> str | None:
    """Consequences on the qualification of a saved change; returns "review", "flagged" or None.

    A qualified place whose address, commune, services or fees changed goes back to review (the step is
    logged with the changed fields as its reason); one whose hours or contacts changed stays qualified
    and is flagged "à revoir" for the coordinator. Called by the place write path and the import, in
    their transaction, after saving.
    """
    changed = set(changed_fields)
    if place.qualification_state != QualificationState.QUALIFIED or not changed:
        return None
    to_review = sorted(changed & REVIEW_FIELDS)
    if to_review:
        QUALIFICATION.apply(place, "back_to_review", actor, reason=_changed_reason(to_review), fields=to_review)
        return "review"
    to_flag = sorted(changed & FLAG_FIELDS)
    if to_flag:
        with transaction.atomic():
            follow_up, _created = PlaceFollowUp.objects.select_for_update().get_or_create(place_id=place.pk)
            follow_up.review_flagged_at = follow_up.review_flagged_at or timezone.now()
            follow_up.review_fields = sorted(set(follow_up.review_fields or []) | set(to_flag))
            follow_up.save(update_fields=["review_flagged_at", "review_fields"])
            record(actor, "places.qualification.flagged", place, fields=to_flag)
        return "flagged"
    return None


FIELD_LABELS = {
    "address": "adresse",
    "address_complement": "complément d'adresse",
    "postal_code": "code postal",
    "code_insee": "commune",
    "commune_name": "commune",
    "commune_ref": "commune",
    "services": "services",
    "fees": "frais à charge",
    "opening_hours": "horaires",
    "phones": "téléphones",
    "emails": "courriels",
    "websites": "sites web",
    "booking_url": "prise de rendez-vous",
}


def field_labels(fields) -> list[str]:
    """French names of changed fields, without repeats, in a stable order."""
    return sorted({FIELD_LABELS.get(name, name) for name in fields})


def _changed_reason(fields) -> str:
    return "Remis en examen après une modification : " + ", ".join(field_labels(fields)) + "."


def flagged_for_review(queryset):
    """The qualified places of ``queryset`` flagged "à revoir" (hours or contacts changed since)."""
    return queryset.filter(
        qualification_state=QualificationState.QUALIFIED, follow_up__review_flagged_at__isnull=False
    )


def review_flag(place: Place) -> list[str] | None:
    """French names of the changed fields when the place is flagged "à revoir", else None."""
    follow_up = PlaceFollowUp.objects.filter(place_id=place.pk, review_flagged_at__isnull=False).first()
    if follow_up is None or place.qualification_state != QualificationState.QUALIFIED:
        return None
    return field_labels(follow_up.review_fields)


def mark_reviewed(actor, place: Place) -> bool:
    """The coordinator has looked at the changes of a flagged qualified place: clear the flag (journaled)."""
    if not perms.can_decide_qualification(actor, place):
        raise NotAllowed(DECIDERS_ONLY)
    with transaction.atomic():
        cleared = PlaceFollowUp.objects.filter(place_id=place.pk, review_flagged_at__isnull=False).update(
            review_flagged_at=None, review_fields=[]
        )
        if cleared:
            record(actor, "places.qualification.reviewed", place)
    return bool(cleared)
