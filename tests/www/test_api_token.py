from html import unescape

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cordee.journal.models import Entry
from cordee.users.models import ApiToken
from cordee.users.tokens import create_api_token
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("www:accounts:api_token")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("www:accounts:login"))
    assert client.post(URL, {"action": "create", "name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_create_named_tokens_shown_once_then_revoke_one(client):
    user = MembershipFactory(gestionnaire=True).user
    client.force_login(user)
    assert "Vous n'avez aucun jeton" in unescape(client.get(URL).content.decode())

    first = client.post(URL, {"action": "create", "name": "Logiciel A"})
    html = first.content.decode()
    key = first.context["new_key"]
    assert key in html and "Logiciel A" in html
    client.post(URL, {"action": "create", "name": "Logiciel B"})

    listing = client.get(URL).content.decode()
    assert key not in listing
    assert key[:10] in listing  # the beginning, to recognise it
    assert "Logiciel A" in listing and "Logiciel B" in listing and "jamais" in listing

    token_a = ApiToken.objects.get(name="Logiciel A")
    response = client.post(URL, {"action": "revoke", "token": token_a.pk}, follow=True)
    assert "Le jeton « Logiciel A » est supprimé" in unescape(response.content.decode())
    assert list(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == ["Logiciel B"]
    assert list(Entry.objects.filter(actor=user).order_by("pk").values_list("action", flat=True)) == [
        "api_token.create",
        "api_token.create",
        "api_token.revoke",
    ]


def test_a_name_is_required(client):
    client.force_login(UserFactory(national_admin=True))
    response = client.post(URL, {"action": "create", "name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_person_cannot_revoke_someone_elses_token(client):
    other_token, _key = create_api_token(UserFactory(national_admin=True), "Autre")
    client.force_login(UserFactory(national_admin=True))
    response = client.post(URL, {"action": "revoke", "token": other_token.pk}, follow=True)
    assert "n'existe pas" in unescape(response.content.decode())
    assert ApiToken.objects.filter(pk=other_token.pk).exists()


@pytest.mark.parametrize(
    "make_user, offered",
    [
        (lambda: UserFactory(), False),
        (lambda: MembershipFactory(aiguilleur=True).user, True),  # diagnostics and referrals through the API
        (lambda: MembershipFactory().user, True),  # a médiateur edits the hours and contacts of the places
        (lambda: MembershipFactory(gestionnaire=True).user, True),
        (lambda: CoordinatorScopeFactory().user, True),
        (lambda: UserFactory(national_admin=True), True),
    ],
)
def test_tokens_are_offered_to_the_roles_that_can_use_them(client, make_user, offered):
    user = make_user()
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert ("Créer le jeton" in html) is offered
    response = client.post(URL, {"action": "create", "name": "Essai"})
    assert response.status_code == (200 if offered else 403)
    assert ApiToken.objects.filter(user=user).exists() is offered


def test_without_the_role_a_person_may_still_revoke_an_old_token(client):
    user = UserFactory()
    token, _key = create_api_token(user, "Ancien")
    client.force_login(user)
    assert "Ancien" in client.get(URL).content.decode()
    client.post(URL, {"action": "revoke", "token": token.pk})
    assert not ApiToken.objects.exists()


def test_token_authenticates_api_requests(client):
    user = MembershipFactory(gestionnaire=True).user
    client.force_login(user)
    key = client.post(URL, {"action": "create", "name": "Essai"}).context["new_key"]
    client.logout()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(reverse("api:territories-communes"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user
