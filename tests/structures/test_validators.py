import pytest
from django.core.exceptions import ValidationError

from cordee.structures.validators import luhn_is_valid, siret_error, validate_rna, validate_siret


@pytest.mark.parametrize("siret", ["13002526500013", "21230096500010", "130 025 265 00013", "35600000000048"])
def test_valid_siret(siret):
    assert siret_error(siret) is None
    validate_siret(siret)


@pytest.mark.parametrize(
    "siret,reason",
    [
        ("13002526500014", "clé de contrôle"),
        ("1300252650001", "14 chiffres"),
        ("130025265000133", "14 chiffres"),
        ("1300252650001A", "14 chiffres"),
        ("", "14 chiffres"),
    ],
)
def test_invalid_siret(siret, reason):
    with pytest.raises(ValidationError) as excinfo:
        validate_siret(siret)
    assert reason in excinfo.value.messages[0]
    assert excinfo.value.messages[0].startswith("SIRET invalide")


def test_luhn():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")


@pytest.mark.parametrize("rna", ["W751234567", "w751234567", " W231000012 "])
def test_valid_rna(rna):
    validate_rna(rna)


@pytest.mark.parametrize("rna", ["W75123456", "X751234567", "W75123456A", "751234567", ""])
def test_invalid_rna(rna):
    with pytest.raises(ValidationError, match="W suivi de 9 chiffres"):
        validate_rna(rna)
