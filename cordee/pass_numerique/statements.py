"""Reimbursement statements as files: the CSV and the tagged PDF of one statement, one line per redeemed pass.

The statements themselves are written by ``cordee.pass_numerique.services.generate_statements`` (scheduled
every day, one statement per structure, funder and month that is over, and ``python manage.py
pass_monthly_statements``); their claim follows
``cordee.pass_numerique.workflow.STATEMENT`` (submitted → approved → paid | rejected). Amounts are integer cents.
"""

from dataclasses import dataclass

from django.db.models import F, Q
from django.template.loader import render_to_string

from cordee.pass_numerique.models import Statement
from cordee.pass_numerique.pdf import PDF_VARIANT, format_euros

CSV_HEADER = [
    "releve",
    "mois",
    "structure",
    "financeur",
    "commande",
    "code_pass",
    "utilise_le",
    "lieu",
    "montant_centimes",
    "montant_euros",
    "remis_et_encaisse_par",
]

SAME_PERSON = "meme_personne"
SAME_STRUCTURE = "meme_structure"


# --- What a statement holds -----------------------------------------------------------------------------------


def lines(statement: Statement):
    """The statement's redemptions, with their pass, order and place, in date order."""
    return statement.redemptions.select_related("pass_obj", "pass_obj__distribution", "order", "place").order_by(
        "redeemed_at", "pk"
    )


SAME_PERSON_Q = Q(pass_obj__distribution__by__isnull=False, pass_obj__distribution__by=F("by"))
SAME_STRUCTURE_Q = Q(pass_obj__distribution__structure=F("structure"))


@dataclass(frozen=True)
class SameHands:
    """Redemptions handed out and redeemed by the same person, or by the same structure (which includes the
    same person's): the funder looks at them before approving; they are flagged, not refused."""

    person: int
    structure: int


def same_hands(statement: Statement) -> SameHands:
    redemptions = statement.redemptions.all()
    return SameHands(
        person=redemptions.filter(SAME_PERSON_Q).count(),
        structure=redemptions.filter(SAME_STRUCTURE_Q).count(),
    )


def _same_hands_flag(line) -> str:
    distribution = getattr(line.pass_obj, "distribution", None)
    if distribution is None:
        return ""
    if distribution.by_id is not None and distribution.by_id == line.by_id:
        return SAME_PERSON
    if distribution.structure_id == line.structure_id:
        return SAME_STRUCTURE
    return ""


def csv_rows(statement: Statement):
    from cordee.pass_numerique.codes import display

    for line in lines(statement):
        yield [
            statement.pk,
            statement.month.strftime("%Y-%m"),
            statement.structure.name,
            statement.funder.name,
            line.order.number,
            display(line.pass_obj.code),
            line.order.local_date(line.redeemed_at).isoformat(),
            line.place.name,
            line.value_cents,
            format_euros(line.value_cents).replace("\u00a0€", "").replace("\u202f", ""),
            _same_hands_flag(line),
        ]


def render_pdf(statement: Statement) -> bytes:
    """The statement as a tagged PDF (PDF/UA-1): header, one line per pass, the total."""
    from weasyprint import HTML

    from cordee.pass_numerique.codes import display

    rows = [
        {
            "date": line.order.local_date(line.redeemed_at),
            "code": display(line.pass_obj.code),
            "order": line.order.number,
            "place": line.place.name,
            "amount": format_euros(line.value_cents),
        }
        for line in lines(statement)
    ]
    html = render_to_string(
        "pass_numerique/statement_pdf.html",
        {"statement": statement, "rows": rows, "total": format_euros(statement.total_cents)},
    )
    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
