"""Factories of the Pass numérique, and ``build_world``: a funder's confirmed order with its books allocated,
passes handed out, an accepting place and the structures around it (for matrices and scenarios)."""

import datetime as dt
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from cordee.pass_numerique import services
from cordee.pass_numerique.models import Order, Pass
from cordee.structures.enums import StructureKind
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.users.factories import UserFactory


class OrderFactory(factory.django.DjangoModelFactory):
    """A draft order of the Creuse (2 books of 5 passes of 10 €), valid from 10 days ago to 60 days ahead."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    funder = factory.SubFactory(
        StructureFactory,
        kind=StructureKind.COLLECTIVITE,
        name=factory.Sequence(lambda n: f"Département financeur {n}"),
    )
    books_count = 2
    passes_per_book = 5
    value_cents = 1000
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    tolerance_days = 30
    territories = factory.LazyFunction(lambda: ["departement:23"])
    eligibility = "Personnes éloignées du numérique"


@dataclass
class World:
    """Everything a Pass numérique test needs, named by role."""

    admin: object
    funder: object
    funder_manager: object
    holder: object
    aiguilleur: object
    other_holder: object
    other_aiguilleur: object
    place_structure: object
    mediateur: object
    place: object
    other_place_structure: object
    other_mediateur: object
    other_place: object
    order: Order
    books: list = field(default_factory=list)

    def passes(self, state=None):
        queryset = Pass.objects.filter(order=self.order).order_by("book__number", "position")
        return list(queryset.filter(state=state) if state else queryset)

    def code(self, state="distributed", index=0) -> str:
        return self.passes(state)[index].code


def build_world(*, books=2, passes_per_book=5, allocate=1, distribute=3, **order_fields) -> World:
    """A confirmed order of the Creuse; ``allocate`` books to the holder (a CCAS), ``distribute`` passes of the
    first book handed out. The accepting place (qualified, accepting the pass, in Guéret) belongs to a structure
    with a médiateur; another structure runs a place in Guéret that does not accept the pass."""
    admin = UserFactory(national_admin=True)
    funder = StructureFactory(kind=StructureKind.COLLECTIVITE, name="Conseil départemental de la Creuse")
    funder_manager = MembershipFactory(structure=funder, gestionnaire=True).user
    holder = StructureFactory(kind=StructureKind.CCAS, name="CCAS de Guéret")
    aiguilleur = MembershipFactory(structure=holder, aiguilleur=True).user
    other_holder = StructureFactory(kind=StructureKind.FRANCE_SERVICES, name="France Services de Bourganeuf")
    other_aiguilleur = MembershipFactory(structure=other_holder, aiguilleur=True).user
    place_structure = StructureFactory(name="Médiathèque du Grand Guéret")
    mediateur = MembershipFactory(structure=place_structure).user
    place = PlaceFactory(structure=place_structure, pass_numerique=True, qualified=True, name="Médiathèque")
    other_place_structure = StructureFactory(name="Tiers-lieu de Guéret")
    other_mediateur = MembershipFactory(structure=other_place_structure).user
    other_place = PlaceFactory(structure=other_place_structure, name="Tiers-lieu")
    data = {
        "funder_structure_id": funder.pk,
        "books": books,
        "passes_per_book": passes_per_book,
        "value_cents": 1000,
        "valid_from": timezone.localdate() - dt.timedelta(days=10),
        "valid_until": timezone.localdate() + dt.timedelta(days=60),
        "tolerance_days": 30,
        "territories": ["departement:23"],
        **order_fields,
    }
    order = services.create_order(funder_manager, data)
    services.confirm_order(funder_manager, order)
    allocated = services.allocate_books(funder_manager, order, holder.pk, allocate) if allocate else []
    world = World(
        admin=admin,
        funder=funder,
        funder_manager=funder_manager,
        holder=holder,
        aiguilleur=aiguilleur,
        other_holder=other_holder,
        other_aiguilleur=other_aiguilleur,
        place_structure=place_structure,
        mediateur=mediateur,
        place=place,
        other_place_structure=other_place_structure,
        other_mediateur=other_mediateur,
        other_place=other_place,
        order=order,
        books=allocated,
    )
    for item in world.passes("allocated")[:distribute]:
        services.distribute(aiguilleur, code=item.code, reference=f"P-{item.pk}")
    return world


def spent_order(world) -> Order:
    """A second confirmed order of the world's funder whose passes were all cancelled: nothing left outstanding, so
    it can be closed."""
    order = services.create_order(
        world.funder_manager,
        {
            "funder_structure_id": world.funder.pk,
            "books": 1,
            "passes_per_book": 2,
            "valid_from": timezone.localdate() - dt.timedelta(days=10),
            "valid_until": timezone.localdate() + dt.timedelta(days=60),
            "territories": ["departement:23"],
        },
    )
    services.confirm_order(world.funder_manager, order)
    services.cancel_passes(world.funder_manager, order, book_ids=list(order.books.values_list("pk", flat=True)))
    order.refresh_from_db()
    return order
