"""Reimbursement statements as files: the CSV and the tagged PDF of one statement, one line per redeemed pass.

The statements themselves are written by ``cordee.pass_numerique.services.generate_statements`` (scheduled on
the 1st of each month, and ``python manage.py pass_statements``); their claim follows
``cordee.pass_numerique.workflow.STATEMENT`` (submitted → approved → paid | rejected). Amounts are integer cents.
"""

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
]


# --- What a statement holds -----------------------------------------------------------------------------------


def lines(statement: Statement):
    """The statement's redemptions, with their pass, order and place, in date order."""
    return statement.redemptions.select_related("pass_obj", "order", "place").order_by("redeemed_at", "pk")


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
