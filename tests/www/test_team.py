"""The team pages (``/equipe/``): the coordinator's team and the invitations a mediator received.

Rows of the access matrices are relative to a structure of Guéret whose médiateur (kind ``member``) is invited
into, or a member of, the team of the coordinator of the Creuse (kind ``coordinator_in_scope``); the
coordinator of the Nord has a team of their own, without that mediator.
"""

import datetime

import pytest
from django.urls import reverse

from cordee.structures.enums import TeamMemberState
from cordee.structures.models import TeamMembership
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, TeamMembershipFactory
from tests.user_kinds import USER_KINDS, expect, login_as

pytestmark = pytest.mark.django_db

#                                        anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "www:team:mine": expect(302, 403, 403, 403, 200, 200, 403),  # coordinators only
    "www:team:invitations": expect(302, 200, 200, 200, 200, 200, 200),  # each their own
    "www:team:remove": expect(302, 403, 403, 403, 200, 404, 403),  # the team's coordinator
}
POST_EXPECTATIONS = {
    "www:team:mine": expect(302, 403, 403, 403, 302, 302, 403),  # invite by e-mail
    "www:team:invite_person": expect(302, 403, 403, 403, 302, 302, 403),
    "www:team:remove": expect(302, 403, 403, 403, 302, 404, 403),
    "www:team:withdraw": expect(302, 403, 403, 403, 302, 404, 403),
    "www:team:accept": expect(302, 302, 404, 404, 404, 404, 404),  # the invited mediator
    "www:team:decline": expect(302, 302, 404, 404, 404, 404, 404),
    "www:team:leave": expect(302, 302, 404, 404, 404, 404, 404),
}
# After a successful POST, the state of the row the URL acts on.
STATES_AFTER = {
    "www:team:remove": TeamMemberState.REMOVED,
    "www:team:withdraw": TeamMemberState.WITHDRAWN,
    "www:team:accept": TeamMemberState.ACCEPTED,
    "www:team:decline": TeamMemberState.DECLINED,
    "www:team:leave": TeamMemberState.REMOVED,
}


@pytest.fixture
def mediator_membership():
    return MembershipFactory()


def setting(client, kind, mediator_membership, name):
    """Sign in as ``kind``; return the URL and the row it acts on (led by the coordinator of the Creuse)."""
    user = login_as(client, kind, mediator_membership.structure)
    coordinator = user if kind == "coordinator_in_scope" else CoordinatorScopeFactory().user
    mediator = mediator_membership.user
    row = None
    if name in ("www:team:withdraw", "www:team:accept", "www:team:decline"):
        row = TeamMembershipFactory(coordinator=coordinator, mediator=mediator, invited=True)
    elif name in ("www:team:remove", "www:team:leave"):
        row = TeamMembershipFactory(coordinator=coordinator, mediator=mediator)
    if row is not None:
        return reverse(name, args=[row.pk]), row
    if name == "www:team:invite_person":
        return reverse(name, args=[mediator.pk]), None
    return reverse(name), None


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, mediator_membership, name, kind):
    url, _row = setting(client, kind, mediator_membership, name)

    response = client.get(url)

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, mediator_membership, name, kind):
    url, row = setting(client, kind, mediator_membership, name)
    before = TeamMembership.objects.count()

    response = client.post(url, {"email": mediator_membership.user.email})

    expected = POST_EXPECTATIONS[name][kind]
    assert response.status_code == expected
    done = expected == 302 and kind != "anonymous"
    if row is not None:
        row.refresh_from_db()
        assert (row.state == STATES_AFTER[name]) == done
    else:
        assert TeamMembership.objects.count() == before + done
    if kind == "anonymous":
        assert response["Location"].startswith(reverse("www:accounts:login"))


def test_the_journey_invite_accept_see_remove(client):
    coordinator = CoordinatorScopeFactory().user
    mediator = MembershipFactory().user
    client.force_login(coordinator)
    page = client.get(reverse("www:team:mine")).content.decode()
    assert "Aucun membre pour l'instant." in page

    response = client.post(reverse("www:team:mine"), {"email": mediator.email}, follow=True)
    assert "est invité" in response.content.decode()
    assert "Invitations en attente" in response.content.decode()

    client.force_login(mediator)
    page = client.get(reverse("www:team:invitations")).content.decode()
    assert f"<strong>{coordinator}</strong> vous invite dans son équipe" in page
    row = TeamMembership.objects.get()
    response = client.post(reverse("www:team:accept", args=[row.pk]), follow=True)
    assert f"Vous faites partie de l&#x27;équipe de {coordinator}" in response.content.decode()

    client.force_login(coordinator)
    page = client.get(reverse("www:team:mine")).content.decode()
    assert reverse("www:team:remove", args=[row.pk]) in page
    assert client.get(reverse("www:team:remove", args=[row.pk])).status_code == 200
    client.post(reverse("www:team:remove", args=[row.pk]))
    row.refresh_from_db()
    assert (row.state, row.member_until) == (TeamMemberState.REMOVED, datetime.date.today())
    page = client.get(reverse("www:team:mine")).content.decode()
    assert "Anciens membres" in page


def test_invitation_refused_shows_the_reason(client):
    client.force_login(CoordinatorScopeFactory().user)

    response = client.post(reverse("www:team:mine"), {"email": "personne@exemple.fr"})

    assert response.status_code == 400
    assert "Aucun compte Cordée n&#x27;a cette adresse" in response.content.decode()


def test_answering_twice_says_so(client):
    row = TeamMembershipFactory(invited=True)
    client.force_login(row.mediator)
    client.post(reverse("www:team:decline", args=[row.pk]))

    response = client.post(reverse("www:team:accept", args=[row.pk]), follow=True)

    assert "Cette invitation n&#x27;attend plus de réponse" in response.content.decode()
    row.refresh_from_db()
    assert row.state == TeamMemberState.DECLINED


def test_structure_page_offers_coordinators_to_invite_its_mediators(client):
    membership = MembershipFactory()
    gestionnaire = MembershipFactory(structure=membership.structure, gestionnaire=True)
    client.force_login(CoordinatorScopeFactory().user)
    page = client.get(reverse("www:structures:detail", args=[membership.structure_id])).content.decode()
    assert reverse("www:team:invite_person", args=[membership.user_id]) in page
    assert reverse("www:team:invite_person", args=[gestionnaire.user_id]) not in page  # not a mediator
