"""Where a pass may be used: the redemption's check on one place (``is_place_allowed``, on the place loaded by
``perms.redeeming_place``, in Python) and the list of the order's places (``allowed_places``, in SQL) agree for
every kind of perimeter, arrondissements included, and with accepted places."""

import importlib

import pytest
from django.apps import apps

from cordee.core.errors import Invalid, Refused
from cordee.pass_numerique import perms, services
from cordee.pass_numerique.models import Order
from cordee.places.models import Place
from tests.pass_numerique.factories import build_world
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

named_places_migration = importlib.import_module("cordee.pass_numerique.migrations.0004_order_named_places_only")

PERIMETERS = [
    ["region:75"],
    ["departement:23"],
    ["epci:200067213"],
    ["commune:23096"],
    ["commune:13055"],
    ["commune:13201"],
    ["departement:13"],
    ["region:93", "commune:23096"],
    ["epci:200054807"],
]


@pytest.fixture
def world():
    world = build_world(books=1, passes_per_book=1, allocate=0, distribute=0)
    arrondissement = CommuneFactory(marseille_1er=True)
    structure = world.place_structure
    world.places = [
        world.place,  # Guéret, qualified, accepting
        world.other_place,  # Guéret, not accepting
        PlaceFactory(structure=structure, pass_numerique=True),  # Guéret, accepting, not qualified
        PlaceFactory(structure=structure, pass_numerique=True, qualified=True, commune_ref=arrondissement),
        PlaceFactory(structure=structure, pass_numerique=True, qualified=True, in_marseille=True),
        PlaceFactory(structure=structure, pass_numerique=True, qualified=True, commune_ref=None),
    ]
    return world


def _order(world, territories, accepted=()):
    data = {
        "funder_structure_id": world.funder.pk,
        "books": 1,
        "passes_per_book": 1,
        "value_cents": 1000,
        "valid_from": world.order.valid_from,
        "valid_until": world.order.valid_until,
        "territories": territories,
    }
    if accepted:
        data["accepted_place_ids"] = [place.pk for place in accepted]
    return services.create_order(world.funder_manager, data)


@pytest.mark.parametrize("territories", PERIMETERS, ids=lambda value: "+".join(value))
def test_the_check_on_one_place_agrees_with_the_list_of_places(world, territories):
    order = _order(world, territories)
    listed = set(services.allowed_places(order).values_list("pk", flat=True))
    for place in world.places:
        loaded = perms.redeeming_place(world.mediateur, place.pk)
        assert services.is_place_allowed(order, loaded) == (place.pk in listed), (territories, place)
        # A place loaded by the ORM (the activity form's) gets the same answer.
        assert services.is_place_allowed(order, Place.objects.get(pk=place.pk)) == (place.pk in listed)


def test_accepted_places_are_the_only_ones_allowed(world):
    accepted = [world.place]
    order = _order(world, ["departement:23"], accepted)
    assert set(services.allowed_places(order)) == {world.place}
    for place in world.places:
        loaded = perms.redeeming_place(world.mediateur, place.pk)
        assert services.is_place_allowed(order, loaded) == (place == world.place)


def test_a_named_place_gone_from_the_directory_narrows_the_order_never_widens_it():
    gone = PlaceFactory(name="Atelier fermé", pass_numerique=True, qualified=True)  # in Guéret, like the others
    world = build_world(accepted_place_ids=[gone.pk])
    gone.delete()
    order = Order.objects.get(pk=world.order.pk)
    assert order.named_places_only and not services.allowed_places(order).exists()
    assert not services.is_place_allowed(order, perms.redeeming_place(world.mediateur, world.place.pk))
    with pytest.raises(Refused) as refused:
        services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk)
    assert refused.value.reason == "place_not_allowed"


def test_an_order_names_its_places_until_a_draft_lets_them_go(world):
    order = _order(world, ["departement:23"], [world.place])
    assert order.named_places_only
    services.update_order(world.funder_manager, order, {"accepted_place_ids": []})
    order.refresh_from_db()
    assert not order.named_places_only
    assert world.place in services.allowed_places(order)


def test_the_migration_marks_the_orders_that_named_places(world):
    naming = _order(world, ["departement:23"], [world.place])
    open_order = _order(world, ["departement:23"])
    Order.objects.update(named_places_only=False)
    named_places_migration.mark_orders_naming_places(apps, None)
    assert Order.objects.get(pk=naming.pk).named_places_only
    assert not Order.objects.get(pk=open_order.pk).named_places_only


def test_the_checks_cover_the_perimeters_both_ways(world):
    """The grid above is not trivial: each place is allowed by some perimeter and refused by another."""
    answers = {place.pk: set() for place in world.places}
    for territories in PERIMETERS:
        order = _order(world, territories)
        for place in world.places:
            answers[place.pk].add(services.is_place_allowed(order, perms.redeeming_place(world.mediateur, place.pk)))
    allowed_somewhere = [pk for pk, seen in answers.items() if True in seen]
    assert len(allowed_somewhere) == 3 and all(False in seen for seen in answers.values())


@pytest.mark.parametrize("place_id", [2**63, 10**30])
def test_a_place_number_beyond_any_key_is_refused_plainly(world, place_id):
    code = world.order.passes.first().code
    with pytest.raises(Invalid) as refused:
        services.redeem(world.mediateur, code=code, place_id=place_id)
    assert refused.value.errors == {"place_id": "Identifiant invalide."}
