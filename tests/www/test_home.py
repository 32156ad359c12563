import re
from html import unescape

import pytest
from django.urls import reverse

from cordee.www.home.entries import chain_entries
from cordee.www.home.placeholders import PLACEHOLDERS
from tests.users.factories import UserFactory

CHAIN_ENTRY_POINTS = [
    "Trouver un lieu",
    "Faire un diagnostic",
    "Orienter une personne",
    "Pass numérique",
    "Rendre compte de son activité",
    "Piloter son territoire",
]
ROLES = [
    "Vous cherchez de l'aide",
    "Aiguilleur",
    "Médiateur ou conseiller numérique",
    "Gestionnaire de structure",
    "Coordinateur territorial",
    "Administrateur national",
]


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonyme", "connecte"])
def test_home_is_public_and_shows_the_chain(client, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    response = client.get(reverse("www:home"))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for step in ["Repérer", "Diagnostiquer", "Orienter", "Accompagner, former", "Mesurer"]:
        assert step in html
    for label in CHAIN_ENTRY_POINTS + ROLES:
        assert label in html
    for entry in chain_entries():
        assert f'href="{entry.url}"' in html


@pytest.mark.django_db
def test_entry_points_lead_to_the_real_page_or_say_it_is_coming(client):
    entries = chain_entries()
    placeholders = [entry for entry in entries if entry.is_placeholder]
    for entry in placeholders:
        assert entry.url.startswith("/bientot/")
    for entry in entries:
        if not entry.is_placeholder:
            assert not entry.url.startswith("/bientot/")
    html = client.get(reverse("www:home")).content.decode()
    tiles = re.findall(r'<div class="fr-tile fr-enlarge-link">.*?</div>\s*</div>\s*</div>', html, re.S)
    assert len(tiles) == len(entries)
    for tile, entry in zip(tiles, entries, strict=True):
        assert ("Bientôt disponible" in tile) is entry.is_placeholder, entry.title


@pytest.mark.django_db
def test_header_offers_login_to_anonymous_and_post_logout_to_users(client):
    html = client.get(reverse("www:home")).content.decode()
    assert "Se connecter" in html
    assert "Se déconnecter" not in html

    client.force_login(UserFactory())
    html = client.get(reverse("www:home")).content.decode()
    assert "Mon tableau de bord" in html
    logout_form = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken"', html
    )
    assert logout_form is not None
    assert logout_form.group(1) == reverse("www:accounts:logout")


@pytest.mark.django_db
def test_layout_has_skiplinks_footer_and_compliance_status(client):
    html = client.get(reverse("www:home")).content.decode()
    for target in ['href="#contenu"', 'href="#navigation"', 'href="#pied-de-page"']:
        assert target in html
    assert 'id="contenu"' in html
    assert 'id="navigation"' in html
    assert 'id="pied-de-page"' in html
    assert "Accessibilité : non conforme" in html
    assert "Mentions légales" in html
    assert "Données personnelles" in html
    assert f'href="{reverse("api-docs")}"' in html
    assert '<html lang="fr"' in html
    assert " style=" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(PLACEHOLDERS))
def test_coming_soon_pages_are_public_and_say_so(client, slug):
    response = client.get(reverse("www:coming_soon", kwargs={"slug": slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bientôt disponible" in html
    assert "en préparation" in html
    assert PLACEHOLDERS[slug].title in html


@pytest.mark.django_db
def test_unknown_coming_soon_page_is_not_found(client):
    response = client.get(reverse("www:coming_soon", kwargs={"slug": "nimporte-quoi"}))
    assert response.status_code == 404


@pytest.mark.django_db
def test_messages_are_shown_as_dsfr_alerts(client):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(None)
    storage.add(messages.SUCCESS, "Vos changements sont enregistrés.")
    encoded = storage._encode(list(storage._queued_messages))
    client.cookies[CookieStorage.cookie_name] = encoded
    html = client.get(reverse("www:home")).content.decode()
    assert 'class="fr-alert fr-alert--success fr-alert--sm fr-mb-1w"' in html
    assert "Vos changements sont enregistrés." in html


@pytest.mark.django_db
def test_csp_header_has_a_nonce_matching_every_script(client):
    response = client.get(reverse("www:home"))
    header = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", header)
    assert match is not None, header
    nonce = match.group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag
    assert "style-src 'self'" in header
