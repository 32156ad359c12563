"""The strict test harness of tests/conftest.py does what it says."""

import pytest
from django.db import transaction

from cordee.structures.models import Membership, Structure
from tests.conftest import SelectForUpdateWithoutOf
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_an_unordered_queryset_comes_back_in_another_order_sometimes():
    """Membership has no Meta.ordering: 20 rows read 20 times are not always in the same order."""
    memberships = MembershipFactory.create_batch(20)
    assert not Membership.objects.all().ordered
    orders = {tuple(m.pk for m in Membership.objects.all()) for _ in range(20)}
    assert len(orders) > 1
    assert {frozenset(order) for order in orders} == {frozenset(m.pk for m in memberships)}


def test_an_ordered_queryset_keeps_its_order():
    StructureFactory.create_batch(10)
    # Structure orders by name (Meta.ordering); an explicit order_by wins over it.
    assert Structure.objects.all().ordered
    by_name = list(Structure.objects.values_list("name", flat=True))
    assert by_name == sorted(by_name)
    by_pk = [s.pk for s in Structure.objects.order_by("-pk")]
    assert by_pk == sorted(by_pk, reverse=True)


def test_a_queryset_is_shuffled_once_then_stable():
    MembershipFactory.create_batch(10)
    queryset = Membership.objects.all()
    first = list(queryset)
    assert list(queryset) == first  # the result cache is not shuffled again


def test_select_for_update_with_select_related_must_name_the_locked_tables():
    MembershipFactory()
    with transaction.atomic():
        with pytest.raises(SelectForUpdateWithoutOf, match="of="):
            Membership.objects.select_related("structure").select_for_update().get()
        with pytest.raises(SelectForUpdateWithoutOf):
            list(Membership.objects.select_for_update().select_related("user"))
        assert Membership.objects.select_related("structure").select_for_update(of=("self",)).get()
        assert Membership.objects.select_for_update().get()
