"""Handing a pass out: the holder is checked again on the locked book, the date cannot precede the book's
allocation, and someone whose structures hold no book learns nothing about a code (no existence oracle). The
« already used » message gives the time of the order's zone."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.core.errors import Conflict, Invalid, NotAllowed, Refused
from cordee.pass_numerique import codes, perms, services
from cordee.pass_numerique.models import Book, Distribution, Order
from tests.pass_numerique.factories import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(books=2, passes_per_book=3, allocate=1, distribute=0)


def test_the_holder_is_checked_again_under_the_lock(world):
    # The first check passes (before the transaction), the book moves meanwhile: refused under the lock.
    with mock.patch.object(perms, "can_distribute", side_effect=[True, False]), pytest.raises(NotAllowed) as error:
        services.distribute(world.aiguilleur, code=world.code("allocated"), reference="R-1")
    assert error.value.reason == "not_holder"
    assert not Distribution.objects.exists()


def test_a_lost_report_is_checked_again_under_the_lock(world):
    with mock.patch.object(perms, "can_report_lost", side_effect=[True, False]), pytest.raises(NotAllowed):
        services.report_book_lost(world.aiguilleur, world.books[0])
    assert Book.objects.get(pk=world.books[0].pk).lost_at is None


def test_the_date_cannot_precede_the_allocation(world):
    Book.objects.filter(pk=world.books[0].pk).update(allocated_at=timezone.now() - dt.timedelta(days=3))
    earlier = timezone.localdate() - dt.timedelta(days=5)
    with pytest.raises(Invalid) as error:
        services.distribute(world.aiguilleur, code=world.code("allocated"), distributed_on=earlier)
    assert error.value.reason == "before_allocation" and "confié" in error.value.errors["distributed_on"]
    services.distribute(
        world.aiguilleur, code=world.code("allocated"), distributed_on=timezone.localdate() - dt.timedelta(days=2)
    )


@pytest.mark.parametrize("known", [True, False])
def test_someone_holding_no_book_learns_nothing_about_a_code(world, known):
    code = world.code("allocated") if known else codes.display(codes.generate())
    client = APIClient()
    client.force_authenticate(world.mediateur)
    response = client.post(reverse("api:pass-distributions"), {"code": code}, format="json")
    assert (response.status_code, response.json()["reason"]) == (403, "not_holder")


def test_the_already_used_message_is_in_the_order_s_time_zone(world):
    Order.objects.filter(pk=world.order.pk).update(time_zone="Pacific/Tahiti")
    services.distribute(world.aiguilleur, code=world.code("allocated"))
    code = world.code()
    moment = dt.datetime.combine(timezone.localdate(), dt.time(20, 15), tzinfo=dt.UTC) - dt.timedelta(days=1)
    services.redeem(world.mediateur, code=code, place_id=world.place.pk, now=moment)
    with pytest.raises(Conflict) as error:
        services.redeem(world.mediateur, code=code, place_id=world.place.pk)
    assert "à 10:15" in error.value.message  # 20:15 UTC is 10:15 in Tahiti


def test_a_place_outside_the_perimeter_never_learns_where_a_pass_was_used():
    world = build_world(distribute=1)
    code = world.code()
    services.redeem(world.mediateur, code=code, place_id=world.place.pk)
    with pytest.raises(Refused) as error:
        services.redeem(world.other_mediateur, code=code, place_id=world.other_place.pk)
    assert error.value.reason == "place_not_allowed"
    assert world.place.name not in error.value.message
