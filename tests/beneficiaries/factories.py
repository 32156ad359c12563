import factory
from django.utils import timezone

from cordee.beneficiaries.models import Beneficiary
from tests.structures.factories import StructureFactory


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    structure = factory.SubFactory(StructureFactory)
    alias = factory.Sequence(lambda n: f"Personne {n}")
    consent_given = True
    consent_at = factory.LazyFunction(timezone.now)

    class Params:
        with_birth_year = factory.Trait(birth_year=1956)
        without_consent = factory.Trait(consent_given=False, consent_at=None)
