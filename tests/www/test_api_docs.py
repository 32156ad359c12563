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


def test_descriptions_are_rendered_from_markdown(client):
    html = client.get(reverse("api-docs")).content.decode()

    assert "<code>lat</code>" in html  # `lat` in a description
    assert "`lat`" not in html
    assert "<p>Accès public" in html  # paragraphs, not one block with <br>


def test_markdown_in_descriptions_cannot_inject_html():
    from cordee.www.api_docs.schema import markdown

    assert markdown("<script>alert(1)</script> `x`") == "<p>&lt;script&gt;alert(1)&lt;/script&gt; <code>x</code></p>\n"


def test_export_content_types_are_shown(client):
    html = client.get(reverse("api-docs")).content.decode()
    assert "text/csv" in html and "application/geo+json" in html


def test_schema_is_json_in_utf8_with_an_ascii_file_name(client):
    response = client.get(reverse("api:schema"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="cordee-api-v1.json"'
    assert response.json()["info"]["title"] == "API Cordée"
    yaml = client.get(reverse("api:schema"), {"format": "yaml"})
    assert yaml["Content-Type"] == "application/yaml; charset=utf-8"
    assert yaml["Content-Disposition"] == 'inline; filename="cordee-api-v1.yaml"'


def test_schema_says_writes_take_json_only_and_documents_statuses(client):
    schema = client.get(reverse("api:schema")).json()
    create = schema["paths"]["/api/v1/places/"]["post"]
    update = schema["paths"]["/api/v1/places/{id}/"]["patch"]

    for operation in (create, update):
        assert list(operation["requestBody"]["content"]) == ["application/json"]
        assert {"400", "401", "403", "415", "429"} <= set(operation["responses"])
    assert "Idempotency-Key" in {parameter["name"] for parameter in create["parameters"]}
    search = schema["paths"]["/api/v1/places/"]["get"]
    page = next(parameter for parameter in search["parameters"] if parameter["name"] == "page")
    assert page["schema"]["minimum"] == 1
    size = next(parameter for parameter in search["parameters"] if parameter["name"] == "page_size")
    assert (size["schema"]["minimum"], size["schema"]["maximum"]) == (1, 100)
    export = schema["paths"]["/api/v1/places/export.geojson"]["get"]
    assert list(export["responses"]["200"]["content"]) == ["application/geo+json"]
