"""Idempotency keys: a repeated write is answered once, concurrent duplicates included."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.api import places as places_api
from cordee.api.models import IdempotencyKey
from cordee.api.tasks import purge_idempotency_keys
from cordee.places import enums
from cordee.places.models import Place
from cordee.users.tokens import create_api_token
from tests.structures.factories import StructureFactory
from tests.users.factories import UserFactory

PLACES = reverse("api:places")


def client_of(user):
    _token, key = create_api_token(user, "Tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def new_place(structure, **extra):
    return {
        "nom": "Espace numérique",
        "code_insee": "23096",
        "code_postal": "23000",
        "services": [enums.Service.AIDE_DEMARCHES.value],
        "structure": structure.pk,
        **extra,
    }


@pytest.fixture
def admin(db):
    return UserFactory(national_admin=True)


@pytest.fixture(params=["insert-returning", "last-row-id"])
def claim_statement(request, monkeypatch):
    """The key is claimed by one INSERT … ON CONFLICT DO NOTHING, its new key read by RETURNING or, on a SQLite
    older than 3.35 (no RETURNING), from the cursor's last row id: both behave the same."""
    if request.param == "last-row-id":
        if connection.vendor != "sqlite":
            pytest.skip("PostgreSQL always returns the inserted key")
        monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    return request.param


@pytest.mark.django_db
def test_a_repeat_replays_the_same_status_and_body_without_a_second_write(admin, claim_statement):
    client, structure = client_of(admin), StructureFactory()

    first = client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    again = client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Place.objects.count() == 1
    row = IdempotencyKey.objects.get()
    assert (row.user, row.endpoint, row.key, row.response_status) == (admin, "POST api:places", "cle-1", 201)
    assert row.expires_at - row.created_at == timedelta(hours=24)


@pytest.mark.django_db
def test_the_key_may_come_in_the_body_and_is_not_a_field_of_the_place(admin):
    client, structure = client_of(admin), StructureFactory()

    first = client.post(PLACES, new_place(structure, idempotency_key="cle-2"), format="json")
    again = client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-2")

    assert first.status_code == 201, first.json()
    assert again.json() == first.json()
    assert Place.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(admin, claim_statement):
    client, structure = client_of(admin), StructureFactory()
    client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-3")

    response = client.post(PLACES, new_place(structure, nom="Autre"), format="json", HTTP_IDEMPOTENCY_KEY="cle-3")

    assert response.status_code == 422
    assert response.json()["reason"] == "idempotency_key_reused"
    assert Place.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_scoped_per_person(admin):
    structure = StructureFactory()
    other = UserFactory(national_admin=True)

    client_of(admin).post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-4")
    response = client_of(other).post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-4")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Place.objects.count() == 2


@pytest.mark.django_db
def test_an_error_answer_is_replayed_too_and_a_server_error_is_not_stored(admin, monkeypatch):
    client = client_of(admin)
    bad = {"nom": "Lieu", "telephone": ["12"]}
    first = client.post(PLACES, bad, format="json", HTTP_IDEMPOTENCY_KEY="cle-5")
    again = client.post(PLACES, bad, format="json", HTTP_IDEMPOTENCY_KEY="cle-5")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"

    def crash(user, data):
        raise RuntimeError("panne")

    monkeypatch.setattr(places_api.editing, "create_place", crash)
    with pytest.raises(RuntimeError):
        client.post(PLACES, new_place(StructureFactory()), format="json", HTTP_IDEMPOTENCY_KEY="cle-6")
    assert not IdempotencyKey.objects.filter(key="cle-6").exists()


@pytest.mark.django_db
def _idempotent_api_posts():
    """(name, has_pk) of every API route whose POST takes an idempotency key."""
    from django.urls import get_resolver

    routes = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif namespace == "api" and pattern.name:
                view = getattr(pattern.callback, "view_class", None)
                if getattr(getattr(view, "post", None), "idempotent", False):
                    routes.append((f"api:{pattern.name}", "pk" in pattern.pattern.regex.groupindex))

    walk(get_resolver().url_patterns, None)
    return routes


@pytest.mark.parametrize(("name", "has_pk"), _idempotent_api_posts())
def test_an_empty_form_body_with_a_key_is_answered_without_a_server_error(admin, name, has_pk):
    """`curl -d '' -H 'Idempotency-Key: …'` sends an empty form: DRF reads it as an immutable QueryDict."""
    client = client_of(admin)
    url = reverse(name, kwargs={"pk": 1} if has_pk else None)
    client.raise_request_exception = False
    response = client.post(url, data="", content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code < 500, response.content
    assert set(response.json()) >= {"detail", "reason"}


def test_a_bad_key_is_400(admin):
    client = client_of(admin)
    for key in ("x" * 256, "clé-accentuée"):
        response = client.post(PLACES, new_place(StructureFactory(), idempotency_key=key), format="json")
        assert response.status_code == 400
        assert "idempotency_key" in response.json()["errors"]
    response = client.post(PLACES, new_place(StructureFactory(), idempotency_key=12), format="json")
    assert response.status_code == 400
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_an_expired_key_counts_as_new_and_the_task_purges_expired_keys(admin):
    client, structure = client_of(admin), StructureFactory()
    client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-7")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="cle-7")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Place.objects.count() == 2

    IdempotencyKey.objects.create(
        user=admin, endpoint="POST x", key="vieille", fingerprint="-", expires_at=timezone.now() - timedelta(days=1)
    )
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["cle-7"]


# Concurrency: two clients send the same key at the same moment ------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_wait_for_the_first_and_replay_it(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrence prouvée sur PostgreSQL (SQLite sérialise déjà les écritures)")
    admin = UserFactory(national_admin=True)
    structure = StructureFactory()
    _token, key = create_api_token(admin, "Tests")
    original = places_api.editing.create_place

    def slow_create(user, data):
        time.sleep(0.3)  # the first holds the key while the others arrive
        return original(user, data)

    monkeypatch.setattr(places_api.editing, "create_place", slow_create)
    clients = 4
    barrier = threading.Barrier(clients)
    responses = []

    def send():
        from django.db import connections

        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            barrier.wait()
            responses.append(client.post(PLACES, new_place(structure), format="json", HTTP_IDEMPOTENCY_KEY="k"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [response.status_code for response in responses] == [201] * clients
    assert len({response.content for response in responses}) == 1
    assert sum("Idempotent-Replayed" in response for response in responses) == clients - 1
    assert Place.objects.count() == 1
