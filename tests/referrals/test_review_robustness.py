"""Odd input a referral's pages and API must survive (found by a robustness review)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cordee.places.enums import Service
from cordee.referrals import constraints as referral_constraints
from cordee.referrals import links
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, place_member
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


def _send(constraints):
    prescriber = MembershipFactory(aiguilleur=True).user
    place = PlaceFactory(structure=StructureFactory(), with_contacts=True)
    api = APIClient()
    api.force_authenticate(prescriber)
    response = api.post(
        reverse("api:referrals"),
        {"place_id": place.pk, "services": [Service.values[0]], "constraints": constraints},
        format="json",
    )
    return place, response


@pytest.mark.parametrize(
    "constraints", [{"items": "abc"}, {"items": 5}, {"availability": 3}, {"max_distance_km": "10"}]
)
def test_unknown_or_malformed_constraints_are_refused_by_name(constraints):
    """A key « items » used to shadow dict.items in the template: the receiving place could not open the referral."""
    _place, response = _send(constraints)
    assert response.status_code == 400
    assert response.json()["reason"] == "invalid_constraints"
    assert "constraints" in response.json()["errors"]
    assert not Referral.objects.exists()


def test_the_place_reads_the_constraints_in_french():
    place, response = _send({"availability": "le mardi matin", "max_distance_km": 10, "holds_pass_numerique": True})
    assert response.status_code == 201, response.json()
    referral = Referral.objects.get(pk=response.json()["id"])
    client = Client()
    client.force_login(MembershipFactory(structure=place.structure).user)
    page = client.get(reverse("www:referrals:detail", args=[referral.pk])).content.decode()
    assert "Disponibilités : le mardi matin" in page
    assert "Distance maximale : 10 km" in page
    assert "A des Pass numérique : oui" in page
    assert "availability" not in page
    links.issue(referral)
    referral.refresh_from_db()
    link_page = Client().get(reverse("www:referrals:link", args=[links.current_token(referral)]))
    assert link_page.status_code == 200


def test_the_form_and_the_table_agree():
    assert referral_constraints.clean({"language": "  arabe ", "accessibility": "", "max_distance_km": None}) == {
        "language": "arabe"
    }


@pytest.mark.parametrize("lieu", ["abc", "²", "1.5", str(2**64)])
def test_create_page_with_a_place_that_is_not_a_number(lieu):
    client = Client(raise_request_exception=False)
    client.force_login(MembershipFactory(aiguilleur=True).user)
    response = client.get(reverse("www:referrals:create"), {"lieu": lieu})
    assert response.status_code == 302  # back to the search of a place


def test_an_appointment_in_year_one_is_refused_with_a_message():
    """0001-01-01T00:00 in Paris is still year 0 in UTC (Paris was UTC+0:09 then): no database can hold it."""
    referral = ReferralFactory(state=ReferralState.ACCEPTED)
    client = Client(raise_request_exception=False)
    client.force_login(place_member(referral))
    response = client.post(
        reverse("www:referrals:detail", args=[referral.pk]),
        {"transition": "set_appointment", "set_appointment-appointment_at": "0001-01-01T00:00"},
        follow=True,
    )
    assert response.status_code == 200
    assert "entre l&#x27;an 2000 et l&#x27;an 2100" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and referral.appointment_at is None


def test_an_appointment_in_year_one_over_the_api_is_a_400():
    referral = ReferralFactory(state=ReferralState.ACCEPTED)
    api = APIClient()
    api.force_authenticate(place_member(referral))
    response = api.post(
        reverse("api:referral-transitions", args=[referral.pk]),
        {"to": ReferralState.APPOINTMENT_SET, "appointment_at": "0001-01-01T00:00:00+00:00"},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["reason"] == "appointment_out_of_range"
