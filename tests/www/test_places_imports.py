import gzip
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cordee.aggregation.enums import ImportState
from cordee.aggregation.importing import uploads
from cordee.aggregation.models import PlaceImport
from cordee.places.models import Place
from tests import user_kinds
from tests.places.test_place_imports import places_csv, stored_import
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


KINDS = ["anonymous", "member", "gestionnaire", "coordinator_in_scope", "national_admin"]


def expect(*statuses):
    return user_kinds.expect(*statuses, kinds=KINDS)


#                                  anon member gest coord admin
PAGE_EXPECTATIONS = {
    "import_list": expect(302, 403, 403, 200, 200),
    "import_create": expect(302, 403, 403, 200, 200),
    "import_detail": expect(302, 403, 403, 200, 200),
    "import_report": expect(302, 403, 403, 200, 200),
}


@pytest.fixture
def done_import():
    CommuneFactory()  # Guéret, Creuse: the file's places are inside the coordinators' territory
    # sent by a coordinator of the Creuse: the "coordinator" kind (Creuse too) follows it
    place_import = stored_import(places_csv(valid=2, invalid=1), user=CoordinatorScopeFactory().user)
    uploads.run(place_import)
    return place_import


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", PAGE_EXPECTATIONS)
def test_pages_by_user_kind(client, done_import, name, kind):
    user = user_kinds.make_user(kind)
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
    CommuneFactory()
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("www:places_manage:import_create"),
            {"file": SimpleUploadedFile("hub-2024.csv", places_csv(valid=3, invalid=1)), "new_source": "hub"},
        )

    place_import = PlaceImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("www:places_manage:import_detail", kwargs={"pk": place_import.pk})
    assert place_import.requested_by == coordinator and place_import.state == ImportState.DONE
    assert Place.objects.filter(source_name="hub").count() == 3
    page = unescape(client.get(response.url).content.decode())
    assert "Import terminé" in page
    assert "4 lignes lues : 3 lieux créés, 0 modifié, 0 inchangé, 1 ligne rejetée, 0 avertissement." in " ".join(
        page.split()
    )
    assert "<td>5</td>" in page
    assert reverse("www:places_manage:import_report", kwargs={"pk": place_import.pk}) in page
    assert "hx-get" not in page
    listing = client.get(reverse("www:places_manage:import_list")).content.decode()
    assert "hub-2024.csv" in listing
    report = client.get(reverse("www:places_manage:import_report", kwargs={"pk": place_import.pk}))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert b"ligne,champ,niveau,motif,valeur" in b"".join(report.streaming_content)


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

    assert '<progress id="task-progress"' in page and 'max="4930"' in page and 'value="1200"' in page
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
        ("lieux.csv", b"x", "", "Donnez le nom de la nouvelle source"),
        ("lieux.csv", b"id,nom\n", "hub", "ne contient aucun lieu"),
        ("lieux.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "hub", "il contient des données binaires"),
        ("lieux.json", b'[{"id": "a",', "hub", "n'est pas un JSON valide"),
    ],
)
def test_refused_uploads_show_form_errors(client, monkeypatch, name, content, source_name, message):
    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 10 if len(content) == 11 else 1000)
    client.force_login(UserFactory(national_admin=True))

    response = client.post(
        reverse("www:places_manage:import_create"),
        {"file": SimpleUploadedFile(name, content), "new_source": source_name},
    )

    page = unescape(response.content.decode())
    assert response.status_code == 200 and message in page
    assert "Le formulaire contient des erreurs" in page and 'aria-invalid="true"' in page
    assert "Choisissez à nouveau le fichier" in page
    assert not PlaceImport.objects.exists()


def test_a_source_is_chosen_among_known_ones_or_created_with_a_plain_name(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(national_admin=True))
    url = reverse("www:places_manage:import_create")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("a.csv", places_csv()), "new_source": "Hub du Sud"})
    form_page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("a.csv", places_csv()), "source": "hub-du-sud"})
    both = client.post(
        url, {"file": SimpleUploadedFile("a.csv", places_csv()), "source": "hub-du-sud", "new_source": "x"}
    )

    first, second = PlaceImport.objects.order_by("pk")
    assert first.source_name == second.source_name == "hub-du-sud"
    assert '<option value="hub-du-sud">hub-du-sud</option>' in form_page
    assert (second.created_count, second.unchanged_count) == (0, 3)
    assert "pas les deux" in unescape(both.content.decode())


def test_an_unchanged_reimport_says_nothing_changed(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(national_admin=True))
    url = reverse("www:places_manage:import_create")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": SimpleUploadedFile("a.csv", places_csv()), "new_source": "hub"})

    page = " ".join(unescape(client.get(response.url).content.decode()).split())

    assert "0 lieu créé, 0 modifié, 3 inchangés" in page


def test_compressed_upload_is_accepted(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(national_admin=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("www:places_manage:import_create"),
            {"file": SimpleUploadedFile("lieux.csv.gz", gzip.compress(places_csv())), "new_source": "gz"},
        )

    assert PlaceImport.objects.get().created_count == 3


def test_coordinators_see_only_the_imports_of_their_territories(client, done_import):
    creuse = CoordinatorScopeFactory().user
    nord = CoordinatorScopeFactory(nord=True).user
    detail = reverse("www:places_manage:import_detail", kwargs={"pk": done_import.pk})

    client.force_login(nord)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("www:places_manage:import_report", kwargs={"pk": done_import.pk})).status_code == 404
    assert done_import.original_name not in client.get(reverse("www:places_manage:import_list")).content.decode()
    client.force_login(creuse)
    assert client.get(detail).status_code == 200
    assert done_import.original_name in client.get(reverse("www:places_manage:import_list")).content.decode()


def test_a_too_large_upload_is_stopped_before_it_is_received(monkeypatch):
    from django.test import Client

    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 10)
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(national_admin=True))
    form = client.get(reverse("www:places_manage:import_create"))
    token = form.cookies["csrftoken"].value

    response = client.post(
        reverse("www:places_manage:import_create"),
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("lieux.csv", b"x" * 200_000), "new_source": "hub"},
    )

    page = unescape(response.content.decode())
    assert response.status_code == 200 and "il n'a pas été reçu" in page
    assert not PlaceImport.objects.exists()


def test_the_attach_identical_box_attaches_rows_of_another_source(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(national_admin=True))
    url = reverse("www:places_manage:import_create")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("a.csv", places_csv()), "new_source": "hub"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"file": SimpleUploadedFile("b.csv", places_csv()), "new_source": "Hub bis", "attach_identical": "on"},
        )

    page = " ".join(unescape(client.get(response.url).content.decode()).split())

    assert PlaceImport.objects.order_by("pk").last().attach_identical is True
    assert "rattachées à ces lieux" in page
    assert set(Place.objects.values_list("source_name", flat=True)) == {"hub-bis"}
