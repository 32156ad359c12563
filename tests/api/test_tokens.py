"""API tokens: stored as a digest, named, several per person, last use noted, revoked with a new password."""

import hashlib
import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.forms import SetPasswordForm
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.core.errors import NotFound, Refused
from cordee.journal.models import Entry
from cordee.users.models import ApiToken
from cordee.users.tokens import MAX_TOKENS_PER_USER, create_api_token, revoke_all_api_tokens, revoke_api_token
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

COMMUNES = reverse("api:territories-communes")


def get_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(COMMUNES)


def test_only_a_digest_is_stored_and_the_key_authenticates():
    user = UserFactory()
    token, key = create_api_token(user, "  Logiciel   de la structure ")

    assert key.startswith("cdr_") and len(key) > 40
    assert token.name == "Logiciel de la structure"
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:10]
    assert not ApiToken.objects.filter(digest=key).exists()
    assert all(key not in str(value) for value in ApiToken.objects.values_list("prefix", "digest", "name").get())
    response = get_with(key)
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert Entry.objects.filter(action="api_token.create", details={"token_id": token.pk}).exists()


def test_last_use_is_written_at_most_every_few_minutes(django_assert_num_queries):
    token, key = create_api_token(UserFactory())
    get_with(key)
    token.refresh_from_db()
    first_use = token.last_used_at
    get_with(key)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=6))
    get_with(key)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_several_named_tokens_revoked_one_by_one():
    user = UserFactory()
    first, first_key = create_api_token(user, "Un")
    _second, second_key = create_api_token(user, "Deux")

    revoke_api_token(user, first.pk)

    assert get_with(first_key).status_code == 401
    assert get_with(second_key).status_code == 200
    with pytest.raises(NotFound):
        revoke_api_token(user, first.pk)
    with pytest.raises(NotFound):
        revoke_api_token(UserFactory(), _second.pk)  # not someone else's
    assert Entry.objects.filter(action="api_token.revoke").count() == 1


def test_a_person_has_a_bounded_number_of_tokens():
    user = UserFactory()
    for number in range(MAX_TOKENS_PER_USER):
        create_api_token(user, f"Jeton {number}")
    with pytest.raises(Refused) as refused:
        create_api_token(user, "Un de trop")
    assert refused.value.reason == "too_many_tokens"


def test_an_inactive_account_cannot_use_its_tokens():
    user = UserFactory()
    _token, key = create_api_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert get_with(key).status_code == 401


def test_a_new_password_revokes_every_token():
    user = UserFactory()
    keys = [create_api_token(user, name)[1] for name in ("Un", "Deux")]
    user.last_name = "Autre"
    user.save()  # other changes keep the tokens
    assert get_with(keys[0]).status_code == 200

    form = SetPasswordForm(user, {"new_password1": "Nouveau-mot-2026", "new_password2": "Nouveau-mot-2026"})
    assert form.is_valid(), form.errors
    form.save()

    assert [get_with(key).status_code for key in keys] == [401, 401]
    assert not ApiToken.objects.filter(user=user).exists()
    entry = Entry.objects.get(action="api_token.revoke_all")
    assert entry.details == {"count": 2, "reason": "password_changed"}
    assert revoke_all_api_tokens(user, reason="test") == 0


def test_the_password_reset_page_revokes_the_tokens(client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory()
    _token, key = create_api_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse(
        "www:accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    form_url = client.get(url)["Location"]
    response = client.post(form_url, {"new_password1": "Nouveau-mot-2026", "new_password2": "Nouveau-mot-2026"})

    assert response.status_code == 302
    assert get_with(key).status_code == 401


def test_command_prints_a_new_token_for_an_account():
    user = UserFactory(email="integrateur@exemple.fr")
    out, err = StringIO(), StringIO()

    call_command("api_token", "Integrateur@exemple.fr", "--name", "Intégration CAF", stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert get_with(key).status_code == 200
    assert ApiToken.objects.get(user=user).name == "Intégration CAF"
    assert "il ne sera plus affiché" in err.getvalue()
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("api_token", "inconnu@exemple.fr", stdout=StringIO(), stderr=StringIO())


def test_the_migration_hashes_the_former_clear_tokens():
    user = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            ["0123456789abcdef0123456789abcdef01234567", "2026-01-02 10:00:00", user.pk],
        )
    migration = importlib.import_module("cordee.users.migrations.0002_api_tokens_stored_as_digests")

    class Editor:  # the two things the migration uses of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.hash_clear_tokens(apps, Editor())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(b"0123456789abcdef0123456789abcdef01234567").hexdigest()
    assert get_with("0123456789abcdef0123456789abcdef01234567").status_code == 200
