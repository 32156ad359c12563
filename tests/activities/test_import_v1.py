"""The import of the v1 activity reports (``import_cra_v1``) against the example files of tests/activities/data/."""

import csv
import datetime as dt
import gzip
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from freezegun import freeze_time

from cordee.activities.legacy.importer import import_cra_v1
from cordee.activities.legacy.models import LegacyActivityRow, LegacyMediator, LegacyStructure
from cordee.activities.models import Activity
from cordee.dashboards.models import MonthlyTerritoryRollup
from cordee.journal.models import Entry
from cordee.structures.models import Structure
from tests.places.factories import PlaceFactory
from tests.structures.factories import StructureFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::tqdm.TqdmExperimentalWarning")]

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "cra_v1_example.csv"
BAD = DATA / "cra_v1_bad.csv"
PERMANENCES = DATA / "cra_v1_permanences.csv"
TODAY = dt.date(2026, 1, 15)
KNOWN_MEDIATOR = "604621bf871498b5cec2aaaa"


@pytest.fixture
def territory():
    """Guéret (the known structure), Ambronay and Ambérieu-en-Bugey (the issue's example row)."""
    gueret = CommuneFactory()
    ain = DepartementFactory(code="01", name="Ain", region=RegionFactory(code="84", name="Auvergne-Rhône-Alpes"))
    ambronay = CommuneFactory(code_insee="01007", name="Ambronay", departement=ain, postal_codes="01500", epci=None)
    amberieu = CommuneFactory(
        code_insee="01004", name="Ambérieu-en-Bugey", departement=ain, postal_codes="01500", epci=None
    )
    structure = StructureFactory(siret="13002526500013", name="Mairie de Guéret", commune=gueret)
    mediator = UserFactory()
    LegacyMediator.objects.create(v1_id=KNOWN_MEDIATOR, user=mediator)
    return {"gueret": gueret, "ambronay": ambronay, "amberieu": amberieu, "structure": structure, "mediator": mediator}


def run(path, tmp_path, wet_run=True, **options):
    report = tmp_path / "rapport.csv"
    result = import_cra_v1(path, wet_run=wet_run, report_path=report, today=TODAY, **options)
    with report.open(encoding="utf-8") as report_file:
        rows = list(csv.DictReader(report_file))
    return result, rows


def issues_of(rows, legacy_id):
    return [(row["colonne"], row["niveau"], row["motif"]) for row in rows if row["identifiant v1"] == legacy_id]


def test_the_example_file_is_imported_with_every_column_mapped(territory, tmp_path):
    result, report = run(EXAMPLE, tmp_path)

    assert (result.read, result.imported, result.rejected) == (10, 10, 0)
    assert result.closing_line() == "lues : 10, importées : 10, rejetées : 0"
    assert Activity.objects.filter(source="import_v1").count() == 10
    # The issue's example row.
    activity = Activity.objects.get(legacy_id="62375185c79e610790dadc9e")
    assert (activity.kind, activity.location_kind, activity.duration_minutes) == ("workshop", "elsewhere", 120)
    assert activity.date == dt.date(2022, 3, 16)
    assert (activity.participants, activity.returning) == (5, 5)
    assert (activity.age_v1_35_60, activity.age_v1_over_60, activity.age_v1_under_12) == (2, 3, 0)
    assert (activity.age_under_12, activity.age_unknown, activity.gender_unknown) == (0, 0, 5)
    assert (activity.status_employed, activity.status_retired) == (2, 3)
    assert activity.themes == ["admin_procedures"] and activity.themes_mask
    assert activity.commune_id == "01007"
    assert (activity.departement_code, activity.region_code) == ("01", "84")
    assert activity.mediator is None and activity.legacy_mediator_id == "604621bf871498b5cec23bed"
    assert activity.is_conseiller_numerique
    created = Structure.objects.get(siret="44315772200010")
    assert activity.structure == created
    assert created.name == "INTERGENERATIONNELLE DES AMBARROIS" and created.commune_id == "01004"
    assert LegacyStructure.objects.get(v1_id="6082626c4f47999865abffc5").created_by_import
    assert result.structures_created == 1
    entry = Entry.objects.get(action="activities.v1_imported")
    assert entry.details == {
        "file": "cra_v1_example.csv",
        "read": 10,
        "imported": 10,
        "rejected": 0,
        "already": 0,
        "structures_created": 1,
        "mediators_attached": 0,
    }


def test_known_structure_and_mediator_are_attached(territory, tmp_path):
    run(EXAMPLE, tmp_path)

    activity = Activity.objects.get(legacy_id="a00000000000000000000001")
    assert activity.structure == territory["structure"]
    assert activity.mediator == territory["mediator"]
    assert not LegacyStructure.objects.get(v1_id="5f0000000000000000000001").created_by_import
    assert (activity.kind, activity.location_kind, activity.duration_minutes) == ("individual", "place", 45)
    assert activity.themes == ["hardware_handling", "browsing", "email"]  # national order, no duplicate
    assert activity.equipment == ["phone"]  # the "smartphone" theme
    assert (activity.departement_code, activity.region_code) == ("23", "75")


def test_durations_buckets_and_redirections(territory, tmp_path):
    _result, report = run(EXAMPLE, tmp_path)
    by_id = {activity.legacy_id: activity for activity in Activity.objects.order_by("pk")}

    home = by_id["a00000000000000000000002"]
    assert (home.kind, home.location_kind, home.duration_minutes) == ("quick", "home", 15)
    assert home.themes == ["health", "admin_procedures"]
    assert home.admin_subthemes == ["social_health"]
    assert home.admin_precision == "aide compte retraite"
    assert home.redirections == ["administration", "admin_help"]  # CAF, PAN ANTS
    remote = by_id["a00000000000000000000003"]
    assert (remote.location_kind, remote.duration_minutes, remote.commune_id) == ("remote", 45, None)
    assert remote.departement_code == "23"  # from the structure
    assert remote.themes == ["security"]
    assert remote.redirections == ["social_aid", "other"]  # CCAS, an unknown club
    assert ("organismes", "avertissement", "organisme inconnu, compté comme redirection « autre »") in issues_of(
        report, "a00000000000000000000003"
    )
    workshop = by_id["a00000000000000000000004"]
    assert (workshop.duration_minutes, workshop.participants, workshop.returning) == (90, 12, 4)
    assert [workshop.age_v1_under_12, workshop.age_v1_12_18, workshop.age_v1_18_35] == [1, 2, 3]
    assert [workshop.age_v1_35_60, workshop.age_v1_over_60] == [4, 2]
    assert [workshop.status_student, workshop.status_unemployed, workshop.status_employed] == [3, 2, 4]
    assert [workshop.status_retired, workshop.status_unknown] == [2, 1]
    assert workshop.themes == ["hardware_handling", "content_management", "office", "digital_culture"]
    assert workshop.equipment == ["computer", "tablet", "other"]
    assert workshop.note == "atelier à la médiathèque"
    long_one = by_id["a00000000000000000000005"]
    assert long_one.duration_minutes == 120
    assert long_one.themes == [
        "diagnostic",
        "social_networks",
        "health",
        "banking_shopping",
        "entrepreneurship",
        "employment",
        "parenting",
        "schooling",
    ]
    assert long_one.redirections == ["employment"]
    other = by_id["a00000000000000000000006"]
    assert other.themes == [] and other.redirections == ["other"]
    assert any("autre" in motif for _column, _level, motif in issues_of(report, "a00000000000000000000006"))


def test_dates_are_taken_in_local_time(territory, tmp_path):
    run(EXAMPLE, tmp_path)

    assert Activity.objects.get(legacy_id="a00000000000000000000007").date == dt.date(2023, 5, 11)
    assert Activity.objects.get(legacy_id="a00000000000000000000009").date == dt.date(2023, 6, 1)


def test_structures_by_siret_then_v1_id_and_unknown_mediators_reported(territory, tmp_path):
    result, report = run(EXAMPLE, tmp_path)

    by_siret = Activity.objects.get(legacy_id="a00000000000000000000007")
    assert by_siret.structure.siret == "44315772200010"  # the structure the first row created
    invalid_siret = Activity.objects.get(legacy_id="a00000000000000000000008")
    assert invalid_siret.structure == by_siret.structure  # found by its v1 id
    assert ("structure_siret", "avertissement") in [row[:2] for row in issues_of(report, "a00000000000000000000008")]
    assert invalid_siret.mediator is None and invalid_siret.legacy_mediator_id == ""
    nowhere = Activity.objects.get(legacy_id="a00000000000000000000009")
    assert nowhere.structure is None and nowhere.commune is None
    assert {row[0] for row in issues_of(report, "a00000000000000000000009")} >= {"structure_id", "code_commune"}
    assert result.unknown_mediators == {"604621bf871498b5cec23bed": 1, "60462bbbbbbbbbbbbbbbbbbb": 1}
    listed = [row for row in report if row["colonne"] == "v1_conseiller_numerique_id" and row["ligne"] == "0"]
    assert [row["valeur"] for row in listed] == ["604621bf871498b5cec23bed", "60462bbbbbbbbbbbbbbbbbbb"]
    assert listed[0]["motif"] == "conseiller v1 inconnu de Cordée (1 ligne)"
    assert not Structure.objects.filter(name__icontains="conseiller").exists()  # no placeholder of any kind


def test_every_raw_row_is_archived(territory, tmp_path):
    run(EXAMPLE, tmp_path)
    run(BAD, tmp_path)

    archived = LegacyActivityRow.objects.get(legacy_id="62375185c79e610790dadc9e")
    assert archived.outcome == "imported" and archived.activity.legacy_id == archived.legacy_id
    assert archived.values["structure_nom"] == "INTERGENERATIONNELLE DES AMBARROIS"
    assert archived.values["themes"] == "{demarche en ligne}"
    assert "annotation" not in archived.values  # "null" cells are not kept
    assert (archived.file_name, archived.row_number) == ("cra_v1_example.csv", 2)
    rejected = LegacyActivityRow.objects.get(legacy_id="b00000000000000000000001")
    assert rejected.outcome == "rejected" and rejected.activity is None
    assert "thème v1 inconnu" in rejected.reason
    assert LegacyActivityRow.objects.filter(legacy_id__startswith="sans-id:").count() == 1
    assert LegacyActivityRow.objects.count() == 10 + 19 - 1  # the repeated id is archived once


def test_reimport_is_idempotent(territory, tmp_path):
    run(EXAMPLE, tmp_path)
    activities = list(Activity.objects.order_by("pk").values_list("pk", "legacy_id"))
    structures = Structure.objects.count()

    result, _report = run(EXAMPLE, tmp_path)

    assert (result.read, result.imported, result.rejected, result.already) == (10, 0, 0, 10)
    assert list(Activity.objects.order_by("pk").values_list("pk", "legacy_id")) == activities
    assert Structure.objects.count() == structures
    assert LegacyActivityRow.objects.count() == 10


def test_a_mediator_mapped_later_is_attached_by_the_next_import(territory, tmp_path):
    run(EXAMPLE, tmp_path)
    later = UserFactory()
    LegacyMediator.objects.create(v1_id="604621bf871498b5cec23bed", user=later)

    result, _report = run(EXAMPLE, tmp_path)

    assert result.mediators_attached == 1
    assert Activity.objects.get(legacy_id="62375185c79e610790dadc9e").mediator == later


def test_bad_rows_are_rejected_with_their_reason_in_french(territory, tmp_path):
    result, report = run(BAD, tmp_path)

    assert (result.read, result.imported, result.rejected) == (19, 1, 18)
    rejections = {row["identifiant v1"]: (row["colonne"], row["motif"]) for row in report if row["niveau"] == "rejet"}
    expected = {
        "b00000000000000000000001": ("themes", "thème v1 inconnu"),
        "b00000000000000000000002": ("duree_minutes", "durée négative"),
        "b00000000000000000000003": ("date_accompagnement", "date dans le futur"),
        "b00000000000000000000004": ("nb_participants", "au moins un participant attendu"),
        "b00000000000000000000005": (
            "nb_participants_recurrents",
            "plus de participants déjà accompagnés que de participants (2)",
        ),
        "b00000000000000000000006": (
            "age_moins_12_ans",
            "la répartition par âge (5) dépasse le nombre de participants (2)",
        ),
        "b00000000000000000000007": ("date_accompagnement", "date illisible"),
        "b00000000000000000000008": ("canal", "lieu inconnu : rattachement, autre lieu, distance ou domicile attendu"),
        "b00000000000000000000009": (
            "activite",
            "type d'activité inconnu : individuel, collectif ou ponctuel attendu",
        ),
        "b00000000000000000000010": ("organismes", 'JSON illisible : un objet {"organisme": nombre} ou null attendu'),
        "b00000000000000000000011": ("themes", "liste illisible : un tableau PostgreSQL {a,b} attendu"),
        "": ("id", "identifiant v1 manquant"),
        "b00000000000000000000013": ("nb_participants", "nombre entier attendu"),
        "b00000000000000000000014": (
            "duree",
            "durée illisible : des minutes ou une tranche (0-30, 30-60, 60-120, 120+) attendues",
        ),
        "b00000000000000000000015": ("duree", "durée manquante ou nulle"),
        "b00000000000000000000016": ("date_accompagnement", "date antérieure au 01/01/2020, avant le dispositif"),
        "b00000000000000000000017": (
            "id",
            "identifiant v1 répété dans le fichier : seule la première ligne est importée",
        ),
        "b00000000000000000000018": ("", "ligne incomplète : 5 champs au lieu de 46"),
    }
    assert rejections == expected
    lines = {row["identifiant v1"]: row["ligne"] for row in report if row["niveau"] == "rejet"}
    assert lines["b00000000000000000000001"] == "2" and lines["b00000000000000000000018"] == "20"
    assert list(Activity.objects.values_list("legacy_id", flat=True)) == ["b00000000000000000000017"]
    assert issues_of(report, "b00000000000000000000011") == [
        ("themes", "rejet", "liste illisible : un tableau PostgreSQL {a,b} attendu")
    ]  # no warning about the missing themes on top


def test_a_repeated_id_in_a_later_batch_counts_as_already_imported(territory, tmp_path):
    result, _report = run(BAD, tmp_path, batch_size=1)

    assert Activity.objects.get().legacy_id == "b00000000000000000000017"
    assert (result.imported, result.rejected, result.already) == (1, 17, 1)


def test_a_dry_run_writes_nothing_and_reports_the_same(territory, tmp_path):
    result, report = run(EXAMPLE, tmp_path, wet_run=False)

    assert (result.read, result.imported, result.rejected) == (10, 10, 0)
    assert not Activity.objects.exists()
    assert not LegacyActivityRow.objects.exists()
    assert not Structure.objects.filter(siret="44315772200010").exists()
    assert not Entry.objects.filter(action="activities.v1_imported").exists()
    assert report  # the report is written all the same


def test_a_dry_run_neither_counts_nor_locks_the_dashboards_rollups(territory, tmp_path):
    """Counted, a dry run would hold the rollup rows of its months and départements until it ends (PostgreSQL):
    every mediator saving an activity there would wait. Its writes are rolled back anyway."""
    rollups_during_the_run = []
    run(EXAMPLE, tmp_path, wet_run=False, progress=lambda *_: rollups_during_the_run.append(rollup_rows()))
    if connection.vendor == "postgresql":
        assert rollups_during_the_run and set(rollups_during_the_run) == {0}
    else:  # SQLite's triggers count as usual: its writers are serialised anyway
        assert rollups_during_the_run[-1] > 0
    assert rollup_rows() == 0
    # Once the dry run is over, writes are counted again, in the same session.
    run(EXAMPLE, tmp_path, wet_run=True)
    assert rollup_rows() > 0


def rollup_rows():
    return MonthlyTerritoryRollup.objects.count()


def test_places_come_from_the_permanence_columns(territory, tmp_path):
    by_siret = PlaceFactory(pivot="13002526500013", name="Espace numérique", commune_ref=territory["gueret"])
    by_name = PlaceFactory(name="Mediatheque du lac", commune_ref=territory["gueret"])

    result, report = run(PERMANENCES, tmp_path)

    assert result.imported == 4
    places = dict(Activity.objects.values_list("legacy_id", "place_id"))
    assert places == {
        "c00000000000000000000001": by_siret.pk,
        "c00000000000000000000002": by_name.pk,
        "c00000000000000000000003": None,
        "c00000000000000000000004": None,
    }
    assert issues_of(report, "c00000000000000000000003") == [
        ("permanence_nom_enseigne", "avertissement", "lieu de la permanence absent de l'annuaire")
    ]
    assert issues_of(report, "c00000000000000000000004") == []


def test_a_gzip_file_is_read(territory, tmp_path):
    compressed = tmp_path / "cra.csv.gz"
    with EXAMPLE.open("rb") as source, gzip.open(compressed, "wb") as target:
        shutil.copyfileobj(source, target)

    result, _report = run(compressed, tmp_path)

    assert result.imported == 10


def test_a_database_refusal_rejects_that_row_only(territory, tmp_path, monkeypatch):
    from cordee.activities.legacy import importer

    original = importer._activity

    def breaking(legacy, context, unknown):
        activity = original(legacy, context, unknown)
        if legacy.legacy_id == "a00000000000000000000004":
            activity.returning = 99  # the database's check constraint refuses it
        return activity

    monkeypatch.setattr(importer, "_activity", breaking)
    result, report = run(EXAMPLE, tmp_path)

    assert (result.imported, result.rejected) == (9, 1)
    assert [row[1] for row in issues_of(report, "a00000000000000000000004")][-1] == "rejet"
    assert LegacyActivityRow.objects.get(legacy_id="a00000000000000000000004").outcome == "rejected"
    assert Structure.objects.filter(siret="44315772200010").count() == 1


def test_the_command_is_a_dry_run_without_wet_run_and_ends_with_the_counts(territory, tmp_path):
    out = StringIO()
    with freeze_time("2026-01-15 12:00:00"):
        call_command("import_cra_v1", str(BAD), "--report", str(tmp_path / "r.csv"), stdout=out, stderr=StringIO())
    assert not Activity.objects.exists()
    assert out.getvalue().rstrip().splitlines()[-1] == "lues : 19, importées : 1, rejetées : 18"
    assert "Simulation" in out.getvalue()

    out = StringIO()
    with freeze_time("2026-01-15 12:00:00"):
        call_command(
            "import_cra_v1",
            str(EXAMPLE),
            "--wet-run",
            "--report",
            str(tmp_path / "r.csv"),
            stdout=out,
            stderr=StringIO(),
        )
    assert Activity.objects.count() == 10
    assert out.getvalue().rstrip().splitlines()[-1] == "lues : 10, importées : 10, rejetées : 0"
    assert "Conseillers v1 inconnus : 2" in out.getvalue()


def test_a_file_that_is_not_an_export_is_refused(territory, tmp_path):
    with pytest.raises(CommandError, match="colonnes absentes : canal, activite"):
        call_command("import_cra_v1", str(DATA / "cra_v1_not_an_export.csv"), stdout=StringIO(), stderr=StringIO())


def test_trailing_fields_null_are_ignored_others_are_a_warning(territory, tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "extra.csv"
    path.write_text("\n".join([lines[0], lines[2], lines[2].replace("a000", "a001", 1) + ",surprise"]) + "\n")

    result, report = run(path, tmp_path)

    assert result.imported == 2
    assert issues_of(report, "a00000000000000000000001") == []  # three trailing "null": nothing to say
    assert issues_of(report, "a00100000000000000000001") == [
        ("", "avertissement", "4 champs après la dernière colonne de l'en-tête, ignorés")
    ]
    archived = LegacyActivityRow.objects.get(legacy_id="a00100000000000000000001")
    assert archived.values["_extra"] == ["null", "null", "null", "surprise"]


def test_an_imported_activity_deleted_since_is_not_imported_again(territory, tmp_path):
    run(EXAMPLE, tmp_path)
    Activity.objects.filter(legacy_id="a00000000000000000000001").delete()

    result, _report = run(EXAMPLE, tmp_path)

    assert (result.imported, result.already) == (0, 10)
    assert not Activity.objects.filter(legacy_id="a00000000000000000000001").exists()
    assert LegacyActivityRow.objects.get(legacy_id="a00000000000000000000001").outcome == "imported"
