"""Legal and trust pages: public, real content, linked from the footer, operator's values from the settings."""

import pytest
from django.urls import reverse

from cordee.www.legal import content
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("www:legal:legal_notice", "Mentions légales", ["Éditeur du site", "Hébergement", "Licence Ouverte 2.0"]),
    (
        "www:legal:personal_data",
        "Données personnelles",
        ["Vos droits", "CNIL", "Combien de temps ?", "Les signalements d&#x27;erreur", "adresse électronique"],
    ),
    (
        "www:legal:accessibility",
        "Déclaration d'accessibilité",
        ["<strong>non conforme</strong>", "axe", "Défenseur des droits", "Voies de recours", "RGAA"],
    ),
]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(("url_name", "title", "texts"), PAGES)
def test_legal_pages_are_public_and_complete(client, url_name, title, texts, signed_in):
    if signed_in:
        client.force_login(MembershipFactory().user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    for text in texts:
        assert text in html
    assert "Bientôt disponible" not in html
    assert "en préparation" not in html


@pytest.mark.parametrize(
    ("path", "url_name"),
    [
        ("/mentions-legales/", "www:legal:legal_notice"),
        ("/donnees-personnelles/", "www:legal:personal_data"),
        ("/accessibilite/", "www:legal:accessibility"),
    ],
)
def test_legal_pages_have_their_usual_addresses_and_footer_links(client, path, url_name):
    assert reverse(url_name) == path
    html = client.get(reverse("www:home")).content.decode()
    assert f'href="{path}"' in html


def test_defaults_are_shown_and_said_to_be_defaults(client, settings):
    settings.LEGAL_PUBLISHER = ""
    settings.LEGAL_HOST = ""
    settings.LEGAL_CONTACT_EMAIL = ""
    html = client.get(reverse("www:legal:legal_notice")).content.decode()
    assert "Agence nationale de la cohésion territoriale" in html
    assert "valeurs par défaut" in html
    assert "éditeur, hébergeur, contact" in html


def test_operator_settings_replace_the_defaults(client, settings):
    settings.LEGAL_PUBLISHER = "Région Exemple, 1 rue de la Paix, 00000 Exemple"
    settings.LEGAL_HOST = "Hébergeur Exemple SAS, 2 rue du Serveur, 00000 Exemple"
    settings.LEGAL_CONTACT_EMAIL = "contact@region-exemple.fr"
    for url_name in ("www:legal:legal_notice", "www:legal:personal_data", "www:legal:accessibility"):
        html = client.get(reverse(url_name)).content.decode()
        assert "valeurs par défaut" not in html
        assert "contact@region-exemple.fr" in html
    html = client.get(reverse("www:legal:legal_notice")).content.decode()
    assert "Région Exemple, 1 rue de la Paix" in html
    assert "Hébergeur Exemple SAS" in html


def test_each_processing_answers_what_why_how_long_and_who(client):
    html = client.get(reverse("www:legal:personal_data")).content.decode()
    for processing in content.PROCESSINGS:
        assert processing.data and processing.why and processing.how_long and processing.recipients
        assert f'id="{processing.slug}"' in html
        assert f'href="#{processing.slug}"' in html
    slugs = [processing.slug for processing in content.PROCESSINGS]
    assert len(slugs) == len(set(slugs))
    assert {"comptes", "signalements", "journal"} <= set(slugs)
