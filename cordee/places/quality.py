"""Quality criteria a place meets, and its qualification ("lieu qualifié") as a state machine.

    not_requested ──request──▶ requested ──qualify──▶ qualified
    refused ───────request──▶ requested ──refuse───▶ refused
    qualified ──withdraw (reason)──▶ refused

Automatic criteria are computed from the place's fields (``assess_place``, called after every save by
``cordee.places.services`` and after imports); manual ones are declared by the structure. A structure
asks for qualification only when every active criterion is met; a coordinator of the territory or a
national admin decides. Every step is written to ``QualificationTransition`` and to the journal.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cordee.journal.services import record
from cordee.places import perms
from cordee.places.enums import CriterionCheck, HoursStatus, QualificationState
from cordee.places.models import Place, PlaceCriterion, QualificationTransition, QualityCriterion

STALE_AFTER = dt.timedelta(days=183)  # about six months
MAX_REASON_LENGTH = 2000

TRANSITIONS = {
    "request": ({QualificationState.NOT_REQUESTED, QualificationState.REFUSED}, QualificationState.REQUESTED),
    "qualify": ({QualificationState.REQUESTED}, QualificationState.QUALIFIED),
    "refuse": ({QualificationState.REQUESTED}, QualificationState.REFUSED),
    "withdraw": ({QualificationState.QUALIFIED}, QualificationState.REFUSED),
}


def can_transition(place: Place, action: str) -> bool:
    """Whether the qualification state of ``place`` allows ``action`` (a key of TRANSITIONS)."""
    return place.qualification_state in TRANSITIONS[action][0]


class QualificationError(Exception):
    """A qualification step refused, with a message fit for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QualificationNotAllowed(QualificationError):
    pass


class InvalidQualificationTransition(QualificationError):
    pass


class CriteriaNotMet(QualificationError):
    def __init__(self, missing: list[QualityCriterion]):
        self.missing = missing
        labels = ", ".join(f"« {criterion.label} »" for criterion in missing)
        super().__init__(f"Le lieu ne remplit pas encore tous les critères de qualité. Il manque : {labels}.")


class ReasonRequired(QualificationError):
    pass


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
        raise QualificationNotAllowed("Seuls les gestionnaires du lieu peuvent déclarer ses critères.")
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


def _transition(actor, place: Place, action: str, reason: str = "") -> Place:
    target = TRANSITIONS[action][1]
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        if not can_transition(locked, action):
            current = QualificationState(locked.qualification_state).label.lower()
            raise InvalidQualificationTransition(
                f"Impossible : la qualification de ce lieu est « {current} »."
                " La page a peut-être été modifiée entre-temps : rechargez-la."
            )
        if action == "request":
            missing = missing_criteria(locked)
            if missing:
                raise CriteriaNotMet(missing)
        previous = locked.qualification_state
        Place.objects.filter(pk=locked.pk).update(qualification_state=target)
        QualificationTransition.objects.create(
            place=locked, from_state=previous, to_state=target, actor=actor, reason=reason
        )
        record(actor, f"places.qualification.{action}", locked, from_state=previous, to_state=target)
    place.qualification_state = target
    return place


def request_qualification(actor, place: Place) -> Place:
    if not perms.can_edit_place(actor, place):
        raise QualificationNotAllowed("Seuls les gestionnaires du lieu peuvent demander sa qualification.")
    return _transition(actor, place, "request")


def _require_decider(actor, place):
    if not perms.can_decide_qualification(actor, place):
        raise QualificationNotAllowed(
            "Seuls les coordinateurs du territoire du lieu et les administrateurs nationaux "
            "décident de la qualification."
        )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Indiquez le motif : la structure le lira pour compléter sa fiche.")
    return reason[:MAX_REASON_LENGTH]


def qualify(actor, place: Place) -> Place:
    _require_decider(actor, place)
    return _transition(actor, place, "qualify")


def refuse(actor, place: Place, reason: str) -> Place:
    _require_decider(actor, place)
    return _transition(actor, place, "refuse", _clean_reason(reason))


def withdraw(actor, place: Place, reason: str) -> Place:
    """Take back the qualification of a place that no longer deserves it."""
    _require_decider(actor, place)
    return _transition(actor, place, "withdraw", _clean_reason(reason))
