"""Demo Pass numérique: an order of the Conseil départemental de la Creuse, its books with the CCAS de Guéret and
France Services de Bourganeuf, passes handed out, some used at demo places, and one monthly statement waiting
for the department's gestionnaire to approve it. Loaded once (the order's eligibility text marks it)."""

import datetime as dt

from django.utils import timezone

from cordee.activities.models import Activity
from cordee.demo.dataset import STRUCTURES, USERS
from cordee.pass_numerique import services
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Book, Order, Pass
from cordee.places.models import Place
from cordee.structures.models import Structure
from cordee.users.models import User

MARKER = "Commande de démonstration"
ELIGIBILITY = (
    "Personnes de plus de 16 ans résidant en Creuse, orientées par un travailleur social ou un accueil France "
    f"Services, qui ont besoin d'aide pour utiliser le numérique au quotidien. ({MARKER})"
)
NAMES = {demo.key: demo.name for demo in STRUCTURES}
EMAILS = {demo.email.split("@")[0]: demo.email for demo in USERS}


def _structure(key):
    return Structure.objects.filter(name=NAMES[key]).first()


def _user(local):
    return User.objects.filter(email=EMAILS[local]).first()


def _place(key):
    return Place.objects.filter(structure=_structure(key)).order_by("pk").first()


def load_demo_pass_numerique(report) -> None:
    funder = _structure("cd23")
    manager = _user("financeur.creuse")
    if funder is None or manager is None:
        return
    if Order.objects.filter(funder=funder, eligibility=ELIGIBILITY).exists():
        report.count("commandes de Pass numérique", False)
        return
    now = timezone.now()
    today = timezone.localdate()
    month_start = today.replace(day=1)
    last_month_day = month_start - dt.timedelta(days=5)
    order = services.create_order(
        manager,
        {
            "funder_structure_id": funder.pk,
            "books": 4,
            "passes_per_book": 10,
            "value_cents": 1000,
            "valid_from": (month_start - dt.timedelta(days=60)).replace(day=1).isoformat(),
            "valid_until": (today + dt.timedelta(days=180)).isoformat(),
            "tolerance_days": 30,
            "territories": ["departement:23"],
            "eligibility": ELIGIBILITY,
        },
    )
    services.confirm_order(manager, order)
    ccas, bourganeuf = _structure("ccas-gueret"), _structure("fs-bourganeuf")
    services.allocate_books(manager, order, ccas.pk, 2)
    services.allocate_books(manager, order, bourganeuf.pk, 1)
    # The demo tells a story that began two months ago: the books were handed to the structures back then (a
    # pass cannot be handed out before its book was).
    Book.objects.filter(order=order, holder__isnull=False).update(
        allocated_at=dt.datetime.combine(order.valid_from, dt.time(9), tzinfo=order.zone)
    )
    report.count("commandes de Pass numérique", True)

    def hand_out(structure, local, count, day):
        actor = _user(local)
        held = Pass.objects.filter(order=order, book__holder=structure, state=PassState.ALLOCATED)
        handed = list(held.order_by("book__number", "position")[:count])
        for number, item in enumerate(handed, start=1):
            services.distribute(
                actor, code=item.code, reference=f"DEMO-{structure.pk}-{number:03d}", distributed_on=day
            )
            report.count("pass remis", True)
        return handed

    from_ccas = hand_out(ccas, "aiguilleur", 6, (last_month_day - dt.timedelta(days=10)).isoformat())
    from_bourganeuf = hand_out(bourganeuf, "gestionnaire", 3, (now - dt.timedelta(days=3)).date().isoformat())
    aubusson, fs_place = _place("mediatheque-aubusson"), _place("fs-bourganeuf")
    last_month = dt.datetime.combine(last_month_day, dt.time(10, 30), tzinfo=order.zone)
    # The first one paid for an accompaniment reported at the médiathèque (its activity page shows the pass).
    paid = Activity.objects.filter(structure_id=aubusson.structure_id, place=aubusson).order_by("date", "pk").first()
    for number, item in enumerate(from_ccas[:3]):
        activity_id = paid.pk if paid is not None and number == 0 else None
        services.redeem(
            _user("mediateur.aubusson"), code=item.code, place_id=aubusson.pk, now=last_month, activity_id=activity_id
        )
        report.count("pass utilisés", True)
    for item in from_bourganeuf[:2]:
        services.redeem(_user("conseiller.creuse"), code=item.code, place_id=fs_place.pk, now=now)
        report.count("pass utilisés", True)
    for statement in services.generate_statements(now=now):
        report.count("relevés de remboursement", statement is not None)
