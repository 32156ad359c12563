import pytest
from django.urls import reverse

from tests.structures.factories import CoordinatorScopeFactory, InvitationFactory, MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:users_user_changelist",
        "admin:users_user_add",
        "admin:structures_structure_changelist",
        "admin:structures_membership_changelist",
        "admin:structures_coordinatorscope_changelist",
        "admin:structures_invitation_changelist",
    ],
)
def test_admin_pages_load(client, url_name):
    MembershipFactory()
    CoordinatorScopeFactory()
    InvitationFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_admin_user_change_page_shows_memberships(client):
    membership = MembershipFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:users_user_change", args=[membership.user.pk]))
    assert response.status_code == 200
    assert "Appartenances aux structures" in response.content.decode()


def test_admin_is_closed_to_non_staff(client):
    client.force_login(UserFactory(national_admin=True))
    response = client.get(reverse("admin:users_user_changelist"))
    assert response.status_code == 302
