import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cordee.journal.models import Entry
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("www:accounts:api_token")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("www:accounts:login"))
    assert client.post(URL).status_code == 302
    assert not Token.objects.exists()


def test_create_show_once_then_regenerate_and_revoke(client):
    user = MembershipFactory(gestionnaire=True).user
    client.force_login(user)

    assert "Vous n'avez pas encore de jeton" in client.get(URL).content.decode()

    first = client.post(URL, {"action": "regenerate"})
    key = Token.objects.get(user=user).key
    assert key in first.content.decode()
    assert key not in client.get(URL).content.decode()

    client.post(URL, {"action": "regenerate"})
    new_key = Token.objects.get(user=user).key
    assert new_key != key

    client.post(URL, {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    assert list(Entry.objects.filter(actor=user).order_by("pk").values_list("action", flat=True)) == [
        "api_token.create",
        "api_token.regenerate",
        "api_token.revoke",
    ]


def test_token_authenticates_api_requests(client):
    user = MembershipFactory().user
    client.force_login(user)
    client.post(URL, {"action": "regenerate"})
    key = Token.objects.get(user=user).key
    client.logout()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(reverse("api:territories-communes"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user
