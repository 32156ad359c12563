"""Synthetic activities shaped like the national programme's, to measure the dashboards at scale.

``generate(count, …)`` creates structures (in communes drawn by population), their places, mediators (about a
third conseillers numériques) and ``count`` activities over ``years`` years up to today:

- each mediator has their own pace (a few very active, many occasional: a Pareto draw);
- seasons (August and the end of December quiet, autumn and spring busy), weekdays (almost nothing on Sunday,
  little on Saturday), and a programme that grows year after year;
- regions differ: the structures follow the population, and each région has its own intensity;
- kinds, durations, themes, equipment, autonomy, redirections and the people's age, gender and status drawn with
  plausible frequencies (individual accompaniments most of all; workshops of 3 to 12 people);
- imported v1 activities (``source=import_v1``) for the oldest two years.

Rows are written in batches: ``COPY`` on PostgreSQL, multi-row ``INSERT`` elsewhere. Everything is drawn from
one seed, so a run is reproducible.
"""

import datetime
import json
import random
import time
from bisect import bisect
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from cordee.activities import enums
from cordee.activities.models import Activity
from cordee.places.models import Place
from cordee.structures.enums import MembershipRole, StructureKind
from cordee.structures.models import Membership, Structure
from cordee.territories.enums import CommuneKind
from cordee.territories.models import Commune
from cordee.users.models import User

SOURCE_NAME = "synthetique"
EMAIL_DOMAIN = "synthetique.cordee.invalid"
BATCH = 20_000
# Relative activity of each month (January first) and weekday (Monday first).
MONTHS = [1.0, 1.05, 1.1, 1.0, 0.85, 0.9, 0.6, 0.3, 1.0, 1.15, 1.1, 0.7]
WEEKDAYS = [1.1, 1.2, 1.1, 1.2, 1.0, 0.25, 0.02]
KINDS = [("individual", 55), ("quick", 22), ("workshop", 20), ("animation", 1.5), ("event", 1), ("partnership", 0.5)]
DURATIONS = [(15, 12), (30, 25), (45, 15), (60, 25), (90, 10), (120, 10), (180, 3)]
THEMES = dict(
    zip(
        enums.Theme.values,
        [6, 14, 5, 8, 10, 12, 6, 4, 6, 5, 1, 6, 5, 2, 2, 2, 3, 2, 25],
        strict=True,
    )
)
AUTONOMY = [("", 10), ("fully_assisted", 40), ("partly_autonomous", 35), ("autonomous", 15)]
LOCATIONS = [("place", 72), ("home", 8), ("remote", 8), ("elsewhere", 12)]
EQUIPMENT = [("computer", 40), ("phone", 40), ("tablet", 10), ("other", 3), ("none", 7)]
REDIRECTION_SHARE = 0.15
AGE_BANDS = [("age_18_24", 6), ("age_25_39", 15), ("age_40_59", 25), ("age_60_69", 20), ("age_70_plus", 22)]
AGE_BANDS += [("age_under_12", 2), ("age_12_17", 3), ("age_unknown", 7)]
STATUSES = [("status_employed", 20), ("status_unemployed", 25), ("status_retired", 40), ("status_student", 5)]
STATUSES += [("status_unknown", 10)]
GENDERS = [("gender_female", 55), ("gender_male", 40), ("gender_unknown", 5)]
COUNT_COLUMNS = [c for c, _w in AGE_BANDS + STATUSES + GENDERS] + [
    "age_v1_under_12",
    "age_v1_12_18",
    "age_v1_18_35",
    "age_v1_35_60",
    "age_v1_over_60",
]
COLUMNS = [
    "mediator_id",
    "legacy_mediator_id",
    "structure_id",
    "kind",
    "date",
    "duration_minutes",
    "location_kind",
    "place_id",
    "commune_id",
    "departement_code",
    "region_code",
    "themes",
    "themes_mask",
    "admin_subthemes",
    "admin_subthemes_mask",
    "admin_precision",
    "equipment",
    "equipment_mask",
    "redirections",
    "redirections_mask",
    "autonomy",
    "title",
    "level",
    "note",
    "participants",
    "returning",
    *COUNT_COLUMNS,
    "is_conseiller_numerique",
    "source",
    "created_at",
    "updated_at",
]


class Chooser:
    """Weighted draws from a list of (value, weight), with cumulative weights computed once."""

    def __init__(self, pairs, rng):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]
        self.rng = rng

    def __call__(self):
        return self.values[bisect(self.cumulative, self.rng.random() * self.total)]


def _mask(values, enum) -> int:
    order = list(enum.values)
    mask = 0
    for value in values:
        mask |= 1 << order.index(value)
    return mask


def generate(count, *, mediators=4000, structures=3000, years=4, seed=20251201, today=None, progress=None) -> dict:
    """Create the synthetic structures, places, mediators and ``count`` activities; returns the counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    started = time.monotonic()
    communes = list(
        Commune.objects.filter(kind=CommuneKind.COMMUNE, population__gt=0)
        .select_related("departement")
        .order_by("code_insee")
        .values_list("code_insee", "departement_id", "departement__region_id", "population")
    )
    if not communes:
        raise ValueError("Chargez d'abord les territoires (python manage.py load_territories --wet-run).")
    region_intensity = {}
    for _code, _dep, region, _pop in communes:
        region_intensity.setdefault(region, 0.6 + rng.random() * 0.8)
    commune_choice = Chooser([(c, c[3] * region_intensity[c[2]]) for c in communes], rng)

    with transaction.atomic():
        structure_rows = _structures(structures, commune_choice, rng)
        place_rows = _places(structure_rows)
        mediator_rows = _mediators(mediators, structure_rows, place_rows, rng)

    # Each mediator's pace: a Pareto draw, so that a few report a lot.
    pace = Chooser([(m, rng.paretovariate(1.5)) for m in mediator_rows], rng)
    first_day = today.replace(year=today.year - years) + datetime.timedelta(days=1)
    days = [first_day + datetime.timedelta(days=n) for n in range((today - first_day).days + 1)]
    day_weights = [MONTHS[d.month - 1] * WEEKDAYS[d.weekday()] * (1 + 0.35 * (d - first_day).days / 365) for d in days]
    day_choice = Chooser(list(zip(days, day_weights, strict=True)), rng)
    v1_until = today.replace(year=today.year - max(0, years - 2))
    choosers = {
        "kind": Chooser(KINDS, rng),
        "duration": Chooser(DURATIONS, rng),
        "theme": Chooser(list(THEMES.items()), rng),
        "autonomy": Chooser(AUTONOMY, rng),
        "location": Chooser(LOCATIONS, rng),
        "equipment": Chooser(EQUIPMENT, rng),
        "age": Chooser(AGE_BANDS, rng),
        "status": Chooser(STATUSES, rng),
        "gender": Chooser(GENDERS, rng),
        "commune": commune_choice,
    }
    now = timezone.now()
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        rows = [_activity(rng, pace(), day_choice(), choosers, v1_until, now) for _ in range(size)]
        _write(rows)
        written += size
        if progress:
            progress(written, count)
    return {
        "structures": len(structure_rows),
        "places": len(place_rows),
        "mediators": len(mediator_rows),
        "activities": written,
        "seconds": round(time.monotonic() - started, 1),
    }


def _structures(count, commune_choice, rng):
    existing = Structure.objects.filter(email__endswith=EMAIL_DOMAIN).count()
    structures = [
        Structure(
            name=f"Structure synthétique {existing + n + 1}",
            kind=rng.choice(StructureKind.values),
            commune_id=commune_choice()[0],
            email=f"structure{existing + n + 1}@{EMAIL_DOMAIN}",
        )
        for n in range(count)
    ]
    Structure.objects.bulk_create(structures, batch_size=2000)
    rows = (
        Structure.objects.filter(email__endswith=EMAIL_DOMAIN)
        .order_by("pk")
        .values_list("pk", "commune_id", "commune__departement_id", "commune__departement__region_id")
    )
    return list(rows)[existing:]


def _places(structure_rows):
    places = [
        Place(
            source_name=SOURCE_NAME,
            source_id=str(pk),
            name=f"Lieu synthétique {pk}",
            search_name=f"lieu synthetique {pk}",
            structure_id=pk,
            commune_ref_id=commune,
        )
        for pk, commune, _dep, _region in structure_rows
    ]
    Place.objects.bulk_create(places, batch_size=2000)
    return dict(
        Place.objects.filter(source_name=SOURCE_NAME, structure_id__in=[row[0] for row in structure_rows]).values_list(
            "structure_id", "pk"
        )
    )


def _mediators(count, structure_rows, place_rows, rng):
    """(user id, structure row, place id, conseiller numérique?) of each mediator."""
    existing = User.objects.filter(email__endswith=EMAIL_DOMAIN).count()
    password = make_password(None)
    users = [
        User(email=f"mediateur{existing + n + 1}@{EMAIL_DOMAIN}", password=password, first_name="Médiateur")
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    ids = list(User.objects.filter(email__endswith=EMAIL_DOMAIN).order_by("pk").values_list("pk", flat=True))[
        existing:
    ]
    mediators, memberships = [], []
    for n, user_id in enumerate(ids):
        structure = structure_rows[n % len(structure_rows)] if n < len(structure_rows) else rng.choice(structure_rows)
        is_cn = rng.random() < 0.35
        role = MembershipRole.CONSEILLER_NUMERIQUE if is_cn else MembershipRole.MEDIATEUR
        memberships.append(Membership(user_id=user_id, structure_id=structure[0], role=role))
        mediators.append((user_id, structure, place_rows.get(structure[0]), is_cn))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return mediators


def _split(total, chooser, columns):
    counts = dict.fromkeys(columns, 0)
    for _ in range(total):
        counts[chooser()] += 1
    return counts


def _activity(rng, mediator, day, c, v1_until, now):
    user_id, (structure_id, s_commune, s_dep, s_region), place_id, is_cn = mediator
    kind = c["kind"]()
    location = c["location"]()
    commune, dep, region = s_commune, s_dep, s_region
    if location == "remote":
        commune = None
    elif location in ("home", "elsewhere") and rng.random() < 0.3:
        commune, dep, region, _pop = c["commune"]()
    themes = {c["theme"]() for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.15))}
    themes = [t for t in enums.Theme.values if t in themes]
    admin = []
    if "admin_procedures" in themes:
        admin = [rng.choice(enums.AdminSubTheme.values)]
    equipment = sorted({c["equipment"]()}, key=enums.Equipment.values.index)
    redirections = [rng.choice(enums.Redirection.values)] if rng.random() < REDIRECTION_SHARE else []
    participants = rng.randint(3, 12) if kind == "workshop" else (rng.randint(5, 40) if kind == "event" else 1)
    returning = sum(rng.random() < 0.45 for _ in range(participants))
    counts = {}
    for chooser, pairs in ((c["age"], AGE_BANDS), (c["status"], STATUSES), (c["gender"], GENDERS)):
        counts.update(_split(participants, chooser, [column for column, _w in pairs]))
    source = "entered"
    if day < v1_until and rng.random() < 0.6:
        source = "import_v1"
        for column, _w in AGE_BANDS:
            counts[column] = 0
        counts["age_v1_35_60"] = participants
    row = {
        "mediator_id": user_id,
        "legacy_mediator_id": "",
        "structure_id": structure_id,
        "kind": kind,
        "date": day,
        "duration_minutes": c["duration"](),
        "location_kind": location,
        "place_id": place_id if location == "place" else None,
        "commune_id": commune,
        "departement_code": dep or "",
        "region_code": region or "",
        "themes": json.dumps(themes),
        "themes_mask": _mask(themes, enums.Theme),
        "admin_subthemes": json.dumps(admin),
        "admin_subthemes_mask": _mask(admin, enums.AdminSubTheme),
        "admin_precision": "",
        "equipment": json.dumps(equipment),
        "equipment_mask": _mask(equipment, enums.Equipment),
        "redirections": json.dumps(redirections),
        "redirections_mask": _mask(redirections, enums.Redirection),
        "autonomy": c["autonomy"]() if kind in ("individual", "quick") else "",
        "title": "Atelier" if kind == "workshop" else "",
        "level": "beginner" if kind == "workshop" else "",
        "note": "",
        "participants": participants,
        "returning": returning,
        "age_v1_under_12": 0,
        "age_v1_12_18": 0,
        "age_v1_18_35": 0,
        "age_v1_35_60": 0,
        "age_v1_over_60": 0,
        **counts,
        "is_conseiller_numerique": is_cn,
        "source": source,
        "created_at": now,
        "updated_at": now,
    }
    return [row[column] for column in COLUMNS]


def _write(rows):
    table = connection.ops.quote_name(Activity._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_adapt(ops, value) for value in row] for row in rows])


def _adapt(ops, value):
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    return value
