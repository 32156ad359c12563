import pytest
from django.urls import reverse

from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("logged_in", [False, True])
def test_api_docs_page_is_public_and_lists_operations(client, logged_in):
    if logged_in:
        client.force_login(MembershipFactory().user)
    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Documentation de l'API" in html
    assert "GET /api/v1/territories/communes/" in html
    assert "Publique" in html
    assert reverse("api:schema") in html


def test_openapi_schema_is_public(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert b"/api/v1/territories/communes/" in response.content
