"""Actions on a person's own account."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from cordee.journal.services import record


def api_token_exists(user) -> bool:
    return Token.objects.filter(user=user).exists()


@transaction.atomic
def regenerate_api_token(user) -> str:
    """Replace the user's API token with a new one and return it (shown once, never stored in clear elsewhere)."""
    had_token = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    record(user, "api_token.regenerate" if had_token else "api_token.create", user)
    return token.key


@transaction.atomic
def revoke_api_token(user) -> bool:
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    if revoked:
        record(user, "api_token.revoke", user)
    return revoked
