"""One error envelope for every status the API returns, in French.

Every error body is ``{"detail": message, "reason": machine code, "errors": {field: message}}`` (``errors``
only when fields are at fault), plus keys that belong to the endpoint beside them (``retry_after``,
``allowed``, ``redeemed_at``…). Statuses follow one rule:

| status | when                                                                  | ``reason`` (examples)          |
|--------|-----------------------------------------------------------------------|--------------------------------|
| 400    | malformed body or parameters, invalid fields                          | ``invalid``, ``malformed_body``|
| 401    | no token, or a token that is not valid                                | ``not_authenticated``          |
| 403    | a forbidden action on an object the caller can see                    | ``not_allowed``                |
| 404    | an object the caller may not see, or that does not exist; unknown URL | ``not_found``                  |
| 405    | a method the endpoint does not accept (``TRACE`` included)            | ``method_not_allowed``         |
| 409    | a conflict with the object's current state                            | ``conflict``                   |
| 415    | a body that is not JSON                                               | ``unsupported_media_type``     |
| 422    | a well-formed request the domain refuses                              | ``refused``, …                 |
| 429    | too many requests                                                     | ``throttled``                  |

``exception_handler`` is DRF's ``EXCEPTION_HANDLER``: it turns the domain's errors
(``cordee.core.errors.DomainError``) and DRF's and Django's own exceptions into the envelope. Errors
Django answers before any API view (unknown URL, server error) get the same envelope from the site's
error handlers (``cordee.www.errors``), which answer JSON under ``/api/``.
"""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from cordee.core.errors import DomainError

INVALID_MESSAGE = "Certaines valeurs ne sont pas valides : voyez « errors »."
NOT_FOUND_MESSAGE = "Introuvable, ou vous n'y avez pas accès."
NOT_ALLOWED_MESSAGE = "Vous n'avez pas le droit de faire cette action."
SERVER_ERROR_MESSAGE = "Erreur du serveur : l'équipe est prévenue. Réessayez plus tard."


class BodyTooLarge(exceptions.ParseError):
    default_detail = "Le corps de la requête est trop volumineux."
    default_code = "body_too_large"


class BodyTooDeep(exceptions.ParseError):
    default_detail = "Le JSON envoyé est trop imbriqué."
    default_code = "body_too_deep"


def envelope(detail: str, reason: str, errors: dict | None = None, **extra) -> dict:
    body = {"detail": str(detail), "reason": reason}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def flatten_errors(detail, prefix: str = "") -> dict[str, str]:
    """DRF's nested error lists as ``{"field": "message"}``; nested fields as ``field.0.sub``."""
    flat: dict[str, str] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else str(name)))
    elif isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            if detail:
                flat[prefix or "non_field_errors"] = " ".join(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item:
                    flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = str(detail)
    return flat


def _is_default(exc: exceptions.APIException) -> bool:
    return isinstance(exc.detail, str) and str(exc.detail) == str(exc.default_detail)


def _code(exc: exceptions.APIException, fallback: str) -> str:
    code = getattr(exc.detail, "code", None)
    return code if code and code != exc.default_code else fallback


def _api_exception_body(exc: exceptions.APIException, request) -> dict:
    """The envelope for one of DRF's exceptions, with our French messages where DRF's are generic."""
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        if list(errors) == ["non_field_errors"]:
            return envelope(errors["non_field_errors"], "invalid")
        return envelope(INVALID_MESSAGE, "invalid", errors)
    if isinstance(exc, BodyTooLarge | BodyTooDeep):
        return envelope(exc.detail, exc.default_code)
    if isinstance(exc, exceptions.ParseError):
        detail = exc.detail if not _is_default(exc) else "Le corps de la requête n'est pas un JSON valide."
        return envelope(detail, _code(exc, "malformed_body"))
    if isinstance(exc, exceptions.NotAuthenticated):
        return envelope(
            "Authentification requise : envoyez votre jeton dans l'en-tête « Authorization: Token <jeton> ».",
            "not_authenticated",
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        detail = exc.detail if not _is_default(exc) else "Authentification refusée."
        return envelope(detail, _code(exc, "authentication_failed"))
    if isinstance(exc, exceptions.PermissionDenied):
        return envelope(exc.detail if not _is_default(exc) else NOT_ALLOWED_MESSAGE, _code(exc, "not_allowed"))
    if isinstance(exc, exceptions.NotFound):
        return envelope(exc.detail if not _is_default(exc) else NOT_FOUND_MESSAGE, _code(exc, "not_found"))
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = request.method if request is not None else ""
        return envelope(f"La méthode {method} n'est pas acceptée à cette adresse.", "method_not_allowed")
    if isinstance(exc, exceptions.NotAcceptable):
        return envelope("Cette adresse répond en JSON : demandez « application/json ».", "not_acceptable")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return envelope(
            "Le corps de la requête doit être du JSON (en-tête « Content-Type: application/json »).",
            "unsupported_media_type",
        )
    if isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait is not None else None
        detail = "Trop de requêtes en peu de temps."
        if wait is not None:
            detail += f" Réessayez dans {wait} seconde{'s' if wait > 1 else ''}."
        return envelope(detail, "throttled", retry_after=wait)
    detail = exc.detail if isinstance(exc.detail, str) else INVALID_MESSAGE
    return envelope(detail, exc.default_code)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: the envelope for every error a view raises; None (→ 500) for bugs."""
    request = context.get("request") if context else None
    headers = {}
    if isinstance(exc, DomainError):
        code, body = exc.status, exc.as_dict()
    elif isinstance(exc, Http404):
        code, body = status.HTTP_404_NOT_FOUND, envelope(NOT_FOUND_MESSAGE, "not_found")
    elif isinstance(exc, DjangoPermissionDenied):
        code, body = status.HTTP_403_FORBIDDEN, envelope(NOT_ALLOWED_MESSAGE, "not_allowed")
    elif isinstance(exc, RequestDataTooBig):
        code, body = status.HTTP_400_BAD_REQUEST, envelope(BodyTooLarge.default_detail, BodyTooLarge.default_code)
    elif isinstance(exc, SuspiciousOperation):
        code, body = status.HTTP_400_BAD_REQUEST, envelope("Requête refusée.", "bad_request")
    elif isinstance(exc, exceptions.APIException):
        code, body = exc.status_code, _api_exception_body(exc, request)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(math.ceil(exc.wait))
    else:
        return None  # a bug: Django's server error (500), logged
    set_rollback()
    return Response(body, status=code, headers=headers)
