"""The statistics pages, exports and API answer odd filters with a French 400 or 404, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from cordee.users.tokens import create_api_token
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
HUGE = str(2**64)


@pytest.fixture
def gestionnaire():
    activity = ActivityFactory()
    return MembershipFactory(structure=activity.structure, gestionnaire=True).user


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["mediator", "place", "tag", "structure"])
def test_my_statistics_with_an_id_beyond_the_database(gestionnaire, name):
    response = signed_in(gestionnaire).get(reverse("www:dashboards:mine"), {name: HUGE})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "period", [("9999-12-01", "9999-12-31"), ("9999-11-15", "9999-12-20"), ("0001-01-01", "0001-01-31")]
)
def test_structure_statistics_at_the_ends_of_the_calendar(gestionnaire, period):
    structure_id = gestionnaire.memberships.get().structure_id
    response = signed_in(gestionnaire).get(
        reverse("www:dashboards:structure", args=[structure_id]), {"from": period[0], "to": period[1]}
    )
    assert response.status_code == 400
    assert "entre le 01/01/2000 et le 31/12/2100" in response.content.decode()


@pytest.mark.parametrize(
    "extra", [{"from": "9999-12-01", "to": "9999-12-31"}, {"mediator": HUGE}, {"structure": HUGE}]
)
def test_statistics_api_with_extreme_filters(extra):
    token = create_api_token(UserFactory(national_admin=True))[1]
    client = Client(raise_request_exception=False)
    response = client.get(
        reverse("api:stats-activities"), {"territory": "france", **extra}, HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400
    assert response.json()["reason"] == "bad_filters"


@pytest.mark.parametrize("view", ["structure:abc", "mediator:²", "team:", "structure:1.5", f"structure:{HUGE}"])
def test_export_of_a_malformed_view(gestionnaire, view):
    response = signed_in(gestionnaire).post(
        reverse("www:dashboards:export"), {"vue": view, "what": "activities", "format": "csv"}
    )
    assert response.status_code == 404
