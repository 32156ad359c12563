"""Access matrix of every statistics URL (pages, exports, share link, API), GET and POST, for every kind of user.

The kinds of tests/user_kinds.py are taken relative to a structure of Guéret (Creuse): its gestionnaire sees the
structure's statistics, the coordinator of the Creuse sees the département's, the national admin everything,
and everybody signed in sees their own activities. An export task is seen only by the person who asked for it.
The share link is public while its author (here the coordinator of the Creuse) may still see the territory.
"""

import pytest
from django.urls import reverse

from cordee.dashboards import exports, share
from cordee.dashboards.models import DashboardExport
from cordee.dashboards.scope import territory_scope
from cordee.users.tokens import create_api_token
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, TeamMembershipFactory
from tests.user_kinds import USER_KINDS, expect, login_as

pytestmark = pytest.mark.django_db

#                                             anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "www:dashboards:index": expect(302, 200, 200, 200, 200, 200, 200),
    "www:dashboards:mine": expect(302, 200, 200, 200, 200, 200, 200),  # each their own activities
    "www:dashboards:structure": expect(302, 403, 200, 403, 403, 403, 200),
    "www:dashboards:territory": expect(302, 403, 403, 403, 200, 403, 200),
    # Another coordinator's team (each coordinator sees their own: tests/dashboards/test_pages.py).
    "www:dashboards:team": expect(302, 403, 403, 403, 403, 403, 200),
    "www:dashboards:export_task": expect(302, 404, 200, 404, 404, 404, 404),  # the gestionnaire's export
    "www:dashboards:export_file": expect(302, 404, 200, 404, 404, 404, 404),
    "www:dashboards:shared": expect(200, 200, 200, 200, 200, 200, 200),  # public with a valid token
    "api:stats-activities": expect(401, 403, 403, 403, 200, 403, 200),
}
POST_EXPECTATIONS = {
    # Export of the structure's activities: a file for whoever may see the structure.
    "www:dashboards:export": expect(302, 403, 200, 403, 403, 403, 200),
}


@pytest.fixture
def activity():
    activity = ActivityFactory()
    MembershipFactory(structure=activity.structure, gestionnaire=True)
    return activity


def url_of(name, activity):
    structure = activity.structure
    if name == "www:dashboards:structure":
        return reverse(name, args=[structure.pk])
    if name == "www:dashboards:team":
        return reverse(name, args=[TeamMembershipFactory(mediator=activity.mediator).coordinator_id])
    if name == "www:dashboards:territory":
        return reverse(name, args=["departement:23"])
    if name in ("www:dashboards:export_task", "www:dashboards:export_file"):
        gestionnaire = structure.memberships.get(role="gestionnaire").user
        task = DashboardExport.objects.create(
            requested_by=gestionnaire, scope_ref=f"structure:{structure.pk}", what="activities", file_format="csv"
        )
        exports.run(task)
        return reverse(name, args=[task.pk])
    if name == "www:dashboards:shared":
        author = CoordinatorScopeFactory().user
        return reverse(name, args=[share.make_token(author, territory_scope("departement:23"), "")])
    if name == "api:stats-activities":
        return reverse(name) + "?territory=departement:23&group_by=theme"
    return reverse(name)


def signed_in_as(client, kind, activity, name):
    user = login_as(client, kind, activity.structure)
    if user is not None and name.startswith("api"):
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user)[1]}"
    return user


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, activity, name, kind):
    url = url_of(name, activity)
    signed_in_as(client, kind, activity, name)

    response = client.get(url)

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, activity, name, kind):
    signed_in_as(client, kind, activity, name)
    data = {"vue": f"structure:{activity.structure_id}", "what": "activities", "format": "csv", "query": ""}

    response = client.post(reverse(name), data)

    assert response.status_code == POST_EXPECTATIONS[name][kind]
    assert DashboardExport.objects.count() == 0  # small: answered at once
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith('attachment; filename="cordee-activities-structure-')
        assert str(activity.pk) in response.content.decode()
