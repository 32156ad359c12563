"""Changing one's password while signed in (« Mon compte » → « Changer mon mot de passe »), issue 7 item 9.

The access matrix is in test_public_access.py (a person's own page: every signed-in kind, nobody else).
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cordee.journal.models import Entry
from cordee.users.models import ApiToken
from cordee.users.tokens import create_api_token
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "une-cordee-solide-2026"
URL = "/compte/mot-de-passe/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def user():
    return UserFactory(email="nina.laval@exemple.fr")


def change(client, old=DEFAULT_PASSWORD, new1=NEW, new2=NEW, **extra):
    return client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2}, **extra)


def test_the_url_and_the_link_from_my_account(client, user):
    client.force_login(user)
    assert reverse("www:accounts:password_change") == URL
    profile = client.get(reverse("www:accounts:profile")).content.decode()
    assert f'href="{URL}"' in profile and "Changer mon mot de passe" in profile
    page = client.get(URL).content.decode()
    assert '<html lang="fr"' in page
    assert "Mot de passe actuel" in page and "Nouveau mot de passe" in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page
    assert "Mon compte" in page  # breadcrumb back to the account


def test_change_keeps_this_session_ends_the_others_and_revokes_tokens(client, user):
    client.force_login(user)
    other = Client()
    other.force_login(user)
    create_api_token(user)

    response = change(client, follow=True)

    assert response.redirect_chain == [(reverse("www:accounts:profile"), 302)]
    assert "Votre mot de passe est changé" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("www:accounts:profile")).status_code == 200  # still signed in here
    elsewhere = other.get(reverse("www:accounts:profile"))
    assert elsewhere.status_code == 302 and elsewhere["Location"].startswith(reverse("www:accounts:login"))
    assert SESSION_KEY not in other.session
    assert not ApiToken.objects.filter(user=user).exists()


def test_change_is_journaled_without_personal_data(client, user):
    client.force_login(user)
    change(client)
    entry = Entry.objects.filter(action="accounts.password.changed").get()
    assert entry.actor_id == user.pk
    text = f"{entry.actor_label} {entry.object_repr} {entry.details}"
    assert user.last_name not in text and "nina" not in text and "@" not in text


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("pas-le-bon", NEW, NEW, "old_password", "Ce n&#x27;est pas votre mot de passe actuel"),
        (DEFAULT_PASSWORD, NEW, NEW + "x", "new_password2", "Les deux mots de passe ne sont pas identiques"),
        (DEFAULT_PASSWORD, "1234567890", "1234567890", "new_password2", "entièrement numérique"),
        (DEFAULT_PASSWORD, "court", "court", "new_password2", "trop court"),
    ],
)
def test_errors_are_french_linked_and_nothing_changes(client, user, old, new1, new2, field, message):
    client.force_login(user)
    response = change(client, old, new1, new2)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert f'href="#id_{field}"' in text  # the summary links to the field
    assert 'aria-invalid="true"' in text
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not Entry.objects.filter(action="accounts.password.changed").exists()


def test_wrong_current_passwords_are_limited_like_logins(client, user):
    client.force_login(user)
    statuses = [change(client, old=f"pas-le-bon-{attempt}").status_code for attempt in range(5)]
    assert statuses == [200] * 5

    response = change(client)  # the right one, but locked

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Réessayez dans 15 minutes" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    entry = Entry.objects.get(action="accounts.password_change.locked")
    assert "@" not in str(entry.details)
    # The lock does not keep the person out of their account: logging in still works.
    assert Client().login(email=user.email, password=DEFAULT_PASSWORD)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("www:accounts:login"))
