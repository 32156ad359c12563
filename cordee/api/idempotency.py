"""Idempotency keys for API writes: a client may retry a write without it happening twice.

The key comes in the ``Idempotency-Key`` header or an ``idempotency_key`` field of the JSON body (1 to 255
printable ASCII characters). It is scoped per person and endpoint and stored with a fingerprint of the
request (method, path, body without the key) and the exact response (status and body):

- a repeat with the same key and the same request replays the stored status and body (header
  ``Idempotent-Replayed: true``), without running the view again;
- a concurrent duplicate waits for the first to finish, then replays its response: the first holds the
  key's row (a unique constraint, and the row lock of an uncommitted insert on PostgreSQL; the write lock
  of SQLite's immediate transactions) until the view and the stored response commit together;
- the same key with another request → 422 ``idempotency_key_reused``;
- responses the view gives (successes, and the 4xx of domain and validation errors) are stored; a server
  error stores nothing, so a retry runs again;
- keys are forgotten ``IDEMPOTENCY_KEY_TTL`` seconds after the first request (default 24 hours): an
  expired key counts as new; a periodic task purges them (``cordee.api.tasks``).

Use it on any APIView write method::

    @idempotent()                  # the key is optional
    def post(self, request): ...

    @idempotent(required=True)     # 400 without a key (money-moving writes)
    def post(self, request): ...
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cordee.api.models import IdempotencyKey
from cordee.core.errors import Invalid, Refused
from cordee.core.sql import insert_row, update_row

HEADER = "Idempotency-Key"
BODY_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"

PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "Clé d'idempotence choisie par le client (1 à 255 caractères ASCII imprimables), aussi acceptée dans le "
        f"champ « {BODY_FIELD} » du corps. La même requête répétée avec la même clé reçoit la même réponse "
        "sans être exécutée deux fois ; la même clé avec une autre requête est refusée (422 "
        "« idempotency_key_reused »). Clés oubliées après 24 heures."
    ),
    required=False,
)


def _key_of(request) -> str | None:
    header = request.headers.get(HEADER)
    data = request.data if isinstance(request.data, dict) else {}
    body = data.get(BODY_FIELD)
    if body is not None and not isinstance(body, str):
        raise Invalid(errors={BODY_FIELD: "La clé d'idempotence doit être une chaîne de caractères."})
    if header is not None and body is not None and header != body:
        raise Invalid(errors={BODY_FIELD: f"La clé du corps et celle de l'en-tête {HEADER} diffèrent."})
    key = header if header is not None else body
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise Invalid(
            errors={BODY_FIELD: f"La clé d'idempotence doit faire 1 à {MAX_KEY_LENGTH} caractères ASCII imprimables."}
        )
    return key


def fingerprint(request) -> str:
    """SHA-256 of the method, the path and the canonical JSON body without the key."""
    body = request.data
    if isinstance(body, dict):
        body = {name: value for name, value in body.items() if name != BODY_FIELD}
    canonical = json.dumps(
        [request.method, request.path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _endpoint(request) -> str:
    match = request.resolver_match
    name = match.view_name if match is not None else request.path
    return f"{request.method} {name}"[:200]


def _json_text(data) -> str:
    return JSONRenderer().render(data).decode() if data is not None else ""


def _replay(row: IdempotencyKey) -> Response:
    response = Response(json.loads(row.response_body) if row.response_body else None, status=row.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(user, endpoint: str, key: str, print_: str) -> tuple[IdempotencyKey, bool]:
    """The key's row, locked until the end of the transaction; True when this request is the first."""
    now = timezone.now()
    expires_at = now + timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL)
    # One INSERT … ON CONFLICT DO NOTHING: no savepoint to undo a failed insert (every API write claims a key);
    # on PostgreSQL it waits for a concurrent first request with the same key to commit or roll back.
    claimed = IdempotencyKey(
        user_id=user.pk, endpoint=endpoint, key=key, fingerprint=print_, created_at=now, expires_at=expires_at
    )
    if insert_row(claimed, ignore_conflict=True) is not None:
        return claimed, True
    # Waits here (PostgreSQL) until a concurrent first request commits.
    row = IdempotencyKey.objects.select_for_update().get(user=user, endpoint=endpoint, key=key)
    if row.expires_at <= now or row.response_status is None:
        row.fingerprint, row.created_at, row.expires_at = print_, now, expires_at
        row.response_status, row.response_body = None, ""
        row.save()
        return row, True
    return row, False


def idempotent(required: bool = False):
    """Decorator of an APIView method: replay the stored response of a repeated idempotency key."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(view, request, *args, **kwargs):
            key = _key_of(request)
            if key is None or not request.user.is_authenticated:
                if required:
                    raise Invalid(
                        f"Une clé d'idempotence est obligatoire (en-tête {HEADER} ou champ « {BODY_FIELD} »).",
                        errors={BODY_FIELD: "Clé d'idempotence manquante."},
                    )
                with transaction.atomic():  # as with a key: nothing half-written if the answer fails
                    return method(view, request, *args, **kwargs)
            print_ = fingerprint(request)
            # An empty body sent as a form comes as an immutable QueryDict: nothing to take out of it.
            if isinstance(request.data, dict) and BODY_FIELD in request.data:
                request.data.pop(BODY_FIELD)
            with transaction.atomic():
                row, first = _claim(request.user, _endpoint(request), key, print_)
                if not first:
                    if row.fingerprint != print_:
                        raise Refused(
                            "Cette clé d'idempotence a déjà servi pour une autre requête : choisissez-en une autre.",
                            reason="idempotency_key_reused",
                        )
                    return _replay(row)
                try:
                    with transaction.atomic():
                        response = method(view, request, *args, **kwargs)
                except Exception as error:  # the view's own error response is stored too; bugs propagate
                    response = view.handle_exception(error)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                    return response
                update_row(
                    IdempotencyKey,
                    row.pk,
                    {"response_status": response.status_code, "response_body": _json_text(response.data)},
                )
                return response

        wrapper.idempotent = True
        return wrapper

    return decorator
