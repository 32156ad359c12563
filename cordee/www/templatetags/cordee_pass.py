"""Pass numérique in templates: amounts in euros from integer cents, codes grouped for reading aloud."""

from django import template

from cordee.pass_numerique.codes import display
from cordee.pass_numerique.pdf import format_euros

register = template.Library()


@register.filter
def euros(cents) -> str:
    """``1000`` → « 10 € », ``1050`` → « 10,50 € »."""
    if cents is None or cents == "":
        return ""
    return format_euros(int(cents))


@register.filter
def pass_code(code) -> str:
    """``K7M3XQ9P2WRTHB`` → « K7M3-XQ9P-2WRT-HB »."""
    return display(str(code or ""))
