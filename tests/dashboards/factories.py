"""Activities for the dashboards' tests (the masks and territory codes filled as the activities app does)."""

import datetime

import factory

from cordee.activities import fields
from cordee.activities.models import Activity
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    """An individual accompaniment in Guéret (Creuse) by a médiateur of a structure there."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    mediator = factory.LazyAttribute(lambda o: MembershipFactory(structure=o.structure).user)
    kind = "individual"
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    duration_minutes = 30
    location_kind = "place"
    commune = factory.SubFactory(CommuneFactory)
    departement_code = factory.LazyAttribute(lambda o: o.commune.departement_id if o.commune else "23")
    region_code = factory.LazyAttribute(lambda o: o.commune.departement.region_id if o.commune else "75")
    themes = factory.LazyFunction(lambda: ["email"])
    themes_mask = factory.LazyAttribute(lambda o: fields.THEMES.mask(o.themes))
    admin_subthemes = factory.LazyFunction(list)
    admin_subthemes_mask = factory.LazyAttribute(lambda o: fields.ADMIN_SUBTHEMES.mask(o.admin_subthemes))
    equipment = factory.LazyFunction(lambda: ["computer"])
    equipment_mask = factory.LazyAttribute(lambda o: fields.EQUIPMENT.mask(o.equipment))
    redirections = factory.LazyFunction(list)
    redirections_mask = factory.LazyAttribute(lambda o: fields.REDIRECTIONS.mask(o.redirections))
    autonomy = "partly_autonomous"
    participants = 1
    gender_female = 1
    age_40_59 = 1
    status_retired = 1

    class Params:
        workshop = factory.Trait(
            kind="workshop",
            participants=8,
            returning=3,
            gender_female=5,
            gender_male=3,
            age_40_59=4,
            age_70_plus=4,
            status_retired=8,
            autonomy="",
            title="Découvrir sa messagerie",
            level="beginner",
        )
        remote = factory.Trait(location_kind="remote", commune=None)
        imported = factory.Trait(source="import_v1")
