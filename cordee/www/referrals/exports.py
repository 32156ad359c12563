"""CSV files of referrals, written by ``cordee.core.tabular`` (cells that a spreadsheet would run as formulas
are neutralised). Two files:

- the list of referrals of one of the index's lists (received, sent, territory), with its state filter:
  one line per referral, never the person (no alias, no contact, no message), and a first line that warns
  about personal data all the same (numbers and dates can point to someone when crossed with other lists);
- the statistics table (per place, sending structure or département), figures only.

The reasons of a refusal go to the prescriber and the place, never to a coordinator's list.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cordee.core import tabular
from cordee.referrals.enums import CloseOutcome, ReferralState, RefusalReason
from cordee.referrals.models import Referral
from cordee.www.referrals import views

LIST_WARNING = (
    "Données personnelles : ce fichier ne contient ni le nom, ni les coordonnées, ni le message des personnes "
    "orientées, mais ses numéros et ses dates peuvent permettre de les reconnaître. Gardez-le pour votre usage, "
    "ne le transmettez pas, effacez-le quand vous n'en avez plus besoin."
)
STATISTICS_WARNING = views.CSV_WARNING
LIST_HEADER = [
    "numéro",
    "envoyée le",
    "état",
    "lieu",
    "commune du lieu",
    "structure qui oriente",
    "besoins",
    "première réponse le",
    "rendez-vous le",
    "issue",
    "motifs du refus",
]
STATISTICS_HEADER = [
    "envoyées",
    "avec réponse",
    "acceptées",
    "refusées",
    "motifs des refus",
    "délai médian de réponse (jours)",
    "part accompagnée (%)",
]


def _local(moment):
    return timezone.localtime(moment).replace(microsecond=0, tzinfo=None) if moment else ""


def _csv_response(lines, filename) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def list_rows(referrals, *, with_reasons: bool):
    states = dict(ReferralState.choices)
    outcomes = dict(CloseOutcome.choices)
    reasons = dict(RefusalReason.choices)
    values = referrals.order_by("-created_at", "-pk").values_list(
        "pk",
        "created_at",
        "state",
        "place__name",
        "place__commune_name",
        "prescriber_structure__name",
        "services",
        "answered_at",
        "appointment_at",
        "outcome",
        "refusal_reasons",
    )
    for (
        pk,
        created,
        state,
        place,
        commune,
        structure,
        services,
        answered,
        appointment,
        outcome,
        refused,
    ) in values.iterator(chunk_size=2000):
        yield [
            Referral(pk=pk).number,
            _local(created),
            states.get(state, state),
            place,
            commune,
            structure,
            " | ".join(services or []),
            _local(answered),
            _local(appointment),
            outcomes.get(outcome, outcome),
            " | ".join(reasons.get(code, code) for code in refused or []) if with_reasons else "",
        ]


@require_GET
def referrals_csv(request):
    """The referrals of one list of the index page (``liste``, ``etat`` as there), whoever may see that list."""
    box, title, referrals = views.index_list(request)
    lines = tabular.csv_lines([LIST_WARNING], [LIST_HEADER, *list_rows(referrals, with_reasons=box != "territoire")])
    return _csv_response(lines, f"orientations-{box}-{timezone.localdate():%Y-%m-%d}.csv")


@require_GET
def statistics_csv(request):
    by, rows, total = views.statistics_table(request)
    title = views.referral_statistics.GROUPS[by][2]

    def cells(row):
        return [
            row.label,
            row.sent,
            row.answered,
            row.accepted,
            row.refused,
            row.reasons_text(),
            row.median_days,
            row.accompanied_share,
        ]

    lines = tabular.csv_lines([STATISTICS_WARNING], [[title, *STATISTICS_HEADER], *map(cells, [*rows, total])])
    return _csv_response(lines, f"orientations-par-{by}.csv")
