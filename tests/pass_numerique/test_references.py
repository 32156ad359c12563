"""The pseudonymous reference of a distribution refuses what names or reaches the person, and says why."""

import pytest

from cordee.core.errors import Invalid
from cordee.pass_numerique import references, services
from tests.pass_numerique.factories import build_world


@pytest.mark.parametrize(
    "reference",
    ["", "CCAS-142", "2026/0042", "P 17", "dossier 12", "AB-12", "DEMO-3-001", "n° 4521", "Bénéficiaire 7"],
)
def test_file_numbers_are_kept(reference):
    assert references.problem(reference) is None


@pytest.mark.parametrize(
    "reference,why",
    [
        ("Jean Dupont", "sans chiffre"),
        ("Mme MARTIN", "sans chiffre"),
        ("José-María O'Neil", "sans chiffre"),
        ("marie@example.org", "adresse électronique"),
        ("marie.dupont42@example.org", "adresse électronique"),
        ("06 12 34 56 78", "téléphone"),
        ("+33 6 12 34 56 78", "téléphone"),
        ("05.55.52.14.29", "téléphone"),
        ("1 85 05 78 006 084 36", "sécurité sociale"),
        ("185057800608436", "sécurité sociale"),
        ("x" * 65 + "1", "Au plus 64"),
    ],
)
def test_what_names_or_reaches_the_person_is_refused_with_the_reason(reference, why):
    message = references.problem(reference)
    assert message is not None and why in message


@pytest.mark.django_db
def test_the_distribution_refuses_a_name_on_the_reference_field_and_writes_nothing():
    world = build_world(distribute=0)
    code = world.code("allocated")
    with pytest.raises(Invalid) as refused:
        services.distribute(world.aiguilleur, code=code, reference="Jean Dupont")
    assert "sans chiffre" in refused.value.errors["reference"]
    assert not world.order.passes.filter(state="distributed").exists()
    assert services.distribute(world.aiguilleur, code=code, reference="CCAS-142").reference == "CCAS-142"
