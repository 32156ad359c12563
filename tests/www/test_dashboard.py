from html import unescape

import pytest
from django.urls import reverse

from cordee.territories.enums import TerritoryKind
from cordee.www.dashboard.roles import Role, user_roles
from tests.snapshots import sql_queries
from tests.structures.factories import (
    CoordinatorScopeFactory,
    MembershipFactory,
    StructureFactory,
    TeamMembershipFactory,
)
from tests.territories.factories import CommuneFactory
from tests.user_kinds import make_user

DASHBOARD_URL = "/tableau-de-bord/"

# Heading of each role's section on the dashboard.
SECTION_TITLES = {
    "member": "Mes accompagnements",
    "conseiller_numerique": "Mes accompagnements",
    "aiguilleur": "Orienter une personne",
    "gestionnaire": "Les structures que je gère",
    "coordinator_in_scope": "Mes territoires",
    "national_admin": "Administration nationale",
}


def test_dashboard_url_is_stable():
    assert reverse("www:dashboard:index") == DASHBOARD_URL


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('www:accounts:login')}?next={DASHBOARD_URL}"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SECTION_TITLES))
def test_each_role_sees_its_own_section_only(client, kind):
    client.force_login(make_user(kind))
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert SECTION_TITLES[kind] in html
    for other_kind, title in SECTION_TITLES.items():
        if title != SECTION_TITLES[kind]:
            assert title not in html, other_kind
    assert "Vous n'avez pas encore de rôle" not in html


@pytest.mark.django_db
def test_user_without_role_is_told_how_to_get_one(client):
    client.force_login(make_user("no_role"))
    html = unescape(client.get(DASHBOARD_URL).content.decode())
    assert "Vous n'avez pas encore de rôle" in html
    for title in SECTION_TITLES.values():
        assert title not in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["aiguilleur", "national_admin"])
def test_placeholder_sections_say_they_are_in_preparation(client, kind):
    client.force_login(make_user(kind))
    html = client.get(DASHBOARD_URL).content.decode()
    assert "En préparation" in html
    assert "pas encore utilisable" in html


@pytest.mark.django_db
def test_the_mediateur_section_leads_to_the_activity_reports(client):
    client.force_login(make_user("member"))
    html = client.get(DASHBOARD_URL).content.decode()
    assert 'href="/activites/nouvelle/"' in html
    assert 'href="/activites/"' in html


@pytest.mark.django_db
def test_mediateur_and_conseiller_numerique_get_one_section_listing_both_structures(client):
    membership = MembershipFactory(structure=StructureFactory(name="Médiathèque de Guéret"))
    MembershipFactory(
        user=membership.user, conseiller_numerique=True, structure=StructureFactory(name="France Services Bourganeuf")
    )
    client.force_login(membership.user)
    html = unescape(client.get(DASHBOARD_URL).content.decode())
    assert html.count('<h2 id="section-accompagnements">') == 1
    assert "Médiathèque de Guéret" in html
    assert "France Services Bourganeuf" in html


@pytest.mark.django_db
def test_inactive_membership_gives_no_role(client):
    membership = MembershipFactory(gestionnaire=True, is_active=False)
    assert user_roles(membership.user) == set()
    client.force_login(membership.user)
    html = unescape(client.get(DASHBOARD_URL).content.decode())
    assert SECTION_TITLES["gestionnaire"] not in html


@pytest.mark.django_db
def test_gestionnaire_sees_their_structures(client):
    membership = MembershipFactory(gestionnaire=True, structure=StructureFactory(name="Espace Cyber Creuse"))
    MembershipFactory(gestionnaire=True, structure=StructureFactory(name="Structure d'un autre"))
    client.force_login(membership.user)
    html = unescape(client.get(DASHBOARD_URL).content.decode())
    assert "Espace Cyber Creuse" in html
    assert f'href="{reverse("www:structures:detail", args=[membership.structure.pk])}"' in html
    assert f'href="{reverse("www:structures:list")}"' in html
    assert "Structure d'un autre" not in html


@pytest.mark.django_db
def test_coordinator_sees_territories_with_population(client, sql_snapshot):
    CommuneFactory()  # Guéret, 12 804 inhabitants, in Creuse (23)
    CommuneFactory(code_insee="23008", name="Aubusson", population=3300, postal_codes="23200")
    CommuneFactory(lille=True)
    scope = CoordinatorScopeFactory(territory_kind=TerritoryKind.DEPARTEMENT, territory_code="23")
    CoordinatorScopeFactory(user=scope.user, territory_kind=TerritoryKind.COMMUNE, territory_code="59350")
    CoordinatorScopeFactory(user=scope.user, territory_kind=TerritoryKind.REGION, territory_code="32")
    client.force_login(scope.user)
    with sql_queries() as queries:
        response = client.get(DASHBOARD_URL)
    assert queries == sql_snapshot  # one query per kind of territory, not per territory
    html = unescape(response.content.decode())
    assert "Creuse" in html
    assert "16\u00a0104 habitants" in html  # 12 804 + 3 300
    assert "Lille" in html
    assert "Hauts-de-France" in html
    assert html.count("236\u00a0710 habitants") == 2  # the commune, and its région with only it loaded


@pytest.mark.django_db
def test_coordinator_of_an_unknown_territory_still_gets_a_page(client):
    scope = CoordinatorScopeFactory(territory_kind=TerritoryKind.EPCI, territory_code="999999999")
    client.force_login(scope.user)
    html = unescape(client.get(DASHBOARD_URL).content.decode())
    assert "Territoire inconnu" in html
    assert "Non connue" in html


@pytest.mark.django_db
def test_roles_of_a_user_with_several_hats():
    membership = MembershipFactory(aiguilleur=True)
    CoordinatorScopeFactory(user=membership.user)
    membership.user.is_national_admin = True
    membership.user.save()
    assert user_roles(membership.user) == {Role.AIGUILLEUR, Role.COORDINATOR, Role.NATIONAL_ADMIN}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,url_names",
    [
        ("gestionnaire", ["www:places_manage:report_queue"]),
        (
            "coordinator_in_scope",
            ["www:places_manage:territory", "www:places_manage:qualification_queue", "www:places_manage:report_queue"],
        ),
        ("national_admin", ["www:places_manage:criterion_list", "www:places_manage:qualification_queue"]),
    ],
)
def test_sections_link_to_the_places_management_pages(client, kind, url_names):
    client.force_login(make_user(kind))
    html = client.get(DASHBOARD_URL).content.decode()
    for name in url_names:
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("www:accounts:api_token")}"' in html


@pytest.mark.django_db
def test_gestionnaire_reaches_the_places_of_each_structure(client):
    membership = MembershipFactory(gestionnaire=True)
    client.force_login(membership.user)
    html = client.get(DASHBOARD_URL).content.decode()
    assert f'href="{reverse("www:places_manage:structure_places", args=[membership.structure.pk])}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "has_statistics"),
    [
        ("member", True),
        ("conseiller_numerique", True),
        ("gestionnaire", True),
        ("coordinator_in_scope", True),
        ("national_admin", True),
        ("aiguilleur", False),
        ("no_role", False),
    ],
)
def test_roles_with_a_statistics_page_get_a_clear_link_to_it(client, kind, has_statistics):
    client.force_login(make_user(kind))
    html = client.get(DASHBOARD_URL).content.decode()
    assert (">Voir les statistiques</a>" in html) == has_statistics
    assert ('href="/statistiques/"' in html) == has_statistics
    assert ('href="/equipe/"' in html) == (kind == "coordinator_in_scope")


@pytest.mark.django_db
def test_a_mediator_is_told_of_team_invitations_waiting(client):
    invitation = TeamMembershipFactory(invited=True)
    client.force_login(invitation.mediator)
    html = client.get(DASHBOARD_URL).content.decode()
    assert 'href="/equipe/invitations/"' in html
    assert "(1 invitation en attente)" in html
