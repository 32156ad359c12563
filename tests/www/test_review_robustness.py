"""Ids beyond the database's integers (SQLite: 2**63 - 1) and malformed keys sent in forms and bodies, and a NUL
character in an address: a French 400 or 404, never a 500 (found by a robustness review)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.users.tokens import create_api_token
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
HUGE = 2**64


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def team():
    structure = StructureFactory()
    return structure, MembershipFactory(structure=structure).user, PlaceFactory(structure=structure)


def workshop(place, **extra):
    return {
        "kind": "workshop",
        "title": "Atelier",
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 30,
        "location_kind": "place",
        "place_id": place.pk,
        "themes": ["email"],
        "participants": 3,
        **extra,
    }


def test_activity_api_with_a_participant_beyond_the_database(team):
    _structure, mediator, place = team
    api = APIClient()
    api.force_authenticate(mediator)
    response = api.post(reverse("api:activities"), workshop(place, participant_ids=[HUGE]), format="json")
    assert response.status_code == 400
    assert "participant_ids" in response.json()["errors"]


def test_activity_form_with_a_followed_person_beyond_the_database(team):
    structure, mediator, place = team
    response = signed_in(mediator).post(
        reverse("www:activities:create"),
        {
            "structure": structure.pk,
            "kind": "workshop",
            "title": "Atelier",
            "date": timezone.localdate().isoformat(),
            "duration": "30",
            "location_kind": "place",
            "place": place.pk,
            "themes": ["email"],
            "participants": "3",
            "followed": str(HUGE),
        },
    )
    assert response.status_code == 400


def test_merge_with_a_record_beyond_the_database():
    membership = MembershipFactory()
    person = BeneficiaryFactory(structure=membership.structure)
    response = signed_in(membership.user).post(
        reverse("www:beneficiaries:merge"), {"kept": person.pk, "members": [person.pk, str(HUGE)]}
    )
    assert response.status_code in (302, 404)


def test_declared_criteria_beyond_the_database():
    membership = MembershipFactory(gestionnaire=True)
    place = PlaceFactory(structure=membership.structure)
    response = signed_in(membership.user).post(
        reverse("www:places_manage:criteria_declare", args=[place.pk]), {"criteria": [str(HUGE)]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("version", ["abc", "", "²"])
def test_referentiel_save_with_a_malformed_draft(version):
    response = signed_in(UserFactory(national_admin=True)).post(
        reverse("www:diagnostics:referentiel"), {"action": "save", "version": version}
    )
    assert response.status_code in (302, 404)


def test_activity_api_does_not_tell_whether_another_structures_referral_exists(team):
    """An unknown referral number and another structure's referral get the same answer: a mediator cannot list
    the referral numbers of Cordée."""
    _structure, mediator, place = team
    elsewhere = ReferralFactory()
    api = APIClient()
    api.force_authenticate(mediator)

    def answer(referral_id):
        body = workshop(place, kind="individual", title="", referral_id=referral_id)
        body.pop("participants")
        response = api.post(reverse("api:activities"), body, format="json")
        return response.status_code, response.json()["errors"]["referral_id"]

    assert answer(elsewhere.pk) == answer(elsewhere.pk + 1000)


# A NUL character in an address: PostgreSQL cannot compare text holding one, so it is refused before any view.


def test_public_self_diagnostic_code_with_a_nul():
    response = Client(raise_request_exception=False).get("/diagnostic/resultat/AB%00CDE/")
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_territory_statistics_with_a_nul():
    client = Client(raise_request_exception=False)
    client.force_login(CoordinatorScopeFactory().user)
    assert client.get("/statistiques/territoire/departement:2%003/").status_code == 400


def test_statistics_api_territory_with_a_nul():
    token = create_api_token(MembershipFactory().user)[1]
    response = Client(raise_request_exception=False).get(
        reverse("api:stats-activities"), {"territory": "departement:2\x003"}, HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"territory": "territory ne doit pas contenir le caractère nul"}
