"""Access matrix of the public pages and of each person's own pages, GET and POST, for every kind of user.

Public pages answer everyone alike (``login_not_required``); a person's own pages (dashboard, API token) answer every
signed-in person and send the others to the login page. The places management and structures pages have their own
matrices (test_places_manage*.py, test_structures.py).
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from cordee.structures.models import Membership
from cordee.users.models import ApiToken
from cordee.users.tokens import create_api_token
from cordee.www.home.placeholders import PLACEHOLDERS
from cordee.www.roles import ACTING_STRUCTURE_SESSION_KEY
from tests.places.factories import PlaceFactory
from tests.structures.factories import InvitationFactory, MembershipFactory, StructureFactory
from tests.user_kinds import USER_KINDS, expect, login_as
from tests.users.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

EVERYONE = expect(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = expect(302, 200, 200, 200, 200, 200, 200)

#                                             anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "www:home": EVERYONE,
    "www:coming_soon": EVERYONE,
    "www:places:search": EVERYONE,
    "www:places:detail": EVERYONE,
    "www:place_reports:create": EVERYONE,
    "www:place_reports:thanks": EVERYONE,
    "www:accounts:login": expect(200, 302, 302, 302, 302, 302, 302),  # signed in: straight to the dashboard
    "www:accounts:password_reset": EVERYONE,
    "www:accounts:password_reset_done": EVERYONE,
    "www:accounts:password_reset_confirm": EVERYONE,  # an unknown link says so, in a page
    "www:accounts:password_reset_complete": EVERYONE,
    "www:accounts:api_token": SIGNED_IN,
    "www:accounts:profile": SIGNED_IN,
    "www:accounts:password_change": SIGNED_IN,
    "www:dashboard:index": SIGNED_IN,
    "www:legal:legal_notice": EVERYONE,
    "www:legal:personal_data": EVERYONE,
    "www:legal:accessibility": EVERYONE,
    "www:departement_outlines": EVERYONE,
    # No base map is installed in the tests (tests/www/test_maps.py installs one): the same 404 for everyone.
    "www:base_map_tiles": expect(404, 404, 404, 404, 404, 404, 404),
    "favicon": expect(302, 302, 302, 302, 302, 302, 302),  # to the design system's icon
    "api-docs": EVERYONE,
    "api:schema": EVERYONE,
    "api:territories-communes": EVERYONE,
    "api:places": EVERYONE,
    "api:place": EVERYONE,
    "api:places-export-csv": EVERYONE,
    "api:places-export-json": EVERYONE,
    "api:places-export-geojson": EVERYONE,
}

POST_EXPECTATIONS = {
    "www:accounts:login": expect(200, 302, 302, 302, 302, 302, 302),  # a wrong password is said on the form
    "www:accounts:logout": expect(302, 302, 302, 302, 302, 302, 302),
    "www:accounts:password_reset": expect(302, 302, 302, 302, 302, 302, 302),
    "www:accounts:password_reset_confirm": EVERYONE,
    "www:accounts:api_token": expect(302, 200, 200, 200, 200, 200, 200),  # the new key is shown once
    "www:accounts:profile": expect(302, 302, 302, 302, 302, 302, 302),  # saved, back to the page
    "www:accounts:password_change": expect(302, 302, 302, 302, 302, 302, 302),  # changed, back to « Mon compte »
    "www:structures:invitation_accept": expect(302, 403, 403, 403, 403, 403, 403),  # not their address
    "www:structures:acting_switch": expect(302, 302, 302, 302, 302, 302, 302),  # only to one's own structure
}


@pytest.fixture
def place():
    structure = StructureFactory(name="Espace numérique de Guéret")
    MembershipFactory(structure=structure, gestionnaire=True)
    MembershipFactory(structure=structure)
    return PlaceFactory(structure=structure, name="Médiathèque de Guéret", with_hours=True)


def url_of(name, place):
    kwargs = {
        "www:coming_soon": {"slug": sorted(PLACEHOLDERS)[0]},
        "www:places:detail": {"pk": place.pk},
        "www:place_reports:create": {"pk": place.pk},
        "www:place_reports:thanks": {"pk": place.pk},
        "www:accounts:password_reset_confirm": {"uidb64": "MA", "token": "lien-perime"},
        "api:place": {"pk": place.pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def signed_in_as(client, kind, place, name):
    user = login_as(client, kind, place.structure)
    if user is not None and name.startswith("api"):
        # The API authenticates with tokens; a session alone does not sign a person in there.
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user)[1]}"
    return user


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, place, name, kind):
    signed_in_as(client, kind, place, name)

    response = client.get(url_of(name, place))

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if name == "favicon":
        assert response["Location"].endswith("/favicon.ico")
    elif response.status_code == 302:
        expected = reverse("www:dashboard:index") if kind != "anonymous" else reverse("www:accounts:login")
        assert response["Location"].startswith(expected)


def post_data(name, place):
    if name == "www:accounts:login":
        return url_of(name, place), {"username": "personne@exemple.fr", "password": "pas-le-bon"}
    if name == "www:accounts:password_reset":
        return url_of(name, place), {"email": "personne@exemple.fr"}
    if name == "www:accounts:password_reset_confirm":
        return url_of(name, place), {"new_password1": "une-cordee-solide", "new_password2": "une-cordee-solide"}
    if name == "www:accounts:profile":
        return url_of(name, place), {"first_name": "Nina", "last_name": "Laval"}
    if name == "www:accounts:password_change":
        new = "une-cordee-solide-2026"
        return url_of(name, place), {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new}
    if name == "www:structures:acting_switch":
        return url_of(name, place), {"structure": place.structure_id}
    if name == "www:structures:invitation_accept":
        from cordee.structures.services import invitation_token

        invitation = InvitationFactory(structure=place.structure, email="nouvelle@exemple.fr")
        url = reverse(name, kwargs={"token": invitation_token(invitation)})
        password = "une-cordee-solide-2025"
        return url, {"first_name": "Nina", "last_name": "Laval", "password1": password, "password2": password}
    if name == "www:accounts:api_token":
        return url_of(name, place), {"name": "Logiciel de la structure"}
    return url_of(name, place), {}


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, place, name, kind):
    cache.clear()
    url, data = post_data(name, place)
    user = signed_in_as(client, kind, place, name)
    memberships = Membership.objects.count()

    response = client.post(url, data)

    assert response.status_code == POST_EXPECTATIONS[name][kind]
    if name == "www:accounts:logout":
        assert SESSION_KEY not in client.session
    if name == "www:accounts:api_token" and user is not None:
        assert ApiToken.objects.filter(user=user).exists()
    if name == "www:structures:invitation_accept":
        assert Membership.objects.count() == memberships + (1 if kind == "anonymous" else 0)
    if name == "www:accounts:profile" and user is not None:
        user.refresh_from_db()
        assert (user.first_name, user.last_name) == ("Nina", "Laval")
    if name == "www:accounts:password_change":
        if user is None:
            assert response["Location"].startswith(reverse("www:accounts:login"))
        else:
            user.refresh_from_db()
            assert user.check_password("une-cordee-solide-2026")
            assert response["Location"] == reverse("www:accounts:profile")
    if name == "www:structures:acting_switch":
        member = kind in ("member", "gestionnaire")
        assert (client.session.get(ACTING_STRUCTURE_SESSION_KEY) == place.structure_id) is member
    if kind == "anonymous" and name in ("www:accounts:profile", "www:structures:acting_switch"):
        assert response["Location"].startswith(reverse("www:accounts:login"))
    if kind == "anonymous" and name == "www:accounts:api_token":
        assert response["Location"].startswith(reverse("www:accounts:login"))
