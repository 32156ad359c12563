"""Error pages: French DSFR pages with what happened, why and a way back; JSON under /api/; no English."""

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape

from cordee.core.errors import NotAllowed
from cordee.www.errors import views
from tests.structures.factories import StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

# Texts of Django's own error pages and CSRF page: none may reach a person.
ENGLISH = re.compile(
    r"Not Found|Forbidden|Server Error|Bad Request|CSRF verification|Too Many Requests|"
    r"requested resource|was not found on this server|Page not found",
    re.IGNORECASE,
)


def _request(path):
    """A request as the middlewares leave it: an anonymous user and the page's CSP nonce."""
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.csp_nonce = "nonce-de-test"
    return request


def _assert_french_error_page(response, status, title):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert f"<h1>{title}</h1>" in html
    assert f"Erreur {status}" in html
    assert "Pourquoi ?" in html
    assert f'href="{reverse("www:home")}">Retour à l\'accueil</a>' in html
    assert not ENGLISH.search(html), ENGLISH.search(html).group(0)
    return html


@pytest.mark.parametrize("signed_in", [False, True])
def test_unknown_page_is_a_french_404(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get("/cette-page-n-existe-pas/")
    _assert_french_error_page(response, 404, "Page introuvable")


def test_missing_object_404_does_not_show_django_english_message(client):
    # get_object_or_404 raises Http404("No Place matches the given query."): never shown.
    response = client.get(reverse("www:places:detail", args=[999999]))
    html = _assert_french_error_page(response, 404, "Page introuvable")
    assert "matches the given query" not in html


def test_403_page_offers_to_sign_in_to_an_anonymous_visitor():
    request = _request("/gestion/lieux/1/modifier/")
    response = views.permission_denied(request)
    html = _assert_french_error_page(response, 403, "Accès refusé")
    assert "Se connecter" in html
    assert "next=/gestion/lieux/1/modifier/" in html


def test_403_from_a_view_is_the_french_page(client):
    """A signed-in person on a page of a structure they do not belong to."""
    client.force_login(UserFactory())
    response = client.get(reverse("www:structures:edit", args=[StructureFactory().pk]))
    html = _assert_french_error_page(response, 403, "Accès refusé")
    assert "Vous n&#x27;avez pas accès à cette structure." in html
    assert "Se connecter" not in html


def test_403_shows_the_french_message_of_a_domain_error():
    request = _request("/x/")
    response = views.permission_denied(request, NotAllowed("Seul le gestionnaire peut retirer un membre."))
    assert "Seul le gestionnaire peut retirer un membre." in response.content.decode()


def test_500_renders_without_database_or_session():
    request = RequestFactory().get("/lieux/")
    # No user, no session on the request: the page must not need them.
    response = views.server_error(request)
    html = _assert_french_error_page(response, 500, "Erreur inattendue")
    assert "Se connecter" in html  # the header shows the anonymous links, without reading any session


def test_500_from_a_broken_view_is_the_french_page(settings):
    settings.ROOT_URLCONF = "tests.www.broken_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/panne/")
    _assert_french_error_page(response, 500, "Erreur inattendue")


def test_400_page():
    request = _request("/")
    _assert_french_error_page(views.bad_request(request), 400, "Demande incorrecte")


def test_429_page():
    request = _request("/compte/connexion/")
    _assert_french_error_page(views.too_many_requests(request), 429, "Trop de demandes")


def test_refused_form_csrf_is_explained_in_french():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("www:accounts:login"), {"username": "a@exemple.fr", "password": "x"})
    html = _assert_french_error_page(response, 400, "Le formulaire a expiré")
    assert "Revenir au formulaire et recommencer" in html
    assert f'href="{reverse("www:accounts:login")}"' in html  # no Referer: the form's own address, opened anew


def test_refused_form_offers_to_go_back_to_the_page_it_came_from_on_this_site_only():
    client = Client(enforce_csrf_checks=True)
    url = reverse("www:accounts:login")
    back = "http://testserver/compte/connexion/?next=/tableau-de-bord/"
    html = client.post(url, {"username": "a@exemple.fr"}, HTTP_REFERER=back).content.decode()
    assert 'href="http://testserver/compte/connexion/?next=/tableau-de-bord/"' in html
    html = client.post(
        url, {"username": "a@exemple.fr"}, HTTP_REFERER="https://ailleurs.example/piege"
    ).content.decode()
    assert "ailleurs.example" not in html


@pytest.mark.parametrize(
    ("status", "reason"), [(400, "bad_request"), (403, "not_allowed"), (404, "not_found"), (500, "server_error")]
)
def test_api_paths_get_the_json_envelope(status, reason):
    request = RequestFactory().get("/api/v1/nulle-part/")
    handler = {
        400: views.bad_request,
        403: views.permission_denied,
        404: views.page_not_found,
        500: views.server_error,
    }[status]
    response = handler(request) if status == 500 else handler(request, None)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["reason"] == reason
    assert body["detail"]
    assert not ENGLISH.search(body["detail"])


def test_unknown_api_url_is_json(client):
    response = client.get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["reason"] == "not_found"


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    assert "/static/" in response["Location"]


@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        ("invalid", 400, "Demande incorrecte"),
        ("not_allowed", 403, "Accès refusé"),
        ("not_found", 404, "Page introuvable"),
        ("conflict", 409, "Action impossible pour le moment"),
        ("refused", 422, "Demande refusée"),
    ],
)
def test_domain_error_from_a_view_is_its_french_page_with_its_message(settings, kind, status, title):
    from tests.www.broken_urls import ERRORS

    settings.ROOT_URLCONF = "tests.www.broken_urls"
    response = Client(raise_request_exception=False).get(f"/erreur-metier/{kind}/")
    html = _assert_french_error_page(response, status, title)
    assert escape(ERRORS[kind].message) in html


def test_domain_error_under_the_api_is_the_json_envelope(settings):
    settings.ROOT_URLCONF = "tests.www.broken_urls"
    response = Client(raise_request_exception=False).get("/api/v1/erreur-metier/refused/")
    assert response.status_code == 422
    assert json.loads(response.content) == {
        "detail": "Vous ne pouvez pas approuver votre propre demande.",
        "reason": "four_eyes",
    }
