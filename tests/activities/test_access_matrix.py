"""Access matrix of every activities URL (pages and API), GET and POST, for every kind of user.

The kinds of tests/user_kinds.py are taken relative to the structure of the activity: its médiateur ("member") wrote
it, its gestionnaire may change it. Another structure's gestionnaire, coordinators and national admins never see it
(404); coordinators open the entry pages for their own activities (animation, événement, partenariat); a national
admin who records nothing does not. A refused POST changes nothing (activities and the journal).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.activities.models import Activity
from cordee.journal.models import Entry
from cordee.users.tokens import create_api_token
from tests.activities.factories import ActivityFactory
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.user_kinds import USER_KINDS, expect, login_as

pytestmark = pytest.mark.django_db

OK = "ok"  # the action is done (201 from the API, 302 from a page) and the database changed

#                                      anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "www:activities:index": expect(302, 200, 200, 200, 200, 200, 404),  # each sees their own list
    "www:activities:create": expect(302, 200, 200, 200, 200, 200, 404),
    "www:activities:edit": expect(302, 200, 200, 404, 404, 404, 404),
    "www:activities:delete": expect(302, 200, 200, 404, 404, 404, 404),
    "api:activities": expect(401, 200, 200, 200, 200, 200, 200),  # each sees only their own list
}

POST_EXPECTATIONS = {
    # Another structure's form does not offer this structure; a coordinator's offers only their own kinds.
    "www:activities:create": expect(302, OK, OK, 400, 400, 400, 404),
    "www:activities:edit": expect(302, OK, OK, 404, 404, 404, 404),
    "www:activities:delete": expect(302, OK, OK, 404, 404, 404, 404),
    "api:activities": expect(401, OK, OK, 404, 404, 404, 403),
}

LISTS = ["www:activities:index", "api:activities"]


@pytest.fixture
def activity():
    structure = StructureFactory()
    author = MembershipFactory(structure=structure).user
    MembershipFactory(structure=structure, gestionnaire=True)
    place = PlaceFactory(structure=structure)
    return ActivityFactory(structure=structure, mediator=author, place=place, title="Atelier repère 4812")


def url_of(name, activity):
    kwargs = {"pk": activity.pk} if name in ("www:activities:edit", "www:activities:delete") else {}
    return reverse(name, kwargs=kwargs)


def signed_in_as(client, kind, activity, name):
    user = login_as(client, kind, activity.structure)
    if user is not None and name.startswith("api"):
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user)[1]}"
    return user


def database_state():
    return {
        "activities": list(Activity.objects.order_by("pk").values_list("pk", "duration_minutes")),
        "journal": Entry.objects.count(),
    }


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, activity, name, kind):
    signed_in_as(client, kind, activity, name)

    response = client.get(url_of(name, activity))

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))
    if name in LISTS and response.status_code == 200:
        content = response.content.decode()
        visible = kind in ("member", "gestionnaire")
        if name.startswith("api"):
            assert (response.json()["count"] == 1) is visible
        elif kind == "member":
            assert "Atelier repère 4812" not in content or visible


def post_data(name, activity):
    if name == "api:activities":
        return {
            "structure_id": activity.structure_id,
            "kind": "individual",
            "date": timezone.localdate().isoformat(),
            "duration_minutes": 45,
            "location_kind": "place",
            "place_id": activity.place_id,
            "themes": ["email"],
        }, "json"
    if name == "www:activities:delete":
        return {}, None
    return {
        "structure": activity.structure_id,
        "kind": "individual",
        "date": timezone.localdate().isoformat(),
        "location_kind": "place",
        "place": activity.place_id,
        "duration": "45",
        "themes": ["email"],
    }, None


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, activity, name, kind):
    data, content_type = post_data(name, activity)
    signed_in_as(client, kind, activity, name)
    before = database_state()

    if content_type == "json":
        response = client.post(url_of(name, activity), data, content_type="application/json")
    else:
        response = client.post(url_of(name, activity), data)

    expected = POST_EXPECTATIONS[name][kind]
    if expected != OK:
        assert response.status_code == expected, response.content[:500]
        if expected == 302:
            assert response["Location"].startswith(reverse("www:accounts:login"))
        assert database_state() == before
        return
    assert response.status_code == (201 if name.startswith("api") else 302), response.content[:2000]
    assert database_state() != before
