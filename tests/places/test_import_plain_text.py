"""Source texts as people wrote them: HTML references unescaped, commune names spelt as the référentiel does."""

import importlib
import json

import pytest
from django.apps import apps

from cordee.aggregation.importing.importer import import_file
from cordee.places import enums
from cordee.places.models import Place
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cordee.places.migrations.0010_plain_text_and_official_commune_names")


def _row(**overrides):
    row = {
        "id": "lieu-1",
        "nom": "Clic' &amp; Ressources",
        "commune": "Saint-Donat-sur-lHerbasse",
        "code_postal": "26260",
        "adresse": "1 rue Jean L&eacute;monon",
        "latitude": 45.12,
        "longitude": 4.98,
        "services": "Aide aux démarches administratives",
    }
    row.update(overrides)
    return row


def _import(tmp_path, row):
    path = tmp_path / "lieux.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    import_file(path, source_name="essai")
    return Place.objects.get(source_name="essai", source_id=row["id"])


def _saint_donat():
    return CommuneFactory(code_insee="26301", name="Saint-Donat-sur-l'Herbasse", postal_codes="26260")


def test_import_unescapes_html_references_of_the_source(tmp_path):
    _saint_donat()
    place = _import(tmp_path, _row())
    assert place.name == "Clic' & Ressources"
    assert place.address == "1 rue Jean Lémonon"
    assert "amp" not in place.search_name


def test_import_finds_the_commune_and_its_apostrophe_from_the_postal_code(tmp_path):
    saint_donat = _saint_donat()
    CommuneFactory(code_insee="26002", name="Arthémonay", postal_codes="26260")  # same postal code
    place = _import(tmp_path, _row())
    assert place.commune_ref == saint_donat
    assert place.commune_name == "Saint-Donat-sur-l'Herbasse"


def test_import_keeps_a_commune_name_that_says_more(tmp_path):
    CommuneFactory(code_insee="13055", name="Marseille", postal_codes="13011")
    place = _import(tmp_path, _row(commune="Marseille 11e", code_postal="13011", code_insee="13055"))
    assert place.commune_name == "Marseille 11e"


def test_migration_fixes_stored_places():
    saint_donat = _saint_donat()
    attached = PlaceFactory(
        commune_ref=saint_donat, commune_name="Saint-Donat-sur-lHerbasse", name="Atouts &amp;amp; Compétences"
    )
    detached = PlaceFactory(commune_ref=None, commune_name="Saint-Donat-sur-lHerbasse", postal_code="26260")
    other = PlaceFactory(commune_ref=None, commune_name="Ailleurs", postal_code="26260", name="R&D numérique")
    summary = PlaceFactory(summary="Ateliers parents &amp; enfants")

    migration.forwards(apps, None)

    attached.refresh_from_db()
    assert attached.commune_name == "Saint-Donat-sur-l'Herbasse"
    assert attached.name == "Atouts & Compétences"
    assert attached.search_name == "atouts competences"
    detached.refresh_from_db()
    assert detached.commune_name == "Saint-Donat-sur-l'Herbasse"
    other.refresh_from_db()
    assert (other.commune_name, other.name) == ("Ailleurs", "R&D numérique")
    summary.refresh_from_db()
    assert summary.summary == "Ateliers parents & enfants"


def test_standard_lists_are_labelled_with_the_standard_french_values():
    for enum in (
        enums.Service,
        enums.Public,
        enums.SpecificSupport,
        enums.Fee,
        enums.NationalProgramme,
        enums.TrainingLabel,
        enums.AccessMode,
        enums.SupportMode,
        enums.Mobility,
    ):
        assert enum.labels == enum.values
    assert enums.Service.AIDE_DEMARCHES.label == "Aide aux démarches administratives"
    assert enums.TrainingLabel.ORDI_3_0.label == "ORDI 3.0"
    assert enums.QualificationState.QUALIFIED.label == "Lieu qualifié"
