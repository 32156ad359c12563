"""Places to suggest for a referral, ranked and explained line by line.

Candidates are the places around the person (``cordee.places.search``) offering at least one of the needs.
Each one gets a score and the reasons behind it, in plain French: distance, needs covered, open at the
times the person is free, qualified, accepts the Pass numérique (when the person holds passes), can answer
on Cordée, and how fast it usually answers referrals.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import F

from cordee.beneficiaries.perms import FOLLOWING_ROLES
from cordee.places.enums import QualificationState
from cordee.places.hours_text import date_text
from cordee.places.search import PlaceQuery, place_is_open, search
from cordee.referrals.enums import ResponseDelay
from cordee.referrals.models import Referral
from cordee.structures.models import Membership

MAX_CANDIDATES = 200
DEFAULT_LIMIT = 10
# Times probed in each part of the day: the place is open "in the morning" if it is open at one of them.
PARTS_OF_DAY = {
    "morning": ("le matin", (dt.time(9, 30), dt.time(10, 30), dt.time(11, 30))),
    "afternoon": ("l'après-midi", (dt.time(14, 30), dt.time(15, 30), dt.time(16, 30))),
}
BUCKETS = [
    (1, ResponseDelay.ONE_DAY),
    (3, ResponseDelay.THREE_DAYS),
    (7, ResponseDelay.SEVEN_DAYS),
    (14, ResponseDelay.FOURTEEN_DAYS),
]


@dataclass
class Suggestion:
    place: object
    score: float
    distance_km: float | None
    services_covered: list[str]
    open_at_times: bool | None
    has_account: bool
    response_delay: str
    reasons: list[str] = field(default_factory=list)


def response_delay_bucket(days: float | None) -> str:
    if days is None:
        return ""
    for limit, bucket in BUCKETS:
        if days <= limit:
            return bucket
    return ResponseDelay.LONGER


def response_delays(place_ids) -> dict[int, str]:
    """Each place's usual (median) response delay bucket, for places that answered at least one referral."""
    delays: dict[int, list[float]] = {}
    rows = (
        Referral.objects.filter(place_id__in=place_ids, answered_at__isnull=False)
        .annotate(delay=F("answered_at") - F("created_at"))
        .values_list("place_id", "delay")
    )
    for place_id, delay in rows:
        delays.setdefault(place_id, []).append(delay.total_seconds() / 86400)
    return {place_id: response_delay_bucket(statistics.median(values)) for place_id, values in delays.items()}


def places_with_account(place_structure_ids) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(structure_id__in=place_structure_ids, role__in=FOLLOWING_ROLES, user__is_active=True)
        .values_list("structure_id", flat=True)
    )


def _open_at_times(place, open_on: dt.date | None, part_of_day: str) -> bool | None:
    """The times are wall-clock times where the place is (overseas places judged in their own zone)."""
    if open_on is None:
        return None
    parts = [part_of_day] if part_of_day else list(PARTS_OF_DAY)
    answers = []
    for part in parts:
        for moment in PARTS_OF_DAY[part][1]:
            answers.append(place_is_open(place, dt.datetime.combine(open_on, moment)))
    if any(answer is True for answer in answers):
        return True
    if all(answer is None for answer in answers):
        return None
    return False


def _km(distance: float) -> str:
    return f"{distance:.1f}".replace(".", ",") + " km"


def suggest(
    *,
    services: list[str],
    lat: float,
    lon: float,
    radius_km: float = 20.0,
    open_on: dt.date | None = None,
    part_of_day: str = "",
    holds_pass: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> list[Suggestion]:
    hits = search(PlaceQuery(lat=lat, lon=lon, radius_km=radius_km)).page(1, MAX_CANDIDATES)
    wanted = list(dict.fromkeys(services))
    hits = [hit for hit in hits if not wanted or set(hit.place.services) & set(wanted)]
    places = [hit.place for hit in hits]
    delays = response_delays([place.pk for place in places])
    with_account = places_with_account({place.structure_id for place in places if place.structure_id})
    when = ""
    if open_on is not None:
        when = f"le {date_text(open_on)}" + (f" {PARTS_OF_DAY[part_of_day][0]}" if part_of_day else "")

    suggestions = []
    for hit in hits:
        place = hit.place
        covered = [service for service in wanted if service in place.services]
        open_at = _open_at_times(place, open_on, part_of_day)
        qualified = place.qualification_state == QualificationState.QUALIFIED
        has_account = place.structure_id in with_account
        delay = delays.get(place.pk, "")
        reasons = []
        score = 0.0
        if hit.distance_km is not None:
            reasons.append(f"À {_km(hit.distance_km)}")
            score -= hit.distance_km
        if wanted:
            reasons.append(f"Propose {len(covered)} besoin(s) sur {len(wanted)} : {', '.join(covered)}")
            score += 40 * len(covered) / len(wanted)
        if open_on is not None:
            if open_at is True:
                reasons.append(f"Ouvert {when}")
                score += 20
            elif open_at is False:
                reasons.append(f"Fermé {when}")
            else:
                reasons.append("Horaires inconnus : à vérifier avec le lieu")
        reasons.append("Lieu qualifié" if qualified else "Lieu pas encore qualifié")
        score += 10 if qualified else 0
        if holds_pass:
            if place.accepts_pass_numerique:
                reasons.append("Accepte le Pass numérique")
                score += 10
            else:
                reasons.append("N'accepte pas le Pass numérique")
        if has_account:
            reasons.append("Répond sur Cordée (le lieu a un compte)")
            score += 10
        elif place.emails:
            reasons.append("Sans compte sur Cordée : prévenu par courriel avec un lien pour répondre")
            score += 5
        else:
            phone = place.phones[0] if place.phones else ""
            reasons.append(
                "Ni compte ni courriel : prévenez le lieu par téléphone" + (f" au {phone}" if phone else "")
            )
        if delay:
            reasons.append(ResponseDelay(delay).label.capitalize())
        suggestions.append(
            Suggestion(
                place=place,
                score=round(score, 2),
                distance_km=hit.distance_km,
                services_covered=covered,
                open_at_times=open_at,
                has_account=has_account,
                response_delay=delay,
                reasons=reasons,
            )
        )
    suggestions.sort(key=lambda item: (-item.score, item.distance_km or 0, item.place.pk))
    return suggestions[:limit]
