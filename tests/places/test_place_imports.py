import gzip

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cordee.aggregation.enums import ImportState
from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport
from cordee.aggregation.tasks import run_place_import
from cordee.journal.models import Entry
from cordee.places.models import Place
from cordee.places.perms import can_import_places
from tests.places.test_import import V1_HEADER
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
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
    assert "ligne,champ,niveau,motif,valeur" in place_import.report_csv
    rejected = [issue for issue in uploads.first_issues(place_import) if issue["level"] == "rejet"]
    assert rejected and rejected[0]["row"] == "5"
    entry = Entry.objects.get(action="places.import")
    assert entry.details == {"state": "done", "created": 3, "updated": 0, "rejected": 1}


def test_second_import_of_the_same_source_updates():
    run_place_import(stored_import(places_csv(valid=2, invalid=0)).pk)
    second = stored_import(places_csv(valid=2, invalid=0))

    run_place_import(second.pk)

    second.refresh_from_db()
    assert (second.created_count, second.updated_count) == (0, 2)


def test_progress_is_saved_at_most_every_two_percent(django_assert_max_num_queries):
    place_import = stored_import(b"")
    saver = uploads._progress_saver(place_import)

    with django_assert_max_num_queries(51):
        for done in range(100, 10_001, 100):
            saver(done, 10_000)

    place_import.refresh_from_db()
    assert place_import.progress_done == 10_000


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
    [("anonymous", False), ("member", False), ("gestionnaire", False), ("coordinator", True), ("admin", True)],
)
def test_who_may_import(kind, allowed):
    user = {
        "anonymous": AnonymousUser,
        "member": lambda: MembershipFactory().user,
        "gestionnaire": lambda: MembershipFactory(gestionnaire=True).user,
        "coordinator": lambda: CoordinatorScopeFactory().user,
        "admin": lambda: UserFactory(national_admin=True),
    }[kind]()
    assert can_import_places(user) is allowed


def test_start_import_refuses_people_without_the_right():
    with pytest.raises(PermissionDenied):
        uploads.start_import(MembershipFactory(gestionnaire=True).user, SimpleUploadedFile("a.csv", b"x"), "source")


def test_start_import_checks_file_and_source_name(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 10)
    admin = UserFactory(national_admin=True)

    with pytest.raises(uploads.ImportRefused) as refused:
        uploads.start_import(admin, SimpleUploadedFile("lieux.xlsx", b"x" * 11), "nom avec espaces")

    assert set(refused.value.message_dict) == {"file", "source_name"}
    assert len(refused.value.message_dict["file"]) == 2
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
