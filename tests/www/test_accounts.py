import re
from html import unescape

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.user_kinds import make_user
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "une-cordee-solide-2025"

USER_KINDS = ["anonymous", "member", "gestionnaire", "coordinator_in_scope", "national_admin"]


@pytest.mark.parametrize("kind", USER_KINDS)
def test_login_page(client, kind):
    user = make_user(kind)
    if user:
        client.force_login(user)
    response = client.get(reverse("www:accounts:login"))
    if user is None:
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "<title>Se connecter — Cordée</title>" in html
        assert '<label class="fr-label" for="id_username">' in html
        assert "Mot de passe oublié ?" in html
    else:
        # Already signed in: straight to the dashboard.
        assert response.status_code == 302
        assert response["Location"] == reverse("www:dashboard:index")


@pytest.mark.parametrize(
    "view_name",
    ["password_reset", "password_reset_done", "password_reset_complete"],
)
@pytest.mark.parametrize("kind", USER_KINDS)
def test_password_reset_pages_are_public(client, kind, view_name):
    user = make_user(kind)
    if user:
        client.force_login(user)
    response = client.get(reverse(f"www:accounts:{view_name}"))
    assert response.status_code == 200


@pytest.mark.parametrize("kind", USER_KINDS)
def test_logout(client, kind):
    user = make_user(kind)
    if user:
        client.force_login(user)
    url = reverse("www:accounts:logout")
    assert client.get(url).status_code == 405  # a link cannot sign someone out
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("www:home")
    assert SESSION_KEY not in client.session


def test_login_with_email_in_any_case(client):
    user = UserFactory(email="camille@exemple.fr")
    response = client.post(
        reverse("www:accounts:login"), {"username": "Camille@Exemple.FR", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("www:dashboard:index")
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.parametrize(
    "data",
    [
        {"username": "camille@exemple.fr", "password": "mauvais"},
        {"username": "personne@exemple.fr", "password": DEFAULT_PASSWORD},
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_login_refused_with_clear_message(client, data):
    UserFactory(email="camille@exemple.fr")
    response = client.post(reverse("www:accounts:login"), data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert SESSION_KEY not in client.session


def test_login_field_errors_are_linked(client):
    response = client.post(reverse("www:accounts:login"), {"username": "", "password": ""})
    html = unescape(response.content.decode())
    assert 'aria-describedby="id_username_helptext id_username-errors"' in html
    assert 'id="id_username-errors"' in html
    assert 'aria-invalid="true"' in html


def test_inactive_user_cannot_login(client):
    UserFactory(email="ancien@exemple.fr", inactive=True)
    response = client.post(
        reverse("www:accounts:login"), {"username": "ancien@exemple.fr", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_private_page_redirects_to_login_and_back(client):
    UserFactory(email="camille@exemple.fr")
    target = reverse("www:structures:list")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('www:accounts:login')}?next={target}"
    response = client.post(
        response["Location"], {"username": "camille@exemple.fr", "password": DEFAULT_PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_password_reset_flow(client):
    user = UserFactory(email="camille@exemple.fr")
    response = client.post(reverse("www:accounts:password_reset"), {"email": "camille@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Choisir un nouveau mot de passe pour Cordée"
    assert "valable 24 heures" in message.body
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Choisir un nouveau mot de passe" in unescape(response.content.decode())
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once only.
    response = client.get(link, follow=True)
    assert "Ce lien ne fonctionne plus" in unescape(response.content.decode())


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("www:accounts:password_reset"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_mismatch(client):
    UserFactory(email="camille@exemple.fr")
    client.post(reverse("www:accounts:password_reset"), {"email": "camille@exemple.fr"})
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert 'id="id_new_password2-errors"' in response.content.decode()
