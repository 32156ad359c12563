import factory

from cordee.territories.enums import CommuneKind
from cordee.territories.models import Commune, Departement, Epci, PostalCode, Region
from cordee.territories.normalize import search_key


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "75"
    name = "Nouvelle-Aquitaine"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "23"
    name = "Creuse"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ["siren"]

    siren = "200067213"
    name = "CA du Grand Guéret"
    kind = "CA"


class CommuneFactory(factory.django.DjangoModelFactory):
    """Guéret by default; pass code_insee, name, departement… for another commune."""

    class Meta:
        model = Commune
        django_get_or_create = ["code_insee"]
        skip_postgeneration_save = True

    code_insee = "23096"
    name = "Guéret"
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EpciFactory)
    population = 12804
    latitude = 46.17199
    longitude = 1.87148
    postal_codes = "23000"

    @factory.post_generation
    def postal_code_rows(self, create, extracted, **kwargs):
        if create:
            for code in self.postal_code_list:
                PostalCode.objects.get_or_create(code=code, commune=self)

    class Params:
        fragile = factory.Trait(
            fragility_no_thd=8.0,
            fragility_no_4g=7.0,
            fragility_poverty=6.5,
            fragility_older_65=7.5,
            fragility_no_diploma=6.0,
            fragility_total=7.0,
        )
        without_epci = factory.Trait(epci=None)
        marseille_1er = factory.Trait(
            code_insee="13201",
            kind=CommuneKind.ARRONDISSEMENT,
            name="Marseille 1er Arrondissement",
            parent=factory.SubFactory("tests.territories.factories.CommuneFactory", marseille=True),
            departement=factory.SelfAttribute("parent.departement"),
            epci=factory.SelfAttribute("parent.epci"),
            population=39786,
            latitude=43.29701,
            longitude=5.37901,
            postal_codes="13001",
        )
        marseille = factory.Trait(
            code_insee="13055",
            name="Marseille",
            departement=factory.SubFactory(
                DepartementFactory,
                code="13",
                name="Bouches-du-Rhône",
                region=factory.SubFactory(RegionFactory, code="93", name="Provence-Alpes-Côte d'Azur"),
            ),
            epci=factory.SubFactory(
                EpciFactory, siren="200054807", name="Métropole d'Aix-Marseille-Provence", kind="ME"
            ),
            population=873076,
            latitude=43.29617,
            longitude=5.36995,
            postal_codes="13001|13002|13003",
        )
        lille = factory.Trait(
            code_insee="59350",
            name="Lille",
            departement=factory.SubFactory(
                DepartementFactory,
                code="59",
                name="Nord",
                region=factory.SubFactory(RegionFactory, code="32", name="Hauts-de-France"),
            ),
            epci=factory.SubFactory(EpciFactory, siren="200093201", name="Métropole Européenne de Lille", kind="ME"),
            population=236710,
            latitude=50.63194,
            longitude=3.0575,
            postal_codes="59000|59160|59260|59777|59800",
        )
