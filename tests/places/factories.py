import datetime

import factory

from cordee.places import enums
from cordee.places.models import Place
from tests.territories.factories import CommuneFactory


class PlaceFactory(factory.django.DjangoModelFactory):
    """A place in Guéret, at its address, with no hours; traits for the usual variations."""

    class Meta:
        model = Place

    source_name = "cordee"
    source_id = factory.Sequence(lambda n: f"lieu-{n}")
    name = factory.Sequence(lambda n: f"Espace public numérique {n}")
    commune_ref = factory.SubFactory(CommuneFactory)
    commune_name = factory.LazyAttribute(lambda o: o.commune_ref.name if o.commune_ref else "Guéret")
    code_insee = factory.LazyAttribute(lambda o: o.commune_ref.code_insee if o.commune_ref else "23096")
    postal_code = factory.LazyAttribute(
        lambda o: (o.commune_ref.postal_code_list or ["23000"])[0] if o.commune_ref else "23000"
    )
    address = factory.Sequence(lambda n: f"{n + 1} avenue de la République")
    latitude = factory.LazyAttribute(lambda o: o.commune_ref.latitude + 0.001 if o.commune_ref else 46.172)
    longitude = factory.LazyAttribute(lambda o: o.commune_ref.longitude + 0.001 if o.commune_ref else 1.872)
    coordinates_precision = enums.CoordinatesPrecision.ADDRESS
    services = factory.LazyFunction(lambda: [enums.Service.AIDE_DEMARCHES.value, enums.Service.OUTILS_QUOTIDIEN.value])
    fees = factory.LazyFunction(lambda: [enums.Fee.GRATUIT.value])
    support_modes = factory.LazyFunction(lambda: [enums.SupportMode.INDIVIDUEL.value])
    source_updated_on = datetime.date(2024, 3, 1)

    class Params:
        pass_numerique = factory.Trait(accepts_pass_numerique=True)
        qualified = factory.Trait(qualification_state=enums.QualificationState.QUALIFIED)
        with_hours = factory.Trait(opening_hours="Mo-Fr 09:00-12:00,14:00-17:00")
        with_holiday_hours = factory.Trait(opening_hours="Mo-Sa 09:00-12:00; PH off")
        with_invalid_hours = factory.Trait(opening_hours="lundi 9h-12h")
        in_marseille = factory.Trait(commune_ref=factory.SubFactory(CommuneFactory, marseille=True))
        in_lille = factory.Trait(commune_ref=factory.SubFactory(CommuneFactory, lille=True))
        at_commune_point = factory.Trait(
            coordinates_precision=enums.CoordinatesPrecision.COMMUNE,
            latitude=factory.LazyAttribute(lambda o: o.commune_ref.latitude),
            longitude=factory.LazyAttribute(lambda o: o.commune_ref.longitude),
        )
        with_contacts = factory.Trait(
            phones=factory.LazyFunction(lambda: ["+33555520000"]),
            emails=factory.LazyFunction(lambda: ["contact@example.org"]),
            websites=factory.LazyFunction(lambda: ["https://example.org/"]),
        )
