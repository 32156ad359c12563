import datetime as dt

import factory
from django.utils import timezone

from cordee.activities import fields
from cordee.activities.enums import ActivityKind, LocationKind, Theme
from cordee.activities.models import Activity, ActivityTag
from tests.places.factories import PlaceFactory
from tests.structures.factories import MembershipFactory, StructureFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    """An individual accompaniment of 30 minutes, yesterday, in one of the structure's places (Guéret)."""

    class Meta:
        model = Activity

    structure = factory.SubFactory(StructureFactory)
    mediator = factory.LazyAttribute(lambda o: MembershipFactory(structure=o.structure).user)
    created_by = factory.SelfAttribute("mediator")
    kind = ActivityKind.INDIVIDUAL
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    duration_minutes = 30
    location_kind = LocationKind.PLACE
    place = factory.SubFactory(PlaceFactory, structure=factory.SelfAttribute("..structure"))
    commune = factory.SelfAttribute("place.commune_ref")
    departement_code = "23"
    region_code = "75"
    themes = factory.LazyFunction(lambda: [Theme.EMAIL.value])
    themes_mask = factory.LazyAttribute(lambda o: fields.THEMES.mask(o.themes))
    participants = 1
    gender_unknown = 1
    age_unknown = 1
    status_unknown = 1

    class Params:
        workshop = factory.Trait(
            kind=ActivityKind.WORKSHOP,
            title="Découvrir sa messagerie",
            participants=6,
            gender_unknown=6,
            age_unknown=6,
            status_unknown=6,
            duration_minutes=120,
        )
        remote = factory.Trait(location_kind=LocationKind.REMOTE, place=None, commune=None)


class ActivityTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityTag

    structure = factory.SubFactory(StructureFactory)
    name = factory.Sequence(lambda n: f"Projet {n}")
