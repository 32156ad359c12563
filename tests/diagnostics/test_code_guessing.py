"""/diagnostic/resultat/<code>/ is public: wrong codes are limited per client address so codes cannot be guessed."""

import pytest
from django.urls import reverse

from cordee.diagnostics import services
from tests.diagnostics.factories import answers

pytestmark = pytest.mark.django_db


def look_up(client, code, address="203.0.113.7"):
    return client.get(reverse("www:diagnostics:by_code", kwargs={"code": code}), REMOTE_ADDR=address)


def test_ten_wrong_codes_then_a_clear_429_even_for_a_right_code(client):
    stored = services.save_self(services.current_version(), answers(), consent=True)
    statuses = [look_up(client, f"ZZZZ{index:02d}").status_code for index in range(10)]
    assert statuses == [404] * 10

    response = look_up(client, stored.short_code)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    text = response.content.decode()
    assert '<html lang="fr"' in text and "Trop de demandes" in text
    assert "Trop de codes inconnus ont été essayés" in text and "réessayez dans 15 minutes" in text
    # Another address is not held back.
    assert look_up(client, stored.short_code, address="198.51.100.9").status_code == 200


def test_right_codes_do_not_count(client):
    stored = services.save_self(services.current_version(), answers(), consent=True)
    assert {look_up(client, stored.short_code).status_code for _ in range(12)} == {200}
    assert look_up(client, "ZZZZ00").status_code == 404
