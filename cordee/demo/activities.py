"""Demo activity reports: 18 months of work for every demo médiateur and conseiller numérique, a few events of
the coordinators, and the followed people's journeys (their diagnostic, then accompaniments and workshops), plus
the report that closed each « accompanied » demo referral.

Deterministic (a random generator seeded by the person's e-mail) and fast: rows are written with bulk_create.
A person who already has activities in a structure is left as they are, so that loading twice adds nothing.
"""

import datetime as dt
import random

from django.utils import timezone

from cordee.activities import fields
from cordee.activities.enums import (
    AGE_BAND_COLUMNS,
    GENDER_COLUMNS,
    STATUS_COLUMNS,
    ActivityKind,
    AdminSubTheme,
    Autonomy,
    Equipment,
    LocationKind,
    Redirection,
    Theme,
    WorkshopLevel,
    age_band,
)
from cordee.activities.models import Activity, ActivityParticipant, ActivityTag
from cordee.beneficiaries.models import Beneficiary
from cordee.places.models import Place
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.structures.enums import MembershipRole
from cordee.structures.models import CoordinatorScope, Membership

DAYS = 548  # 18 months
THEME_WEIGHTS = {
    Theme.ADMIN_PROCEDURES: 30,
    Theme.HARDWARE_HANDLING: 14,
    Theme.BROWSING: 10,
    Theme.EMAIL: 10,
    Theme.CONTENT_MANAGEMENT: 8,
    Theme.SECURITY: 6,
    Theme.SOCIAL_NETWORKS: 4,
    Theme.OFFICE: 4,
    Theme.BANKING_SHOPPING: 4,
    Theme.HEALTH: 3,
    Theme.EMPLOYMENT: 3,
    Theme.DIAGNOSTIC: 3,
    Theme.HARDWARE_MAINTENANCE: 2,
    Theme.PARENTING: 1,
    Theme.SCHOOLING: 1,
    Theme.DIGITAL_CULTURE: 1,
    Theme.ARTIFICIAL_INTELLIGENCE: 1,
    Theme.DIGITAL_CREATION: 1,
    Theme.ENTREPRENEURSHIP: 1,
}
DURATIONS = {30: 35, 45: 15, 60: 25, 15: 10, 90: 8, 120: 7}
WORKSHOP_TITLES = [
    ("Premiers pas sur la tablette", WorkshopLevel.BEGINNER, Theme.HARDWARE_HANDLING),
    ("Créer et utiliser sa boîte mail", WorkshopLevel.BEGINNER, Theme.EMAIL),
    ("Se protéger des arnaques en ligne", WorkshopLevel.INTERMEDIATE, Theme.SECURITY),
    ("Ranger ses photos et ses documents", WorkshopLevel.INTERMEDIATE, Theme.CONTENT_MANAGEMENT),
    ("Découvrir l'intelligence artificielle", WorkshopLevel.ADVANCED, Theme.ARTIFICIAL_INTELLIGENCE),
    ("Les démarches en ligne de la CAF", WorkshopLevel.INTERMEDIATE, Theme.ADMIN_PROCEDURES),
]
COORDINATION = [
    (ActivityKind.EVENT, "Forum départemental de l'inclusion numérique", 240),
    (ActivityKind.PARTNERSHIP, "Comité des partenaires du réseau", 120),
    (ActivityKind.ANIMATION, "Réunion d'échange de pratiques des médiateurs", 150),
]
TAGS = ["Été numérique", "Permanence CAF"]


def _weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_days(rng, today):
    """Each working day of the last 18 months with a number of activities: busier in autumn and winter."""
    for offset in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=offset)
        if day.weekday() >= 5 or (day.month == 8 and rng.random() < 0.6):
            continue
        season = 1.3 if day.month in (10, 11, 1, 2, 3) else 1.0
        yield day, max(0, round(rng.gauss(2.2 * season, 1.2)))


def _counts(rng, participants: int, year: int) -> dict:
    counts = dict.fromkeys((*GENDER_COLUMNS.values(), *AGE_BAND_COLUMNS.values(), *STATUS_COLUMNS.values()), 0)
    for _ in range(participants):
        counts[rng.choices(list(GENDER_COLUMNS.values()), weights=[58, 38, 4])[0]] += 1
        birth_year = year - rng.choices([15, 21, 32, 50, 65, 78], weights=[3, 5, 15, 27, 25, 25])[0]
        counts[AGE_BAND_COLUMNS[age_band(birth_year if rng.random() > 0.1 else None, year)]] += 1
        counts[rng.choices(list(STATUS_COLUMNS.values()), weights=[4, 22, 20, 40, 14])[0]] += 1
    return counts


def _activity(rng, *, mediator, structure, place, day, cn, tag_ids, extra=None) -> tuple[Activity, list]:
    kind = rng.choices([ActivityKind.INDIVIDUAL, ActivityKind.QUICK, ActivityKind.WORKSHOP], weights=[70, 18, 12])[0]
    location = LocationKind.PLACE
    if kind != ActivityKind.WORKSHOP:
        location = rng.choices([LocationKind.PLACE, LocationKind.HOME, LocationKind.REMOTE], weights=[85, 8, 7])[0]
    if place is None and location == LocationKind.PLACE:
        location = LocationKind.ELSEWHERE
    title = level = ""
    if kind == ActivityKind.WORKSHOP:
        title, level, theme = rng.choice(WORKSHOP_TITLES)
        themes = [theme]
        duration = rng.choice([90, 120, 120])
        participants = rng.randint(3, 12)
    else:
        themes = list({_weighted(rng, THEME_WEIGHTS) for _ in range(rng.choice([1, 1, 1, 2, 3]))})
        duration = _weighted(rng, DURATIONS) if kind == ActivityKind.INDIVIDUAL else rng.choice([15, 15, 30])
        participants = 1
    themes = fields.THEMES.ordered(themes)
    subthemes = []
    if Theme.ADMIN_PROCEDURES in themes:
        subthemes = fields.ADMIN_SUBTHEMES.ordered(
            {
                rng.choice(
                    [
                        AdminSubTheme.SOCIAL_HEALTH,
                        AdminSubTheme.MONEY_TAXES,
                        AdminSubTheme.WORK,
                        AdminSubTheme.HOUSING,
                        AdminSubTheme.PAPERS,
                        AdminSubTheme.FAMILY,
                    ]
                )
            }
        )
    equipment = fields.EQUIPMENT.ordered(
        {
            rng.choices(
                [Equipment.PHONE, Equipment.COMPUTER, Equipment.TABLET, Equipment.NONE], weights=[45, 35, 12, 8]
            )[0]
        }
    )
    redirections = []
    if kind == ActivityKind.INDIVIDUAL and rng.random() < 0.12:
        redirections = [rng.choice([Redirection.ADMINISTRATION, Redirection.SOCIAL_AID, Redirection.OPERATOR])]
    counts = _counts(rng, participants, day.year)
    commune = place.commune_ref if place is not None and location == LocationKind.PLACE else None
    if location in (LocationKind.HOME, LocationKind.ELSEWHERE):
        commune = structure.commune
    values = {
        "mediator": mediator,
        "structure": structure,
        "kind": kind,
        "date": day,
        "duration_minutes": duration,
        "location_kind": location,
        "place": place if location == LocationKind.PLACE else None,
        "commune": commune,
        "departement_code": structure.commune.departement_id,
        "region_code": structure.commune.departement.region_id,
        "themes": themes,
        "themes_mask": fields.THEMES.mask(themes),
        "admin_subthemes": subthemes,
        "admin_subthemes_mask": fields.ADMIN_SUBTHEMES.mask(subthemes),
        "equipment": equipment,
        "equipment_mask": fields.EQUIPMENT.mask(equipment),
        "redirections": redirections,
        "redirections_mask": fields.REDIRECTIONS.mask(redirections),
        "autonomy": rng.choice(Autonomy.values) if kind == ActivityKind.INDIVIDUAL else "",
        "title": title,
        "level": level,
        "participants": participants,
        "returning": sum(rng.random() < 0.45 for _ in range(participants)),
        **counts,
        "is_conseiller_numerique": cn,
        "created_by": mediator,
    }
    values.update(extra or {})
    values["returning"] = min(values["returning"], values["participants"])
    tags = [rng.choice(tag_ids)] if tag_ids and rng.random() < 0.15 else []
    return Activity(**values), tags


def _person_counts(person, year) -> dict:
    counts = dict.fromkeys((*GENDER_COLUMNS.values(), *AGE_BAND_COLUMNS.values(), *STATUS_COLUMNS.values()), 0)
    counts[AGE_BAND_COLUMNS[age_band(person.birth_year, year)]] = 1
    counts[GENDER_COLUMNS[person.gender]] = 1
    counts[STATUS_COLUMNS[person.status]] = 1
    return counts


def load_demo_activities(report) -> None:
    today = timezone.localdate()
    rows, tag_links, participant_links = [], [], []
    memberships = (
        Membership.objects.active()
        .filter(role__in=[MembershipRole.MEDIATEUR, MembershipRole.CONSEILLER_NUMERIQUE])
        .select_related("user", "structure__commune__departement")
        .order_by("pk")
    )
    for membership in memberships:
        user, structure = membership.user, membership.structure
        if Activity.objects.filter(mediator=user, structure=structure).exists():
            report.count("activités", False)
            continue
        rng = random.Random(f"{user.email}/{structure.pk}")
        place = Place.objects.filter(structure=structure).order_by("pk").first()
        tag_ids = [ActivityTag.objects.get_or_create(structure=structure, name=name)[0].pk for name in TAGS]
        cn = membership.role == MembershipRole.CONSEILLER_NUMERIQUE
        for day, count in _working_days(rng, today):
            for _ in range(count):
                activity, tags = _activity(
                    rng, mediator=user, structure=structure, place=place, day=day, cn=cn, tag_ids=tag_ids
                )
                rows.append(activity)
                tag_links.append(tags)
        # The followed people of the structure: after their diagnostic, two accompaniments and a workshop.
        people = Beneficiary.objects.active().filter(structure=structure).order_by("pk")
        for person in people:
            diagnostic = person.diagnostics.order_by("created_at", "pk").first()
            start = timezone.localtime(diagnostic.created_at).date() if diagnostic else today - dt.timedelta(days=60)
            for index, days_after in enumerate((2, 9)):
                day = min(start + dt.timedelta(days=days_after), today)
                activity, _tags = _activity(
                    rng,
                    mediator=user,
                    structure=structure,
                    place=place,
                    day=day,
                    cn=cn,
                    tag_ids=[],
                    extra={
                        "kind": ActivityKind.INDIVIDUAL,
                        "title": "",
                        "level": "",
                        "participants": 1,
                        "returning": int(index > 0),
                        "beneficiary": person,
                        "diagnostic": diagnostic if index == 0 else None,
                        "location_kind": LocationKind.PLACE if place else LocationKind.REMOTE,
                        "place": place,
                        "commune": place.commune_ref if place else None,
                        **_person_counts(person, day.year),
                    },
                )
                rows.append(activity)
                tag_links.append([])
            workshop, _tags = _activity(
                rng,
                mediator=user,
                structure=structure,
                place=place,
                day=min(start + dt.timedelta(days=16), today),
                cn=cn,
                tag_ids=[],
                extra={
                    "kind": ActivityKind.WORKSHOP,
                    "title": WORKSHOP_TITLES[1][0],
                    "level": WORKSHOP_TITLES[1][1],
                    "themes": [Theme.EMAIL.value],
                    "themes_mask": fields.THEMES.mask([Theme.EMAIL]),
                    "admin_subthemes": [],
                    "admin_subthemes_mask": 0,
                    "location_kind": LocationKind.PLACE if place else LocationKind.REMOTE,
                    "place": place,
                    "commune": place.commune_ref if place else None,
                    "autonomy": "",
                    "redirections": [],
                    "redirections_mask": 0,
                    "duration_minutes": 120,
                    "participants": 6,
                    "returning": 2,
                    **_counts(rng, 6, today.year),
                },
            )
            rows.append(workshop)
            tag_links.append([])
            participant_links.append((workshop, person))
        # The report that closed each « accompanied » demo referral received by the structure's place.
        referrals = Referral.objects.filter(
            place__structure=structure, state__in=[ReferralState.ACCOMPANIED, ReferralState.CLOSED]
        ).order_by("pk")
        for referral in referrals:
            day = (referral.appointment_at or referral.created_at).date()
            activity, _tags = _activity(
                rng,
                mediator=user,
                structure=structure,
                place=place,
                day=min(day, today),
                cn=cn,
                tag_ids=[],
                extra={
                    "kind": ActivityKind.INDIVIDUAL,
                    "title": "",
                    "level": "",
                    "participants": 1,
                    "referral": referral,
                    "location_kind": LocationKind.PLACE if place else LocationKind.REMOTE,
                    "place": place,
                    "commune": place.commune_ref if place else None,
                    **_counts(rng, 1, day.year),
                },
            )
            rows.append(activity)
            tag_links.append([])
    # Coordinators' own activities.
    for scope in CoordinatorScope.objects.select_related("user").order_by("pk"):
        if Activity.objects.filter(mediator=scope.user, structure=None).exists():
            continue
        rng = random.Random(scope.user.email)
        for index, (kind, title, duration) in enumerate(COORDINATION * 2):
            rows.append(
                Activity(
                    mediator=scope.user,
                    kind=kind,
                    title=title,
                    date=today - dt.timedelta(days=30 + 75 * index),
                    duration_minutes=duration,
                    location_kind=LocationKind.REMOTE,
                    participants=rng.randint(8, 60),
                    gender_unknown=0,
                    created_by=scope.user,
                )
            )
            rows[-1].gender_unknown = rows[-1].age_unknown = rows[-1].status_unknown = rows[-1].participants
            tag_links.append([])
    created = Activity.objects.bulk_create(rows, batch_size=2000)
    ActivityTag.activities.through.objects.bulk_create(
        [
            ActivityTag.activities.through(activity_id=activity.pk, activitytag_id=tag_id)
            for activity, tags in zip(created, tag_links, strict=True)
            for tag_id in tags
        ],
        batch_size=2000,
    )
    ActivityParticipant.objects.bulk_create(
        [ActivityParticipant(activity=activity, beneficiary=person) for activity, person in participant_links]
    )
    for _ in created:
        report.count("activités", True)
