"""API tokens: several named tokens per person, stored as a digest, shown once, revoked one by one or all.

A key is ``cdr_`` followed by 43 URL-safe random characters (256 bits): a plain SHA-256 digest is enough to
store it (nobody can guess a key from its digest, and the digest lets us find the token in one lookup).
Every password change or reset revokes all the person's tokens (``User.save``).
"""

import functools
import hashlib
import secrets
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from cordee.core.errors import Invalid, NotFound, Refused
from cordee.core.ids import as_id
from cordee.core.sql import Loader, prepared_cursor
from cordee.journal.services import record
from cordee.users.models import ApiToken, User

KEY_PREFIX = "cdr_"
SHOWN_PREFIX_LENGTH = 10
MAX_TOKENS_PER_USER = 10
MAX_NAME_LENGTH = 100
DEFAULT_NAME = "Mon jeton"
# The last-used date is written at most this often per token, not at each request.
LAST_USED_PRECISION = timedelta(minutes=5)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def create_api_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its key, which is never stored nor shown again."""
    name = " ".join((name or "").split()) or DEFAULT_NAME
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(
            f"Le nom du jeton fait plus de {MAX_NAME_LENGTH} caractères.",
            errors={"name": f"Au plus {MAX_NAME_LENGTH} caractères."},
        )
    # Lock the person's row: two creations at once cannot pass the limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise Refused(
            f"Vous avez déjà {MAX_TOKENS_PER_USER} jetons : supprimez-en un avant d'en créer un autre.",
            reason="too_many_tokens",
        )
    key = new_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:SHOWN_PREFIX_LENGTH], digest=digest_of(key))
    record(user, "api_token.create", user, token_id=token.pk)
    return token, key


@transaction.atomic
def revoke_api_token(user: User, token_id) -> ApiToken:
    """Revoke one of the person's own tokens; NotFound for any other."""
    key = as_id(token_id)
    token = ApiToken.objects.filter(user=user, pk=key).first() if key else None
    if token is None:
        raise NotFound("Ce jeton n'existe pas ou a déjà été supprimé.")
    token.delete()
    record(user, "api_token.revoke", user, token_id=int(token_id))
    return token


@transaction.atomic
def revoke_all_api_tokens(user: User, *, reason: str) -> int:
    """Revoke every token of the person (password changed or reset…); journaled when there were any."""
    ids = list(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
    if not ids:
        return 0
    ApiToken.objects.filter(pk__in=ids).delete()
    record(None, "api_token.revoke_all", user, count=len(ids), reason=reason)
    return len(ids)


TOKEN = Loader(ApiToken, "t")
USER = Loader(User, "u")


@functools.cache
def _token_sql(vendor: str) -> str:
    return (
        f"SELECT {TOKEN.columns}, {USER.columns} FROM {TOKEN.table} t "
        f"INNER JOIN {USER.table} u ON {USER.column('id')} = {TOKEN.column('user_id')} "
        f"WHERE {TOKEN.column('digest')} = %s"
    )


def _token_with_user(digest: str) -> ApiToken | None:
    """The token of this digest with its user, in one hand-written query (``cordee.core.sql``): every API
    request asks it, and the ORM took longer composing it than the database answering."""
    with prepared_cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    token = TOKEN.load(row)
    token.user = USER.load(row, TOKEN.width)
    return token


def authenticate_key(key: str) -> ApiToken | None:
    """The token of this key, with its active user, or None; notes the last use (at most every few minutes)."""
    if not key or not key.isascii() or len(key) > 200:
        return None
    token = _token_with_user(digest_of(key))
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
