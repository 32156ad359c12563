import gzip

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cordee.aggregation.enums import ImportState
from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport
from cordee.aggregation.tasks import run_place_import
from cordee.core.errors import NotAllowed
from cordee.journal.models import Entry
from cordee.places.models import Place
from cordee.places.perms import can_import_places
from tests.places.test_import import V1_HEADER
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.user_kinds import make_user
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID_ROW = (
    "x{n},21230096600018,Tiers-lieu {n},Guéret,23000,23096,1 rue A,46.1,1.8,05 55 52 00 00,a@example.org,"
    '"Mo-Fr 09:00-12:00",2024-04-02,Aide aux démarches administratives,Gratuit,,En autonomie'
)
INVALID_ROW = "y1,21230096600018,,Guéret,23000,23096,1 rue A,46.1,1.8,,,,2024-04-02,,,,"


def places_csv(valid=3, invalid=1):
    rows = [VALID_ROW.format(n=n) for n in range(1, valid + 1)] + [INVALID_ROW] * invalid
    return (V1_HEADER + "\n" + "\n".join(rows) + "\n").encode()


def stored_import(content, name="lieux.csv", user=None):
    place_import = PlaceImport(requested_by=user or UserFactory(national_admin=True), source_name="test")
    place_import.original_name = name
    place_import.file.save(name, ContentFile(content), save=False)
    place_import.save()
    return place_import


def test_task_imports_valid_rows_and_reports_invalid_ones():
    place_import = stored_import(places_csv(valid=3, invalid=1))

    run_place_import(place_import.pk)

    place_import.refresh_from_db()
    assert place_import.state == ImportState.DONE
    assert (place_import.created_count, place_import.updated_count, place_import.rejected_count) == (3, 0, 1)
    assert place_import.progress_done == place_import.progress_total == 4
    assert place_import.started_at and place_import.finished_at
    assert Place.objects.filter(source_name="test").count() == 3
    with place_import.result_file.open("rb") as report:
        assert report.read().decode().startswith("ligne,champ,niveau,motif,valeur\r\n")
    rejected = [issue for issue in uploads.first_issues(place_import) if issue["level"] == "rejet"]
    assert rejected and rejected[0]["row"] == "5"
    entry = Entry.objects.get(action="places.import")
    assert entry.details == {"state": "done", "created": 3, "updated": 0, "rejected": 1}


def test_second_import_of_the_same_file_changes_nothing():
    run_place_import(stored_import(places_csv(valid=2, invalid=0)).pk)
    second = stored_import(places_csv(valid=2, invalid=0))

    run_place_import(second.pk)

    second.refresh_from_db()
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
    assert "0 modifié, 2 inchangés" in second.outcome_text


def test_progress_is_saved_at_most_every_two_percent(django_assert_max_num_queries):
    place_import = stored_import(b"")

    with django_assert_max_num_queries(51):
        for done in range(100, 10_001, 100):
            place_import.beat(done, 10_000)

    place_import.refresh_from_db()
    assert place_import.progress_done == 10_000 and place_import.heartbeat_at is not None


def test_unreadable_file_fails_with_the_importer_message():
    place_import = stored_import(b"   \n")

    run_place_import(place_import.pk)

    place_import.refresh_from_db()
    assert place_import.state == ImportState.FAILED
    assert "est vide" in place_import.error_message
    assert Entry.objects.get(action="places.import").details["state"] == "failed"


def test_file_without_places_fails():
    place_import = stored_import(b"[]", name="lieux.json")

    run_place_import(place_import.pk)

    place_import.refresh_from_db()
    assert place_import.state == ImportState.FAILED
    assert place_import.error_message == "Le fichier lieux.json ne contient aucun lieu."


@pytest.mark.parametrize(
    "kind,allowed",
    [
        ("anonymous", False),
        ("no_role", False),
        ("member", False),
        ("gestionnaire", False),
        ("coordinator_in_scope", True),
        ("national_admin", True),
    ],
)
def test_who_may_import(kind, allowed):
    user = make_user(kind) or AnonymousUser()
    assert can_import_places(user) is allowed


def test_start_import_refuses_people_without_the_right():
    with pytest.raises(NotAllowed):
        uploads.start_import(MembershipFactory(gestionnaire=True).user, SimpleUploadedFile("a.csv", b"x"), "source")


def test_start_import_checks_file_and_source_name(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 10)
    admin = UserFactory(national_admin=True)

    with pytest.raises(uploads.ImportRefused) as refused:
        uploads.start_import(admin, SimpleUploadedFile("lieux.xlsx", b"x" * 11), "nom avec espaces")

    assert set(refused.value.errors) == {"file", "source_name"}
    assert "format CSV" in refused.value.errors["file"] and "20 Mo" in refused.value.errors["file"]
    assert not PlaceImport.objects.exists()


def test_start_import_runs_the_task_after_commit(django_capture_on_commit_callbacks):
    admin = UserFactory(national_admin=True)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload = SimpleUploadedFile("lieux.csv.gz", gzip.compress(places_csv()))
        place_import = uploads.start_import(admin, upload, "test")
        assert PlaceImport.objects.get().state == ImportState.PENDING

    assert len(callbacks) == 1
    place_import.refresh_from_db()
    assert place_import.state == ImportState.DONE and place_import.created_count == 3
    assert place_import.file.name.startswith("imports/")


def test_an_import_outlives_the_account_that_started_it():
    user = UserFactory(national_admin=True)
    place_import = PlaceImport.objects.create(requested_by=user, source_name="essai", original_name="lieux.csv")
    user.delete()
    place_import.refresh_from_db()
    assert place_import.requested_by is None


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("lieux.json", b'{"type": "FeatureCollection", "features": [', "n'est pas un JSON valide"),
        ("lieux.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(100), "données binaires"),
        ("lieux.csv", V1_HEADER.encode() + b"\n", "ne contient aucun lieu"),
    ],
)
def test_start_import_refuses_an_unreadable_file_at_once_with_the_parser_reason(name, content, reason):
    with pytest.raises(uploads.ImportRefused) as refused:
        uploads.start_import(UserFactory(national_admin=True), SimpleUploadedFile(name, content), "essai")

    assert reason in refused.value.errors["file"]
    assert not PlaceImport.objects.exists()


def test_source_slug_from_a_plain_name():
    assert uploads.source_slug("Hub du Sud — Région") == "hub-du-sud-region"


MARSEILLE_ROW = (
    "m{n},21230096600018,Espace {n},Marseille,13001,13201,1 rue B,43.3,5.4,,,,2024-04-02,"
    "Aide aux démarches administratives,Gratuit,,En autonomie"
)


@pytest.fixture
def communes():
    from tests.territories.factories import CommuneFactory, DepartementFactory

    return {
        "gueret": CommuneFactory(),
        "marseille": CommuneFactory(
            code_insee="13201",
            name="Marseille 1er Arrondissement",
            departement=DepartementFactory(code="13", name="Bouches-du-Rhône"),
            epci=None,
            latitude=43.3,
            longitude=5.4,
            postal_codes="13001",
        ),
    }


def test_a_coordinator_import_writes_only_inside_their_territories(communes):
    creuse = CoordinatorScopeFactory().user
    content = (V1_HEADER + "\n" + VALID_ROW.format(n=1) + "\n" + MARSEILLE_ROW.format(n=1) + "\n").encode()
    place_import = stored_import(content, user=creuse)

    uploads.run(place_import)

    place_import.refresh_from_db()
    assert (place_import.created_count, place_import.rejected_count) == (1, 1)
    assert list(Place.objects.values_list("source_id", flat=True)) == ["x1"]
    assert any("hors de vos territoires" in issue["reason"] for issue in uploads.first_issues(place_import))
    assert place_import.departement_codes == "|23|"


def test_an_import_never_overwrites_a_place_the_importer_may_not_edit(communes):
    from tests.places.factories import PlaceFactory

    marseille_place = PlaceFactory(
        source_name="test", source_id="x1", name="Lieu qualifié de Marseille", commune_ref=communes["marseille"]
    )
    creuse = CoordinatorScopeFactory().user

    uploads.run(stored_import(places_csv(valid=1, invalid=0), user=creuse))

    marseille_place.refresh_from_db()
    assert marseille_place.name == "Lieu qualifié de Marseille"
    place_import = PlaceImport.objects.get()
    assert (place_import.updated_count, place_import.rejected_count) == (0, 1)
    assert "que vous ne pouvez pas modifier" in uploads.first_issues(place_import)[0]["reason"]


def test_every_change_an_import_makes_is_journaled_on_the_place(communes):
    admin = UserFactory(national_admin=True)
    place_import = stored_import(places_csv(valid=2, invalid=0), user=admin)

    uploads.run(place_import)

    entries = Entry.objects.filter(action="places.imported")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in Place.objects.values_list("pk", flat=True)
    )
    assert {entry.details["import"] for entry in entries} == {place_import.pk}
    assert {entry.details["change"] for entry in entries} == {"created"}
    assert all(entry.object_type == "places.place" for entry in entries)


def test_visible_imports_follow_the_territories(communes):
    from cordee.places.perms import visible_imports

    admin = UserFactory(national_admin=True)
    place_import = stored_import(places_csv(valid=1, invalid=0), user=admin)
    uploads.run(place_import)
    creuse, nord = CoordinatorScopeFactory().user, CoordinatorScopeFactory(nord=True).user

    assert list(visible_imports(creuse, PlaceImport.objects.all())) == [place_import]
    assert not visible_imports(nord, PlaceImport.objects.all()).exists()
    assert list(visible_imports(admin, PlaceImport.objects.all())) == [place_import]


def test_an_import_whose_requester_was_deleted_writes_nothing(communes):
    user = CoordinatorScopeFactory().user
    place_import = stored_import(places_csv(valid=2, invalid=0), user=user)
    user.delete()
    place_import.refresh_from_db()

    uploads.run(place_import)

    place_import.refresh_from_db()
    assert (place_import.created_count, place_import.rejected_count) == (0, 2)
    assert not Place.objects.exists()
