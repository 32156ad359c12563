"""Absolute links to pages of the site, for e-mails the domain sends (invitations, reminders).

The domain never calls ``reverse("www:…")``: the web layer registers, when it starts, a builder for each link
name the domain uses; the domain asks for a link by name. A link nobody registered is a programming error.
"""

from collections.abc import Callable

from django.conf import settings

_builders: dict[str, Callable[..., str]] = {}

# The names the domain uses, and the arguments their builders take.
INVITATION_ACCEPT = "structures.invitation_accept"  # token
PLACE_MANAGE = "places.manage"  # pk
PASSWORD_RESET_CONFIRM = "accounts.password_reset_confirm"  # uidb64, token
PASS_CHECK = "pass_numerique.check"  # code: the public check page of a pass (printed as a QR code)
PASS_STOCK = "pass_numerique.stock"  # the page of the books a structure holds
PASS_STATEMENT = "pass_numerique.statement"  # pk


def register(name: str, builder: Callable[..., str]) -> None:
    """``builder(**kwargs)`` returns the path of the page (e.g. with ``reverse``)."""
    _builders[name] = builder


def path(name: str, **kwargs) -> str:
    try:
        builder = _builders[name]
    except KeyError:
        raise LookupError(f"Aucune adresse enregistrée pour « {name} » (voir cordee.www.apps).") from None
    return builder(**kwargs)


def absolute_url(name: str, **kwargs) -> str:
    return settings.SITE_URL.rstrip("/") + path(name, **kwargs)
