import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cordee.diagnostics.models import Diagnostic
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, answers, ensure_referentiel
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("api:diagnostics")
REFERENTIEL_URL = reverse("api:diagnostics-referentiel")


@pytest.fixture(autouse=True)
def _referentiel(db):
    ensure_referentiel()


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_scoring_stores_nothing():
    response = client_for().post(CREATE_URL, {"answers": answers()}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] is None
    assert body["profile"] == "autonome"
    assert body["version"] == "2026-1"
    assert set(body["levels"]) == {"information", "communication", "contenus", "securite", "appareils", "demarches"}
    assert not Diagnostic.objects.exists()


def test_store_false_stores_nothing_even_for_a_member():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = BeneficiaryFactory(structure=membership.structure)
    payload = {"answers": answers(), "beneficiary_id": beneficiary.pk, "store": False}
    response = client_for(membership.user).post(CREATE_URL, payload, format="json")
    assert response.status_code == 200
    assert response.json()["id"] is None
    assert not Diagnostic.objects.exists()


def test_a_member_stores_a_diagnostic_of_a_person_of_their_structure():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = BeneficiaryFactory(structure=membership.structure)
    payload = {"answers": answers(frein_urgence="oui"), "beneficiary_id": beneficiary.pk}
    response = client_for(membership.user).post(CREATE_URL, payload, format="json")
    assert response.status_code == 201
    body = response.json()
    diagnostic = Diagnostic.objects.get()
    assert body["id"] == diagnostic.pk
    assert body["profile"] == "a_aider"
    assert body["help_now"] is True
    assert "Aide aux démarches administratives" in body["recommended_services"]
    assert diagnostic.structure == membership.structure


def test_storing_needs_a_person():
    membership = MembershipFactory()
    response = client_for(membership.user).post(CREATE_URL, {"answers": answers()}, format="json")
    assert response.status_code == 400
    assert "beneficiary_id" in response.json()["errors"]


def test_a_person_of_another_structure_is_not_found():
    membership = MembershipFactory()
    other = BeneficiaryFactory()
    payload = {"answers": answers(), "beneficiary_id": other.pk}
    response = client_for(membership.user).post(CREATE_URL, payload, format="json")
    assert response.status_code == 404
    assert not Diagnostic.objects.exists()


@pytest.mark.parametrize(
    ("changes", "bad_keys"),
    [
        ({"question_inconnue": "seul"}, {"question_inconnue"}),
        ({"secu_arnaque": "peut_etre"}, {"secu_arnaque"}),
        ({"frein_souhait": "seul"}, {"frein_souhait"}),
    ],
)
def test_unknown_question_or_answer_code_is_400_per_question(changes, bad_keys):
    response = client_for().post(CREATE_URL, {"answers": answers(**changes)}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == bad_keys


def test_missing_required_answers_are_400_per_question():
    partial = answers()
    del partial["secu_arnaque"]
    del partial["frein_urgence"]
    del partial["equipement_internet"]
    response = client_for().post(CREATE_URL, {"answers": partial}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"secu_arnaque", "frein_urgence", "equipement_internet"}


def test_optional_questions_may_be_left_out():
    response = client_for().post(CREATE_URL, {"answers": answers()}, format="json")
    assert response.status_code == 200  # frein_handicap and pass_numerique are optional


def test_unknown_version_is_400():
    response = client_for().post(CREATE_URL, {"version": "1999-1", "answers": answers()}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_answers_must_be_an_object():
    response = client_for().post(CREATE_URL, {"answers": ["seul"]}, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()["errors"]


def _detail_url(diagnostic):
    return reverse("api:diagnostic", kwargs={"pk": diagnostic.pk})


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", (401, 403)),
        ("no_role", (404,)),
        ("same_structure", (200,)),
        ("inactive_member", (404,)),
        ("other_structure", (404,)),
        ("coordinator_of_territory", (404,)),
        ("national_admin", (404,)),
    ],
)
def test_a_stored_diagnostic_is_for_its_structure_only(kind, expected):
    diagnostic = DiagnosticFactory()
    user = {
        "anonymous": lambda: None,
        "no_role": UserFactory,
        "same_structure": lambda: MembershipFactory(structure=diagnostic.structure, aiguilleur=True).user,
        "inactive_member": lambda: MembershipFactory(structure=diagnostic.structure, inactive=True).user,
        "other_structure": lambda: MembershipFactory(gestionnaire=True).user,
        "coordinator_of_territory": lambda: CoordinatorScopeFactory().user,
        "national_admin": lambda: UserFactory(national_admin=True),
    }[kind]()
    response = client_for(user).get(_detail_url(diagnostic))
    assert response.status_code in expected
    if response.status_code == 200:
        assert response.json()["answers"] == diagnostic.answers


def test_referentiel_lists_the_published_version():
    response = client_for().get(REFERENTIEL_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "2026-1"
    skills = [q for q in body["questions"] if q["kind"] == "skill"]
    assert 12 <= len(skills) <= 18
    assert all(q["answers"] == ["seul", "avec_aide", "ne_sait_pas", "pas_concerne"] for q in skills)
    assert len({q["id"] for q in body["questions"]}) == len(body["questions"])
    pix = [code for area in body["areas"] for code in area["pix"]]
    assert {"1.1", "2.1", "3.1", "4.1", "5.1", "5.2"} <= set(pix)
