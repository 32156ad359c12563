"""« Mon compte »: name, e-mail, structures and roles; change of name; links to the password and the API token."""

import pytest
from django.urls import reverse

from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.territories.factories import DepartementFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("www:accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("www:accounts:login"))


def test_shows_name_email_structures_and_roles(client):
    membership = MembershipFactory(
        gestionnaire=True, user__first_name="Awa", user__last_name="Diallo", structure__name="Médiathèque de Guéret"
    )
    MembershipFactory(user=membership.user, structure__name="Ancienne structure", inactive=True)
    client.force_login(membership.user)
    html = client.get(reverse("www:accounts:profile")).content.decode()
    assert "<h1>Mon compte</h1>" in html
    assert "Awa Diallo" in html
    assert membership.user.email in html
    assert "Médiathèque de Guéret" in html
    assert "Gestionnaire de structure" in html
    assert "Ancienne structure" not in html
    assert reverse("www:accounts:api_token") in html
    assert "mot de passe" in html


def test_coordinator_and_national_admin_see_their_roles(client):
    DepartementFactory(code="59", name="Nord")
    scope = CoordinatorScopeFactory(nord=True)
    client.force_login(scope.user)
    html = client.get(reverse("www:accounts:profile")).content.decode()
    assert "Coordinateur territorial de" in html
    assert "Nord (59)" in html
    client.force_login(UserFactory(national_admin=True))
    html = client.get(reverse("www:accounts:profile")).content.decode()
    assert "Administrateur national" in html


def test_a_person_without_structure_is_told_how_to_join_one(client):
    client.force_login(UserFactory())
    html = client.get(reverse("www:accounts:profile")).content.decode()
    assert "Vous n'êtes membre d'aucune structure" in html


def test_changes_the_name(client):
    user = UserFactory(first_name="Awa", last_name="Diallo")
    client.force_login(user)
    response = client.post(reverse("www:accounts:profile"), {"first_name": "Aminata", "last_name": "Diallo-Sy"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Aminata", "Diallo-Sy")
    html = client.get(reverse("www:accounts:profile")).content.decode()
    assert "Votre nom est enregistré." in html


def test_an_empty_name_is_refused_with_the_error_summary(client):
    user = UserFactory(first_name="Awa", last_name="Diallo")
    client.force_login(user)
    response = client.post(reverse("www:accounts:profile"), {"first_name": "", "last_name": "Diallo"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le formulaire contient des erreurs" in html
    assert "<title>Erreur — Mon compte" in html
    user.refresh_from_db()
    assert user.first_name == "Awa"


def test_header_links_to_the_account(client):
    client.force_login(UserFactory())
    html = client.get(reverse("www:home")).content.decode()
    assert f'href="{reverse("www:accounts:profile")}"' in html
