"""Who sees what on an order: the funder's ledger for those who manage the order (never a holder), the book codes
for the funder's gestionnaires, the holder (its book) and the national admin (never a coordinator)."""

import pytest
from django.urls import reverse

from cordee.pass_numerique import perms
from tests.pass_numerique.factories import build_world
from tests.user_kinds import make_pass_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(books=2, passes_per_book=3, allocate=1, distribute=1)


def page(client, user, world):
    client.force_login(user)
    response = client.get(reverse("www:pass_numerique:order", kwargs={"pk": world.order.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_holder_sees_its_books_not_the_funder_s_ledger(client, world):
    content = page(client, world.aiguilleur, world)
    assert "Bilan de la commande" not in content
    assert reverse("www:pass_numerique:book", kwargs={"pk": world.books[0].pk}) in content
    assert "Bilan de la commande" in page(client, world.funder_manager, world)


def test_a_coordinator_sees_the_counts_without_the_codes(client, world):
    coordinator = make_pass_user("coordinator_in_scope", world)
    assert perms.can_manage_order(coordinator, world.order)
    assert not perms.can_view_book(coordinator, world.books[0])
    content = page(client, coordinator, world)
    assert "Bilan de la commande" in content
    assert reverse("www:pass_numerique:book", kwargs={"pk": world.books[0].pk}) not in content
    assert "Confier des carnets" not in content and "Annuler ces pass" not in content
    assert world.passes()[0].code not in content
