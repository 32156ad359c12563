import re

import pytest
from playwright.sync_api import expect

from cordee.aggregation.enums import ImportState
from cordee.aggregation.models import PlaceImport
from cordee.places.models import Place
from tests.places.test_place_imports import places_csv, stored_import
from tests.structures.factories import CoordinatorScopeFactory

pytestmark = pytest.mark.browser


def test_coordinator_imports_a_file_and_reads_the_result(page, login_as, assert_accessible, tmp_path):
    login_as(CoordinatorScopeFactory().user)
    path = tmp_path / "hub-du-sud.csv"
    path.write_bytes(places_csv(valid=3, invalid=1))

    page.goto("/gestion/lieux/imports/")
    assert_accessible(page)
    page.get_by_role("link", name="Importer un fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un fichier de lieux")
    assert_accessible(page)

    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="Le formulaire contient des erreurs")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Fichier de lieux").set_input_files(str(path))
    page.get_by_label("Nom de la source").fill("hub-du-sud")
    page.get_by_role("button", name="Importer").click()

    expect(page).to_have_url(re.compile(r"/gestion/lieux/imports/\d+/$"))
    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible()
    expect(page.get_by_role("cell", name="5", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le rapport complet (CSV)")).to_be_visible()
    assert_accessible(page)
    assert Place.objects.filter(source_name="hub-du-sud").count() == 3


def test_progress_page_polls_until_the_import_is_over(page, login_as, assert_accessible):
    place_import = stored_import(places_csv())
    PlaceImport.objects.filter(pk=place_import.pk).update(
        state=ImportState.RUNNING, progress_done=1200, progress_total=4930
    )
    login_as(place_import.requested_by)

    page.goto(f"/gestion/lieux/imports/{place_import.pk}/")
    expect(page.get_by_text("1\u00a0200 lignes sur 4\u00a0930")).to_be_visible()
    expect(page.get_by_label("Avancement de la lecture du fichier")).to_have_attribute("value", "1200")
    expect(page.get_by_role("link", name="Mettre à jour l'avancement")).to_be_hidden()
    assert_accessible(page)

    PlaceImport.objects.filter(pk=place_import.pk).update(
        state=ImportState.DONE, progress_done=4930, created_count=4900, rejected_count=30
    )

    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible()
    expect(page.get_by_text("4\u00a0900 lieux créés")).to_be_visible()
    assert_accessible(page)
