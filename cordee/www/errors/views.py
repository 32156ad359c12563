"""Error pages: what happened, why, and a way back, in French, on every status Django can answer with.

Pages of the site get a DSFR page; paths of the API get the API's JSON envelope (``detail``, ``reason``),
so that a program never receives HTML. The 500 page renders with a minimal context: whatever broke
(the database, a context processor) must not break the error page too.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from cordee.core.errors import DomainError
from cordee.www.context_processors import site

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


@dataclass(frozen=True)
class ErrorPage:
    status: int
    reason: str
    title: str
    what: str
    why: str
    pictogram: str = "technical-error"

    @property
    def pictogram_path(self) -> str:
        return f"dsfr/dist/artwork/pictograms/system/{self.pictogram}.svg"


PAGES = {
    400: ErrorPage(
        400,
        "bad_request",
        "Demande incorrecte",
        "Le site n'a pas pu comprendre la demande envoyée par votre navigateur.",
        "Le lien suivi est peut-être incomplet, ou le formulaire a été modifié avant l'envoi.",
    ),
    # A refused form is a request the site cannot take as sent (400), not a lack of rights: the person may
    # send it again from a fresh page. The page says it in plain words.
    "csrf": ErrorPage(
        400,
        "csrf_failed",
        "Le formulaire a expiré",
        "Votre envoi n'a pas été enregistré : le formulaire n'était plus valable.",
        "Pour vous protéger, un formulaire n'est accepté que s'il vient de ce site et qu'il est récent. "
        "C'est le cas si la page est restée ouverte longtemps, si vous vous êtes connecté ou déconnecté "
        "dans un autre onglet, ou si votre navigateur refuse les cookies de ce site.",
    ),
    403: ErrorPage(
        403,
        "not_allowed",
        "Accès refusé",
        "Vous n'avez pas le droit de voir cette page ou de faire cette action.",
        "Cette page est réservée à certains rôles ou à certaines structures. Si vous pensez qu'il s'agit "
        "d'une erreur, demandez au gestionnaire de votre structure ou à votre coordinateur de vérifier vos droits.",
        "padlock",
    ),
    404: ErrorPage(
        404,
        "not_found",
        "Page introuvable",
        "La page que vous cherchez n'existe pas, ou n'existe plus.",
        "L'adresse a peut-être été mal saisie, ou la page a été déplacée ou supprimée "
        "(un lieu retiré de l'annuaire, une invitation annulée…).",
        "error",
    ),
    429: ErrorPage(
        429,
        "throttled",
        "Trop de demandes",
        "Vous avez fait trop de demandes en peu de temps : les suivantes sont refusées pour un moment.",
        "Cette limite protège le site et les comptes contre les robots. Patientez quelques minutes, puis réessayez.",
        "warning",
    ),
    409: ErrorPage(
        409,
        "conflict",
        "Action impossible pour le moment",
        "Cette action n'est plus possible dans l'état actuel de la fiche ou de la demande.",
        "Quelqu'un d'autre l'a peut-être déjà faite, ou l'état a changé depuis que vous avez ouvert la page. "
        "Revenez à la page précédente et rechargez-la pour voir où en sont les choses.",
        "warning",
    ),
    422: ErrorPage(
        422,
        "refused",
        "Demande refusée",
        "Votre demande est bien arrivée, mais elle ne peut pas être acceptée.",
        "Une règle l'empêche : le message ci-dessus dit laquelle.",
        "warning",
    ),
    500: ErrorPage(
        500,
        "server_error",
        "Erreur inattendue",
        "Le site a rencontré un problème et n'a pas pu afficher cette page.",
        "L'erreur ne vient pas de vous : elle a été enregistrée et l'équipe qui s'occupe du site va la corriger. "
        "Réessayez dans quelques minutes.",
        "technical-error",
    ),
}


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(request, key, *, detail: str = "", back_url: str = "") -> HttpResponse:
    """The response for an error: the DSFR page, or the JSON envelope under /api/."""
    page = PAGES[key]
    if _is_api(request):
        return JsonResponse({"detail": detail or page.what, "reason": page.reason}, status=page.status)
    context = {"error": page, "detail": detail, "back_url": back_url}
    if page.status == 500:
        # No RequestContext: no session, no database, only what cannot fail (even a failure before the
        # CSP middleware gave the request its nonce: the scripts are then refused, the page still shows).
        if not hasattr(request, "csp_nonce"):
            request.csp_nonce = ""
        context.update(_safe_site(request), request=request, user=AnonymousUser(), messages=())
        body = loader.get_template("www/errors/error.html").render(context)
    else:
        body = loader.get_template("www/errors/error.html").render(context, request)
    return HttpResponse(body, status=page.status)


def _safe_site(request) -> dict:
    try:
        return site(request)
    except Exception:
        logger.exception("Contexte du site indisponible sur la page d'erreur")
        return {"SITE_NAME": "Cordée", "SITE_TAGLINE": "", "SITE_URL": "", "main_menu": []}


def _message(exception) -> str:
    """The French message of a domain error or of our own PermissionDenied, if there is one.

    Never the text of an Http404: Django's get_object_or_404 writes it in English for developers.
    """
    message = getattr(exception, "message", "")
    if not message and isinstance(exception, PermissionDenied) and exception.args:
        message = exception.args[0]
    return message if isinstance(message, str) else ""


def domain_error_response(request, error: DomainError) -> HttpResponse:
    """A domain error that reached the web layer: its French message on the page of its status.

    Under /api/, the API's envelope (``detail``, ``reason``, ``errors``, extra keys) with the same status.
    """
    if _is_api(request):
        return JsonResponse(error.as_dict(), status=error.status)
    key = error.status if error.status in PAGES else 400
    response = error_response(request, key, detail=error.message)
    response.status_code = error.status
    return response


@login_not_required
def bad_request(request, exception=None):
    return error_response(request, 400)


@login_not_required
def permission_denied(request, exception=None):
    return error_response(request, 403, detail=_message(exception))


@login_not_required
def page_not_found(request, exception=None):
    return error_response(
        request, 404, detail=getattr(exception, "message", "") if isinstance(exception, DomainError) else ""
    )


@login_not_required
def server_error(request):
    return error_response(request, 500)


@login_not_required
def too_many_requests(request, exception=None):
    return error_response(request, 429)


@login_not_required
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's reason is English and technical; it goes to the logs, not to the person."""
    logger.warning("Formulaire refusé (CSRF) sur %s : %s", request.path, reason)
    return error_response(request, "csrf", back_url=_page_of_the_form(request))


def _page_of_the_form(request) -> str:
    """The page the refused form was sent from (its Referer, on this site only), else the address it was sent
    to: opened again (GET), it shows a fresh form."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()
