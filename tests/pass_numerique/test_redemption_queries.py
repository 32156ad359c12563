"""The redemption over the API stays cheap: a bounded number of SQL statements per request (guards the
benchmark's figures against a query creeping back in; savepoints count as statements)."""

import pytest
from rest_framework.test import APIClient

from cordee.pass_numerique.models import Redemption
from cordee.users.tokens import create_api_token
from tests.pass_numerique.factories import build_world
from tests.pass_numerique.test_api import REDEEM_URL

pytestmark = pytest.mark.django_db

# Token with its person; the idempotency key claimed (one INSERT … ON CONFLICT) and its answer stored; the place
# with its commune and the membership; the pass locked with its order and its accepted places; the conditional
# update; the redemption, its event and the journal entry; the savepoints of the view and of the service, and the
# test's own (counted here, absent in production).
MAX_QUERIES_REDEEMED = 15
# The same up to the locked pass, then the first redemption with its place (whether the place accepts the pass is
# read with the pass, and checked first, so that a place outside the perimeter never learns where it was used).
MAX_QUERIES_ALREADY_REDEEMED = 14
# Token, the key's claim refused and the stored answer read.
MAX_QUERIES_REPLAYED = 8


@pytest.fixture
def setup():
    world = build_world(books=1, passes_per_book=5, allocate=1, distribute=3)
    _token, key = create_api_token(world.mediateur, "Caisse")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    codes = [item.code for item in world.passes("distributed")]
    # A first request, so that the token's last use is noted (written at most every few minutes) before counting.
    client.post(REDEEM_URL, {"code": codes[0], "place_id": world.place.pk, "idempotency_key": "warm"}, format="json")
    return world, client, codes


def test_a_redemption_takes_a_bounded_number_of_queries(setup, django_assert_max_num_queries):
    world, client, codes = setup
    with django_assert_max_num_queries(MAX_QUERIES_REDEEMED):
        response = client.post(
            REDEEM_URL, {"code": codes[1], "place_id": world.place.pk, "idempotency_key": "a"}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert Redemption.objects.filter(pass_obj__code=codes[1]).count() == 1


def test_an_already_redeemed_pass_takes_a_bounded_number_of_queries(setup, django_assert_max_num_queries):
    world, client, codes = setup
    with django_assert_max_num_queries(MAX_QUERIES_ALREADY_REDEEMED):
        response = client.post(
            REDEEM_URL, {"code": codes[0], "place_id": world.place.pk, "idempotency_key": "b"}, format="json"
        )
    assert response.status_code == 409 and response.json()["reason"] == "already_redeemed"


def test_a_replay_takes_a_bounded_number_of_queries(setup, django_assert_max_num_queries):
    world, client, codes = setup
    with django_assert_max_num_queries(MAX_QUERIES_REPLAYED):
        response = client.post(
            REDEEM_URL, {"code": codes[0], "place_id": world.place.pk, "idempotency_key": "warm"}, format="json"
        )
    assert response.status_code == 201 and response["Idempotent-Replayed"] == "true"
