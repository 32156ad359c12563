"""One error envelope, in French, for every status the API returns; bounded JSON-only bodies."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cordee.api import places as places_api
from cordee.core.errors import Conflict, NotAllowed, Refused
from cordee.places.models import Place
from cordee.users.tokens import create_api_token
from tests.structures.factories import StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

PLACES = reverse("api:places")
COMMUNES = reverse("api:territories-communes")


def admin_client():
    _token, key = create_api_token(UserFactory(national_admin=True), "Tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def post_raw(client, body: bytes, content_type="application/json", **extra):
    return client.generic("POST", PLACES, body, content_type=content_type, **extra)


def assert_envelope(response, status, reason):
    assert response.status_code == status, response.content
    assert "json" in response["Content-Type"]
    body = response.json()
    assert body["reason"] == reason
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_unknown_api_url_is_a_french_json_404_and_the_site_keeps_its_page(client):
    body = assert_envelope(client.get("/api/v1/nulle-part/"), 404, "not_found")
    assert "n'existe pas" in body["detail"]
    assert_envelope(client.get("/api/v2/places/"), 404, "not_found")
    page = client.get("/nulle-part/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_unknown_object_is_a_french_404():
    body = assert_envelope(APIClient().get(reverse("api:place", kwargs={"pk": 999999})), 404, "not_found")
    assert body == {"detail": "Introuvable, ou vous n'y avez pas accès.", "reason": "not_found"}


@pytest.mark.parametrize("url", [PLACES, COMMUNES, reverse("api:schema")])
def test_trace_is_405_for_everyone(url):
    body = assert_envelope(APIClient().generic("TRACE", url), 405, "method_not_allowed")
    assert body["detail"] == "La méthode TRACE n'est pas acceptée à cette adresse."
    assert_envelope(admin_client().generic("TRACE", url), 405, "method_not_allowed")


def test_a_method_the_endpoint_lacks_is_405_before_authentication():
    assert_envelope(APIClient().delete(PLACES), 405, "method_not_allowed")
    assert_envelope(APIClient().post(COMMUNES, {}, format="json"), 405, "method_not_allowed")


def test_without_token_401_in_french_with_the_scheme():
    response = APIClient().post(PLACES, {"nom": "Lieu"}, format="json")
    body = assert_envelope(response, 401, "not_authenticated")
    assert "Authorization: Token" in body["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_401_even_on_public_endpoints():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token cdr_nimportequoi")
    body = assert_envelope(client.get(COMMUNES), 401, "invalid_token")
    assert body["detail"].startswith("Jeton invalide ou révoqué")
    client.credentials(HTTP_AUTHORIZATION="Token a b")
    assert_envelope(client.get(COMMUNES), 401, "malformed_token_header")


def test_forbidden_is_403_envelope():
    client = APIClient()
    _token, key = create_api_token(UserFactory(), "Tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = assert_envelope(client.post(PLACES, {"nom": "Lieu"}, format="json"), 403, "not_allowed")
    assert "gestionnaires" in body["detail"]


def test_form_and_multipart_bodies_are_415():
    client = admin_client()
    assert_envelope(client.post(PLACES, {"nom": "Lieu"}), 415, "unsupported_media_type")  # multipart
    response = post_raw(client, b"nom=Lieu", content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 415, "unsupported_media_type")
    assert not Place.objects.exists()


def test_a_very_deep_json_body_is_a_400_not_a_500():
    body = b"[" * 10_000 + b"]" * 10_000
    assert_envelope(post_raw(admin_client(), body), 400, "body_too_deep")
    nested = json.dumps({"nom": "Lieu", "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})
    assert_envelope(post_raw(admin_client(), nested.encode()), 400, "body_too_deep")


def test_a_too_large_body_is_a_400_envelope(settings):
    settings.API_MAX_BODY_SIZE = 1000
    body = json.dumps({"nom": "x" * 2000}).encode()
    response = post_raw(admin_client(), body)
    assert_envelope(response, 400, "body_too_large")
    assert "1000 octets" in response.json()["detail"]


def test_malformed_json_and_nan_are_400():
    body = assert_envelope(post_raw(admin_client(), b'{"nom": '), 400, "malformed_body")
    assert body["detail"].startswith("Le corps de la requête n'est pas un JSON valide")
    assert_envelope(post_raw(admin_client(), b'{"latitude": NaN}'), 400, "malformed_body")
    assert_envelope(post_raw(admin_client(), b"\xff\xfe"), 400, "malformed_body")


def test_nul_characters_in_text_are_400_naming_the_field():
    response = admin_client().post(PLACES, {"nom": "Lieu\x00", "telephone": ["05\x00"]}, format="json")
    body = assert_envelope(response, 400, "invalid")
    assert set(body["errors"]) == {"nom", "telephone.0"}
    assert not Place.objects.exists()
    response = APIClient().get(PLACES, {"q": "a\x00b"})
    assert assert_envelope(response, 400, "invalid")["errors"]["q"] == "q ne doit pas contenir le caractère nul"


def test_page_zero_is_400_and_a_page_beyond_the_end_is_empty(db):
    for url in (PLACES, COMMUNES):
        body = assert_envelope(APIClient().get(url, {"page": "0"}), 400, "invalid")
        assert body["errors"] == {"page": "page doit être un entier supérieur ou égal à 1"}
        body = assert_envelope(APIClient().get(url, {"page_size": "101"}), 400, "invalid")
        assert body["errors"] == {"page_size": "page_size doit être un entier entre 1 et 100"}
        beyond = APIClient().get(url, {"page": "99999999999999999999"})
        assert beyond.status_code == 400
        response = APIClient().get(url, {"page": "50"})
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_throttled_is_429_with_the_wait(monkeypatch):
    from cordee.api.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)
    from django.core.cache import cache

    cache.clear()
    client = APIClient(REMOTE_ADDR="198.51.100.9")
    assert client.get(COMMUNES).status_code == 200
    response = client.get(COMMUNES)
    body = assert_envelope(response, 429, "throttled")
    assert body["retry_after"] == int(response["Retry-After"]) > 0
    assert body["detail"].startswith("Trop de requêtes en peu de temps. Réessayez dans")
    cache.clear()


@pytest.mark.parametrize(
    "error, status",
    [
        (NotAllowed("Pas pour vous.", reason="not_member"), 403),
        (Conflict("Déjà fait.", reason="already_redeemed", redeemed_at="2026-01-02T10:00:00+01:00"), 409),
        (Refused("Hors périmètre.", reason="place_not_allowed", errors={"place_id": "Lieu hors périmètre."}), 422),
    ],
)
def test_domain_errors_keep_their_status_reason_and_extra_keys(monkeypatch, error, status):
    def refuse(user, data):
        raise error

    monkeypatch.setattr(places_api.editing, "create_place", refuse)

    response = admin_client().post(PLACES, {"nom": "Lieu", "structure": StructureFactory().pk}, format="json")

    assert response.status_code == status
    assert response.json() == error.as_dict()


def test_error_envelope_keeps_field_errors_of_the_places(db):
    response = admin_client().post(PLACES, {"nom": "Lieu", "couleur": "bleu"}, format="json")
    body = assert_envelope(response, 400, "invalid")
    assert body["errors"] == {"couleur": "Champ inconnu ou non modifiable."}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("nom", False, "Un texte est attendu."),
        ("adresse", 12, "Un texte est attendu."),
        ("latitude", True, "Un nombre est attendu."),
        ("telephone", [1], "Une liste de textes est attendue."),
        ("pass_numerique", "oui", "true ou false est attendu."),
        ("structure", "1", "Un nombre entier est attendu."),
    ],
)
def test_json_types_of_the_place_fields_are_checked(db, field, value, message):
    response = admin_client().post(PLACES, {"nom": "Lieu", field: value}, format="json")
    assert assert_envelope(response, 400, "invalid")["errors"] == {field: message}
    assert not Place.objects.exists()
