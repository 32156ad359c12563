"""POST and GET /api/v1/activities/: the error envelope, the idempotency key, the caller's list only."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.activities.models import Activity
from tests.activities.factories import ActivityFactory
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db
URL = reverse("api:activities")


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def team():
    structure = StructureFactory()
    return structure, MembershipFactory(structure=structure).user, PlaceFactory(structure=structure)


def body(place, **extra):
    return {
        "kind": "individual",
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 30,
        "location_kind": "place",
        "place_id": place.pk,
        "themes": ["email", "admin_procedures"],
        "admin_subthemes": ["housing"],
        "equipment": ["phone"],
        "autonomy": "autonomous",
        **extra,
    }


def test_record_an_activity(team):
    structure, mediator, place = team

    response = client_for(mediator).post(URL, body(place, tags=["Été"]), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["structure_id"] == structure.pk
    assert data["themes"] == ["email", "admin_procedures"]
    assert data["departement_code"] == "23"
    assert data["participants"] == 1
    assert data["tags"] == ["Été"]
    assert data["source"] == "entered"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"themes": ["cuisine"]}, "themes", "Thématique inconnue : cuisine."),
        ({"duration_minutes": -5}, "duration_minutes", "La durée doit être d'au moins 1 minute."),
        ({"date": "2999-12-31"}, "date", "La date ne peut pas être après aujourd'hui."),
        ({"kind": "workshop", "title": "A", "participants": 0}, "participants", "Il faut au moins 1 participant."),
    ],
)
def test_bad_input_is_a_400_with_the_envelope(team, extra, field, message):
    _structure, mediator, place = team

    response = client_for(mediator).post(URL, body(place, **extra), format="json")

    assert response.status_code == 400
    data = response.json()
    assert data["reason"] == "activity_invalid"
    assert data["errors"][field].startswith(message)
    assert not Activity.objects.exists()


def test_unauthenticated_is_401_and_another_structure_404(team):
    structure, _mediator, place = team
    outsider = MembershipFactory().user

    assert client_for().post(URL, body(place), format="json").status_code == 401
    response = client_for(outsider).post(URL, body(place, structure_id=structure.pk), format="json")
    assert response.status_code == 404
    assert response.json()["reason"] == "structure_not_found"


def test_an_idempotency_key_records_once(team):
    _structure, mediator, place = team
    client = client_for(mediator)

    first = client.post(URL, body(place), format="json", HTTP_IDEMPOTENCY_KEY="cra-1")
    again = client.post(URL, body(place), format="json", HTTP_IDEMPOTENCY_KEY="cra-1")
    other = client.post(URL, body(place, duration_minutes=45), format="json", HTTP_IDEMPOTENCY_KEY="cra-1")

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.json()["id"] == first.json()["id"]
    assert Activity.objects.count() == 1


def test_the_list_holds_mine_and_my_structures_only(team):
    structure, mediator, place = team
    mine = ActivityFactory(structure=structure, mediator=mediator, place=place)
    colleagues = ActivityFactory(structure=structure, place=place, kind="quick")
    ActivityFactory()  # another structure's

    everything = client_for(mediator).get(URL).json()
    only_mine = client_for(mediator).get(URL, {"mine": "true"}).json()
    quick = client_for(mediator).get(URL, {"kind": "quick"}).json()

    assert sorted(item["id"] for item in everything["results"]) == sorted([mine.pk, colleagues.pk])
    assert [item["id"] for item in only_mine["results"]] == [mine.pk]
    assert [item["id"] for item in quick["results"]] == [colleagues.pk]
    assert client_for(mediator).get(URL, {"from": "hier"}).status_code == 400
    assert client_for(mediator).get(URL, {"kind": "cours"}).status_code == 400


def test_mine_takes_true_or_false_only(team):
    _structure, mediator, _place = team

    response = client_for(mediator).get(URL, {"mine": "-58800"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"mine": "mine doit valoir true ou false."}


def test_recording_with_a_token_computes_the_roles_once(team, django_assert_max_num_queries):
    from cordee.users.tokens import create_api_token

    structure, mediator, place = team
    _, key = create_api_token(mediator)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(URL, body(place), format="json", HTTP_IDEMPOTENCY_KEY="first").status_code == 201
    # Token, idempotency key, roles (2), structure, place, commune, département, activity, tags, journal,
    # the answer's tags and people, savepoints: 22 today; roles computed per check made it 31.
    with django_assert_max_num_queries(22):
        response = client.post(URL, body(place), format="json", HTTP_IDEMPOTENCY_KEY="second")
    assert response.status_code == 201
