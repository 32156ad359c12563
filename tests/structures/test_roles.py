"""A person's roles, computed once per request, and the one definition of a commune in a territory."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from cordee.core import links
from cordee.places.models import Place
from cordee.structures import perms
from cordee.structures.enums import MembershipRole
from cordee.structures.roles import ANONYMOUS, attach_roles, compute_roles, roles_of
from cordee.territories.enums import TerritoryKind
from cordee.territories.models import Commune, commune_in_territory, territory_q
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_gather_memberships_scopes_and_the_admin_flag():
    membership = MembershipFactory(gestionnaire=True)
    user = membership.user
    other = MembershipFactory(user=user, structure=StructureFactory(in_marseille=True))
    CoordinatorScopeFactory(user=user, nord=True)

    roles = compute_roles(user)

    assert roles.memberships == {membership.structure_id: "gestionnaire", other.structure_id: "mediateur"}
    assert roles.scopes == ((TerritoryKind.DEPARTEMENT, "59"),)
    assert roles.kinds == ["coordinator", "gestionnaire", "mediateur"]
    assert not roles.is_national_admin
    assert roles.has_several_structures and roles.acting_structure_id is None
    assert compute_roles(user, other.structure_id).acting_structure_id == other.structure_id
    assert compute_roles(user, 999999).acting_structure_id is None  # not theirs: no choice


def test_the_only_structure_is_the_acting_one():
    membership = MembershipFactory()
    assert compute_roles(membership.user).acting_structure_id == membership.structure_id


def test_anonymous_and_inactive_people_have_no_roles():
    assert roles_of(AnonymousUser()) is ANONYMOUS
    assert roles_of(UserFactory(inactive=True, national_admin=True)) is ANONYMOUS


def test_attached_roles_are_computed_once_for_many_questions(django_assert_num_queries):
    membership = MembershipFactory(gestionnaire=True)
    CoordinatorScopeFactory(user=membership.user)
    other = StructureFactory(in_marseille=True)
    user = attach_roles(type(membership.user).objects.get(pk=membership.user.pk))
    structure = membership.structure

    with django_assert_num_queries(2):  # memberships, scopes
        for _ in range(10):
            assert perms.can_manage_structure(user, structure)
            assert perms.is_member(user, structure, roles=[MembershipRole.GESTIONNAIRE])
            assert perms.can_view_structure(user, structure)
            assert not perms.can_view_structure(user, other)
            assert perms.is_coordinator(user)


def test_the_middleware_attaches_the_roles_with_the_session_choice(client):
    membership = MembershipFactory(gestionnaire=True)
    second = MembershipFactory(user=membership.user, gestionnaire=True)
    client.force_login(membership.user)
    session = client.session
    session["cordee_acting_structure"] = second.structure_id
    session.save()
    from cordee.www.roles import RolesMiddleware

    request = RequestFactory().get("/")
    request.user, request.session = membership.user, client.session
    seen = {}
    RolesMiddleware(lambda r: seen.setdefault("roles", r.user.roles))(request)
    assert seen["roles"].acting_structure_id == second.structure_id


# --- One definition of "this commune is in that territory" ----------------------------------------------


@pytest.mark.parametrize(
    "kind,code",
    [
        (TerritoryKind.REGION, "93"),
        (TerritoryKind.DEPARTEMENT, "13"),
        (TerritoryKind.DEPARTEMENT, "23"),
        (TerritoryKind.EPCI, "200054807"),
        (TerritoryKind.COMMUNE, "13055"),
        (TerritoryKind.COMMUNE, "13201"),
    ],
)
def test_the_sql_and_python_forms_agree(kind, code):
    communes = [CommuneFactory(), CommuneFactory(marseille=True), CommuneFactory(marseille_1er=True)]
    in_sql = set(Commune.objects.filter(territory_q(kind, code)).values_list("pk", flat=True))
    in_python = {commune.pk for commune in communes if commune_in_territory(commune, kind, code)}
    assert in_sql == in_python
    places = [PlaceFactory(commune_ref=commune) for commune in communes]
    in_places = set(Place.objects.filter(territory_q(kind, code, "commune_ref__")).values_list("pk", flat=True))
    assert in_places == {place.pk for place in places if place.commune_ref_id in in_python}


def test_an_unknown_kind_of_territory_is_an_error():
    with pytest.raises(ValueError):
        territory_q("canton", "2301")


# --- Links the domain sends ------------------------------------------------------------------------------


def test_links_are_registered_by_the_web_layer(settings):
    settings.SITE_URL = "https://cordee.example/"
    assert links.absolute_url(links.PLACE_MANAGE, pk=7) == "https://cordee.example/gestion/lieux/7/"
    with pytest.raises(LookupError):
        links.path("nothing.registered")


def test_accepting_an_invitation_refreshes_the_roles_of_the_request():
    from cordee.structures import services
    from tests.structures.factories import InvitationFactory

    invitation = InvitationFactory(email="alex@exemple.fr")
    user = attach_roles(UserFactory(email="alex@exemple.fr"))
    assert not perms.is_member(user, invitation.structure)

    services.accept_invitation(invitation, user)

    assert perms.is_member(user, invitation.structure)
