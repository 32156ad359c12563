import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.places.enums import Service
from cordee.referrals.models import Referral, ReferralTransition
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, outsider, place_member
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:referrals")
SUGGESTIONS_URL = reverse("api:referrals-suggestions")


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def transitions_url(referral):
    return reverse("api:referral-transitions", kwargs={"pk": referral.pk})


@pytest.fixture
def aiguilleur():
    return MembershipFactory(aiguilleur=True)


def payload(place, **extra):
    return {"place_id": place.pk, "services": [Service.AIDE_DEMARCHES.value], **extra}


def test_send_a_referral_with_consent(aiguilleur):
    place = PlaceFactory(structure=StructureFactory())
    beneficiary = BeneficiaryFactory(structure=aiguilleur.structure)
    body = payload(
        place,
        beneficiary_id=beneficiary.pk,
        contact_preference="phone",
        contact={"phone": "+33612345678"},
        consent=True,
        message="Besoin d'aide pour la CAF.",
    )
    response = client_for(aiguilleur.user).post(LIST_URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "sent" and data["number"].startswith("ORI-")
    assert data["person"]["alias"] == beneficiary.alias
    referral = Referral.objects.get()
    assert referral.consent_at is not None and referral.prescriber == aiguilleur.user


@pytest.mark.parametrize(
    "extra",
    [
        {"contact": {"phone": "+33612345678"}},
        {"contact": {"email": "personne@exemple.fr"}, "consent": False},
        {"beneficiary": True},
    ],
)
def test_contact_details_or_a_person_without_consent_are_refused_and_nothing_is_stored(aiguilleur, extra):
    place = PlaceFactory()
    if extra.pop("beneficiary", False):
        extra["beneficiary_id"] = BeneficiaryFactory(structure=aiguilleur.structure).pk
    response = client_for(aiguilleur.user).post(LIST_URL, payload(place, **extra), format="json")
    assert response.status_code == 400
    assert response.json()["reason"] == "consent_required"
    assert "consentement" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_unknown_place_or_service_is_a_400(aiguilleur):
    client = client_for(aiguilleur.user)
    response = client.post(LIST_URL, {"place_id": 999999, "services": [Service.AIDE_DEMARCHES.value]}, format="json")
    assert response.status_code == 400 and response.json()["reason"] == "unknown_place"
    response = client.post(LIST_URL, payload(PlaceFactory(), services=["Cuisine"]), format="json")
    assert response.status_code == 400 and response.json()["reason"] == "unknown_service"
    assert not Referral.objects.exists()


def test_someone_without_a_structure_cannot_refer():
    from tests.users.factories import UserFactory

    response = client_for(UserFactory()).post(LIST_URL, payload(PlaceFactory()), format="json")
    assert response.status_code == 403
    assert client_for().post(LIST_URL, payload(PlaceFactory()), format="json").status_code in (401, 403)


def test_lists_mine_and_my_inbox():
    referral = ReferralFactory()
    ReferralFactory()
    prescriber, member = referral.prescriber, place_member(referral)
    sent = client_for(prescriber).get(LIST_URL, {"box": "sent"}).json()
    assert [item["id"] for item in sent["results"]] == [referral.pk]
    inbox = client_for(member).get(LIST_URL, {"box": "inbox"}).json()
    assert [item["id"] for item in inbox["results"]] == [referral.pk]
    assert client_for(outsider()).get(LIST_URL).json()["results"] == []


@pytest.mark.parametrize(
    ("who", "status", "sees_person"),
    [("prescriber", 200, True), ("place", 200, False), ("outsider", 404, None), ("coordinator", 404, None)],
)
def test_detail_permission_matrix_before_acceptance(who, status, sees_person):
    referral = ReferralFactory(beneficiary=None)
    user = {
        "prescriber": lambda: referral.prescriber,
        "place": lambda: place_member(referral),
        "outsider": outsider,
        "coordinator": lambda: CoordinatorScopeFactory().user,
    }[who]()
    response = client_for(user).get(reverse("api:referral", kwargs={"pk": referral.pk}))
    assert response.status_code == status
    if status == 200:
        assert ("person" in response.json()) is sees_person


def test_an_accepted_referral_lets_the_place_read_the_persons_alias_and_diagnostic():
    referral = ReferralFactory(accepted=True)
    referral.beneficiary = BeneficiaryFactory(structure=referral.prescriber_structure)
    referral.save()
    body = client_for(place_member(referral)).get(reverse("api:referral", kwargs={"pk": referral.pk})).json()
    assert body["person"]["alias"] == referral.beneficiary.alias
    assert "refusal_reasons" not in body


def test_transitions_through_the_api():
    referral = ReferralFactory()
    member = place_member(referral)
    client = client_for(member)
    response = client.post(transitions_url(referral), {"to": "in_review"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "in_review"
    response = client.post(transitions_url(referral), {"to": "accepted"}, format="json")
    assert response.json()["state"] == "accepted"
    when = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = client.post(transitions_url(referral), {"to": "appointment_set", "appointment_at": when}, format="json")
    assert response.json()["state"] == "appointment_set" and response.json()["appointment_at"]
    response = client.post(transitions_url(referral), {"to": "closed", "outcome": "accompanied"}, format="json")
    assert response.json()["state"] == "closed"
    assert ReferralTransition.objects.filter(referral=referral).count() == 4


def test_refusal_through_the_api_needs_known_reasons_and_a_note():
    referral = ReferralFactory()
    client = client_for(place_member(referral))
    response = client.post(
        transitions_url(referral), {"to": "refused", "reasons": ["nope"], "note": "x"}, format="json"
    )
    assert response.status_code == 400 and response.json()["reason"] == "unknown_reason"
    response = client.post(transitions_url(referral), {"to": "refused", "reasons": ["full"]}, format="json")
    assert response.status_code == 400 and response.json()["reason"] == "reason_required"
    response = client.post(
        transitions_url(referral), {"to": "refused", "reasons": ["full"], "note": "Complet."}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "refused"


def test_an_impossible_transition_is_a_409_with_allowed():
    referral = ReferralFactory()
    response = client_for(place_member(referral)).post(transitions_url(referral), {"to": "closed"}, format="json")
    assert response.status_code == 409
    assert set(response.json()["allowed"]) == {"review", "accept", "refuse"}
    response = client_for(place_member(referral)).post(transitions_url(referral), {"to": "bogus"}, format="json")
    assert response.status_code == 400


def test_an_unrelated_structure_gets_404_on_transitions_and_the_prescriber_403_on_the_places_steps():
    referral = ReferralFactory()
    assert client_for(outsider()).post(transitions_url(referral), {"to": "accepted"}, format="json").status_code == 404
    response = client_for(referral.prescriber).post(transitions_url(referral), {"to": "accepted"}, format="json")
    assert response.status_code == 403


def test_reorient_through_the_api():
    second = PlaceFactory()
    referral = ReferralFactory(refused=True, next_place_ids=[second.pk])
    response = client_for(referral.prescriber).post(transitions_url(referral), {"to": "closed"}, format="json")
    assert response.status_code == 200
    created = Referral.objects.get(pk=response.json()["created_referral_id"])
    assert created.place == second and created.previous == referral


def test_suggestions_are_ranked_and_explained(aiguilleur):
    structure = StructureFactory()
    MembershipFactory(structure=structure, gestionnaire=True)
    best = PlaceFactory(structure=structure, qualified=True, with_hours=True, pass_numerique=True)
    other = PlaceFactory(services=[Service.LOISIRS_CREATIONS.value, Service.AIDE_DEMARCHES.value])
    PlaceFactory(services=[Service.LOISIRS_CREATIONS.value])  # offers none of the needs
    answered = ReferralFactory(place=best)
    Referral.objects.filter(pk=answered.pk).update(answered_at=answered.created_at + dt.timedelta(hours=20))
    params = {
        "services": [Service.AIDE_DEMARCHES.value, Service.OUTILS_QUOTIDIEN.value],
        "lat": best.latitude,
        "lon": best.longitude,
        "open_on": "2026-06-01",
        "part_of_day": "morning",
        "pass_numerique": "true",
    }
    response = client_for(aiguilleur.user).get(SUGGESTIONS_URL, params)
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [item["place_id"] for item in results] == [best.pk, other.pk]
    reasons = results[0]["reasons"]
    assert reasons[0].startswith("À 0,0 km")
    assert "Propose 2 besoin(s) sur 2" in reasons[1]
    assert "Ouvert le lundi 1er juin le matin" in reasons
    assert "Lieu qualifié" in reasons and "Accepte le Pass numérique" in reasons
    assert "Répond sur Cordée (le lieu a un compte)" in reasons
    assert "Répond en général en 1 jour ou moins" in reasons
    assert results[0]["response_delay"] == "1"


def test_suggestions_reject_bad_parameters(aiguilleur):
    response = client_for(aiguilleur.user).get(
        SUGGESTIONS_URL, {"lat": "nord", "lon": "2", "open_on": "demain", "part_of_day": "soir", "services": "x"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lat", "open_on", "part_of_day", "services"}


def test_messages_through_the_api():
    referral = ReferralFactory()
    url = reverse("api:referral-messages", kwargs={"pk": referral.pk})
    response = client_for(place_member(referral)).post(url, {"body": "Quand est-elle libre ?"}, format="json")
    assert response.status_code == 201 and response.json()["from_place"] is True
    response = client_for(referral.prescriber).post(url, {"body": "Le mardi."}, format="json")
    assert response.status_code == 201 and response.json()["from_place"] is False
    assert [item["body"] for item in client_for(referral.prescriber).get(url).json()] == [
        "Quand est-elle libre ?",
        "Le mardi.",
    ]
    assert client_for(outsider()).post(url, {"body": "Bonjour"}, format="json").status_code == 404
    assert client_for(referral.prescriber).post(url, {"body": ""}, format="json").status_code == 400
