"""Figures of the Pass numérique for funders and coordinators: per order, funder, territory and place.

For a set of orders: passes issued, distributed (handed to a person), redeemed, expired and cancelled; the rates
(distributed / issued, redeemed / distributed); the median number of days from distribution to redemption (the
redemption's date in the funder's local time); what the passes paid for: the themes of the accompaniment each
redeemed pass is linked to (its activity report), the passes linked to none, and the services offered by the places
where passes were redeemed.
Territories are the orders' perimeters. Every figure is an integer count or integer cents: rates are computed
at display time.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from cordee.activities.enums import Theme
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Distribution, Order, Pass, Redemption
from cordee.places.enums import Service


@dataclass
class Figures:
    label: str
    key: str = ""
    issued: int = 0
    distributed: int = 0
    redeemed: int = 0
    expired: int = 0
    cancelled: int = 0
    redeemed_cents: int = 0
    delays: list[int] = field(default_factory=list)

    @property
    def distribution_rate(self) -> int | None:
        """Percentage of the issued passes handed to someone (rounded), None without passes."""
        return round(100 * self.distributed / self.issued) if self.issued else None

    @property
    def redemption_rate(self) -> int | None:
        """Percentage of the handed-out passes redeemed."""
        return round(100 * self.redeemed / self.distributed) if self.distributed else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.delays) if self.delays else None

    def add(self, other: "Figures"):
        for name in ("issued", "distributed", "redeemed", "expired", "cancelled", "redeemed_cents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.delays.extend(other.delays)


@dataclass
class Report:
    total: Figures
    orders: list[Figures]
    funders: list[Figures]
    territories: list[Figures]
    places: list[Figures]
    services: list[tuple[str, int]]
    # (code, label, passes) per theme of the linked activities (a pass counts once in each theme of its activity).
    themes: list[tuple[str, str, int]] = field(default_factory=list)
    without_activity: int = 0  # redeemed passes linked to no activity report


def _order_figures(orders: list[Order]) -> dict[int, Figures]:
    by_order = {
        order.pk: Figures(label=f"{order.number} — {order.funder.name}", key=str(order.pk)) for order in orders
    }
    ids = list(by_order)
    counts = (
        Pass.objects.filter(order_id__in=ids)
        .values("order_id")
        .annotate(
            issued=Count("pk"),
            redeemed=Count("pk", filter=Q(state=PassState.REDEEMED)),
            expired=Count("pk", filter=Q(state=PassState.EXPIRED)),
            cancelled=Count("pk", filter=Q(state=PassState.CANCELLED)),
        )
        .order_by("order_id")
    )
    for row in counts:
        figures = by_order[row["order_id"]]
        figures.issued, figures.redeemed = row["issued"], row["redeemed"]
        figures.expired, figures.cancelled = row["expired"], row["cancelled"]
    for row in (
        Distribution.objects.filter(pass_obj__order_id__in=ids)
        .values("pass_obj__order_id")
        .annotate(count=Count("pk"))
        .order_by("pass_obj__order_id")
    ):
        by_order[row["pass_obj__order_id"]].distributed = row["count"]
    for row in (
        Redemption.objects.filter(order_id__in=ids)
        .values("order_id")
        .annotate(cents=Sum("value_cents"))
        .order_by("order_id")
    ):
        by_order[row["order_id"]].redeemed_cents = row["cents"] or 0
    return by_order


def report(orders) -> Report:
    """The figures of these orders (a queryset or list the caller has limited to what the person may see)."""
    orders = list(
        orders.select_related("funder").order_by("-created_at", "-pk") if hasattr(orders, "select_related") else orders
    )
    by_order = _order_figures(orders)
    zones = {order.pk: order for order in orders}
    places: dict[int, Figures] = {}
    services: Counter = Counter()
    themes: Counter = Counter()
    without_activity = 0
    redemptions = (
        Redemption.objects.filter(order_id__in=list(by_order))
        .select_related("place", "pass_obj__distribution", "activity")
        .order_by("pk")
    )
    for redemption in redemptions:
        place = redemption.place
        figures = places.setdefault(place.pk, Figures(label=f"{place.name} ({place.commune_name})", key=str(place.pk)))
        figures.redeemed += 1
        figures.redeemed_cents += redemption.value_cents
        distribution = getattr(redemption.pass_obj, "distribution", None)
        if distribution is not None:
            local_day = zones[redemption.order_id].local_date(redemption.redeemed_at)
            delay = (local_day - distribution.distributed_on).days
            figures.delays.append(delay)
            by_order[redemption.order_id].delays.append(delay)
        for service in place.services or []:
            services[service] += 1
        if redemption.activity is None:
            without_activity += 1
        else:
            themes.update(set(redemption.activity.themes or []))
    funders: dict[int, Figures] = {}
    territories: dict[str, Figures] = defaultdict(lambda: Figures(label=""))
    total = Figures(label="Total")
    for order in orders:
        figures = by_order[order.pk]
        funders.setdefault(order.funder_id, Figures(label=order.funder.name, key=str(order.funder_id))).add(figures)
        for territory in order.territories or []:
            row = territories[territory]
            row.label, row.key = territory_label(territory), territory
            row.add(figures)
        total.add(figures)
    labels, theme_labels = dict(Service.choices), dict(Theme.choices)
    return Report(
        total=total,
        orders=[by_order[order.pk] for order in orders],
        funders=sorted(funders.values(), key=lambda row: row.label),
        territories=sorted(territories.values(), key=lambda row: row.key),
        places=sorted(places.values(), key=lambda row: (-row.redeemed, row.label)),
        services=[
            (labels.get(code, code), count) for code, count in sorted(services.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        themes=[
            (code, theme_labels.get(code, code), count)
            for code, count in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        without_activity=without_activity,
    )


def territory_label(territory: str) -> str:
    """``departement:23`` → « Département 23 »."""
    kind, _, code = territory.partition(":")
    names = {"region": "Région", "departement": "Département", "epci": "EPCI", "commune": "Commune"}
    return f"{names.get(kind, kind)} {code}"


CSV_HEADER = [
    "niveau",
    "cle",
    "libelle",
    "pass_emis",
    "pass_remis",
    "pass_utilises",
    "pass_expires",
    "pass_annules",
    "taux_remise_pct",
    "taux_utilisation_pct",
    "jours_median_remise_utilisation",
    "montant_utilise_centimes",
]


def csv_rows(data: Report):
    levels = [
        ("commande", data.orders),
        ("financeur", data.funders),
        ("territoire", data.territories),
        ("lieu", data.places),
    ]
    for level, rows in levels:
        for row in rows:
            yield [
                level,
                row.key,
                row.label,
                row.issued if level != "lieu" else "",
                row.distributed if level != "lieu" else "",
                row.redeemed,
                row.expired if level != "lieu" else "",
                row.cancelled if level != "lieu" else "",
                row.distribution_rate if row.distribution_rate is not None else "",
                row.redemption_rate if row.redemption_rate is not None else "",
                row.median_days if row.median_days is not None else "",
                row.redeemed_cents,
            ]
    # What the passes paid for: one row per theme of the linked activity reports, then the passes linked to none.
    for code, label, count in data.themes:
        yield ["thematique", code, label, "", "", count, "", "", "", "", "", ""]
    if data.without_activity:
        yield ["thematique", "", "Sans compte rendu d'activité relié", "", "", data.without_activity, *[""] * 6]
