import pytest

from cordee.demo.dataset import STRUCTURES
from cordee.demo.loader import load_demo
from cordee.diagnostics.models import Diagnostic
from tests.territories.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_communes():
    departements = {code: DepartementFactory(code=code, name=f"Département {code}") for code in ("23", "13", "59")}
    for code in {s.code_insee for s in STRUCTURES}:
        CommuneFactory(code_insee=code, name=f"Commune {code}", departement=departements[code[:2]], epci=None)


def test_demo_has_diagnostics_in_three_territories_and_one_person_twice_with_progress(demo_communes):
    load_demo()
    departements = set(Diagnostic.objects.values_list("structure__commune__departement_id", flat=True))
    assert departements == {"23", "13", "59"}
    first, second = Diagnostic.objects.filter(beneficiary__alias="Josiane B.").order_by("created_at")
    assert sum(second.levels.values()) > sum(first.levels.values())
    count = Diagnostic.objects.count()
    load_demo()
    assert Diagnostic.objects.count() == count
