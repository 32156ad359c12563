import gzip
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cordee.aggregation.enums import ImportState
from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport
from cordee.places.models import Place
from tests.places.test_place_imports import places_csv, stored_import
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_user(kind):
    return {
        "anonymous": lambda: None,
        "member": lambda: MembershipFactory().user,
        "gestionnaire": lambda: MembershipFactory(gestionnaire=True).user,
        "coordinator": lambda: CoordinatorScopeFactory().user,
        "national_admin": lambda: UserFactory(national_admin=True),
    }[kind]()


def expect(*statuses):
    return dict(zip(["anonymous", "member", "gestionnaire", "coordinator", "national_admin"], statuses, strict=True))


#                                  anon member gest coord admin
PAGE_EXPECTATIONS = {
    "import_list": expect(302, 403, 403, 200, 200),
    "import_create": expect(302, 403, 403, 200, 200),
    "import_detail": expect(302, 403, 403, 200, 200),
    "import_report": expect(302, 403, 403, 200, 200),
}


@pytest.fixture
def done_import():
    # sent by a coordinator of the Creuse: the "coordinator" kind (Creuse too) follows it
    place_import = stored_import(places_csv(valid=2, invalid=1), user=CoordinatorScopeFactory().user)
    uploads.run(place_import)
    return place_import


@pytest.mark.parametrize("kind", ["anonymous", "member", "gestionnaire", "coordinator", "national_admin"])
@pytest.mark.parametrize("name", PAGE_EXPECTATIONS)
def test_pages_by_user_kind(client, done_import, name, kind):
    user = make_user(kind)
    if user is not None:
        client.force_login(user)
    kwargs = {"pk": done_import.pk} if name in ("import_detail", "import_report") else {}

    response = client.get(reverse(f"www:places_manage:{name}", kwargs=kwargs))

    assert response.status_code == PAGE_EXPECTATIONS[name][kind]
    if kind == "anonymous":
        assert response.url.startswith(reverse("www:accounts:login"))


def test_the_requester_keeps_access_to_their_import(client, done_import):
    """Someone who started an import sees it even without the right to start another."""
    requester = MembershipFactory(gestionnaire=True).user
    done_import.requested_by = requester
    done_import.save()
    client.force_login(requester)

    assert client.get(reverse("www:places_manage:import_detail", kwargs={"pk": done_import.pk})).status_code == 200
    assert client.get(reverse("www:places_manage:import_report", kwargs={"pk": done_import.pk})).status_code == 200


def test_upload_then_progress_page_shows_summary_and_problems(client, django_capture_on_commit_callbacks):
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("www:places_manage:import_create"),
            {"file": SimpleUploadedFile("hub-2024.csv", places_csv(valid=3, invalid=1)), "source_name": "hub"},
        )

    place_import = PlaceImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("www:places_manage:import_detail", kwargs={"pk": place_import.pk})
    assert place_import.requested_by == coordinator and place_import.state == ImportState.DONE
    assert Place.objects.filter(source_name="hub").count() == 3
    page = unescape(client.get(response.url).content.decode())
    assert "Import terminé" in page
    assert "4 lignes lues : 3 lieux créés, 0 mis à jour, 1 lignes rejetées" in " ".join(page.split())
    assert "<td>5</td>" in page
    assert reverse("www:places_manage:import_report", kwargs={"pk": place_import.pk}) in page
    assert "hx-get" not in page
    listing = client.get(reverse("www:places_manage:import_list")).content.decode()
    assert "hub-2024.csv" in listing
    report = client.get(reverse("www:places_manage:import_report", kwargs={"pk": place_import.pk}))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert b"ligne,champ,niveau,motif,valeur" in report.content


def test_failed_import_shows_its_message(client):
    place_import = stored_import(b"   ")
    uploads.run(place_import)
    client.force_login(place_import.requested_by)
    response = client.get(reverse("www:places_manage:import_detail", kwargs={"pk": place_import.pk}))

    page = unescape(response.content.decode())

    assert "L'import a échoué" in page and "est vide" in page


def test_running_import_shows_progress_and_polls(client):
    place_import = stored_import(places_csv())
    PlaceImport.objects.filter(pk=place_import.pk).update(
        state=ImportState.RUNNING, progress_done=1200, progress_total=4930
    )
    client.force_login(place_import.requested_by)
    url = reverse("www:places_manage:import_detail", kwargs={"pk": place_import.pk})

    page = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"})

    assert '<progress id="import-progress"' in page and 'max="4930"' in page and 'value="1200"' in page
    assert "1\u00a0200 lignes sur 4\u00a0930" in page
    assert f'hx-get="{url}"' in page and "Mettre à jour l'avancement" in page
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "1\u00a0200 lignes sur 4\u00a0930" in partial.content.decode()


def test_polling_stops_when_the_import_is_over(client, done_import):
    client.force_login(done_import.requested_by)

    response = client.get(
        reverse("www:places_manage:import_detail", kwargs={"pk": done_import.pk}), headers={"HX-Request": "true"}
    )

    assert response.status_code == 286 and "Import terminé" in response.content.decode()


@pytest.mark.parametrize(
    "name,content,source_name,message",
    [
        ("lieux.xlsx", b"x", "hub", "au format CSV, JSON ou GeoJSON"),
        ("lieux.csv", b"x" * 11, "hub", "taille maximale de 20 Mo"),
        ("lieux.csv", b"x", "hub du sud", "Le nom de la source ne peut contenir"),
    ],
)
def test_refused_uploads_show_form_errors(client, monkeypatch, name, content, source_name, message):
    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 10)
    client.force_login(UserFactory(national_admin=True))

    response = client.post(
        reverse("www:places_manage:import_create"),
        {"file": SimpleUploadedFile(name, content), "source_name": source_name},
    )

    page = unescape(response.content.decode())
    assert response.status_code == 200 and message in page
    assert "Le formulaire contient des erreurs" in page and 'aria-invalid="true"' in page
    assert not PlaceImport.objects.exists()


def test_compressed_upload_is_accepted(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(national_admin=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("www:places_manage:import_create"),
            {"file": SimpleUploadedFile("lieux.csv.gz", gzip.compress(places_csv())), "source_name": "gz"},
        )

    assert PlaceImport.objects.get().created_count == 3
