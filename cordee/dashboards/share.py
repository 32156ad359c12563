"""Public share links of a territory's statistics: a signed token, aggregates only, small counts protected.

The token (``django.core.signing``, its own salt) holds the territory, the filters' query string and the id
of the person who made the link. Nothing is stored: the link is valid as long as its author may still see that
territory (a coordinator who leaves the scope takes their links with them) and for ``MAX_AGE``.
The public page shows only ``public_figures``: totals and one-dimensional breakdowns, every count protected by
``cordee.dashboards.suppression`` (no list of activities, no mediator, no place, no day).
"""

import datetime
from dataclasses import dataclass

from django.core import signing

from cordee.core.errors import NotFound
from cordee.dashboards import scope as scopes
from cordee.dashboards.aggregates import Figures
from cordee.dashboards.suppression import Cell, protect_group, protect_total
from cordee.users.models import User

SALT = "cordee.dashboards.share"
MAX_AGE = datetime.timedelta(days=366)
# The breakdowns a public page shows (places, tags and mediators never).
PUBLIC_BREAKDOWNS = ["kind", "theme", "admin_subtheme", "duration", "location", "autonomy", "age", "gender", "status"]


def make_token(user, scope: scopes.Scope, query_string: str) -> str:
    return signing.dumps({"t": scope.key, "q": query_string, "u": user.pk}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[scopes.Scope, str]:
    """(scope, query string) of a valid link whose author may still see it; ``NotFound`` otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise NotFound("Ce lien de partage n'est pas valide ou a expiré.", reason="bad_share_link") from None
    author = User.objects.filter(pk=data.get("u"), is_active=True).first()
    scope = scopes.territory_scope(data.get("t", ""))
    if author is None or not scopes.may_see(author, scope):
        raise NotFound("Ce lien de partage n'est plus valide.", reason="bad_share_link")
    return scope, data.get("q", "")


@dataclass
class PublicGroup:
    key: str
    title: str
    measure_label: str
    rows: list[tuple[str, Cell]]


@dataclass
class PublicFigures:
    activities: Cell
    participants: Cell
    minutes: Cell
    groups: list[PublicGroup]


def public_figures(figures: Figures) -> PublicFigures:
    """The figures a public page may show, every count protected (see cordee.dashboards.suppression)."""
    totals = {
        "activities": protect_total(figures.activities),
        "participants": protect_total(figures.participants),
    }
    # Time reveals activities at small counts: hidden with them.
    minutes = Cell(figures.minutes, hidden=totals["activities"].hidden)
    groups = []
    for key in PUBLIC_BREAKDOWNS:
        breakdown = figures.breakdowns[key]
        cells = protect_group(breakdown.values(), total=totals[breakdown.measure], additive=breakdown.additive)
        rows = list(zip([row.label for row in breakdown.rows], cells, strict=True))
        groups.append(PublicGroup(key, breakdown.title, breakdown.measure_label, rows))
    for key, title, rows in [
        ("month", "Activités par mois", figures.by_month),
        ("departement", "Activités par département", figures.by_departement),
    ]:
        labels = [row.label if key == "month" else f"{row.label} ({row.code})" for row in rows]
        values = [row.activities for row in rows]
        if key == "departement":
            # Activities without a département complete the group, so that it adds up to the total.
            rest = figures.activities - sum(values)
            if rest:
                labels.append("Sans département")
                values.append(rest)
        if len(rows) <= 1:
            continue
        cells = protect_group(values, total=totals["activities"])
        groups.append(PublicGroup(key, title, "Activités", list(zip(labels, cells, strict=True))))
    return PublicFigures(totals["activities"], totals["participants"], minutes, groups)
