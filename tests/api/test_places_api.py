import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cordee.aggregation.standard import STANDARD_FIELDS
from cordee.journal.models import Entry
from cordee.places import enums
from cordee.places.models import Place
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday_10am(monkeypatch):
    """Now is Monday 2 June 2025, 10:00 in Paris. (Not freezegun: the opening_hours extension remembers the
    datetime class it first meets, and FakeDatetime would break every later call in the process.)"""
    moment = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


LIST_URL = reverse("api:places")
GUERET = (46.17199, 1.87148)
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-17:00"


def detail_url(place):
    return reverse("api:place", kwargs={"pk": place.pk})


def get(**params):
    return APIClient().get(LIST_URL, params)


def noms(response):
    return [result["nom"] for result in response.json()["results"]]


# Search --------------------------------------------------------------------------------------------------


def test_search_payload(monday_10am, django_assert_num_queries):
    place = PlaceFactory(
        name="Médiathèque de Guéret",
        address="1 avenue de la République",
        opening_hours=WEEKDAYS,
        pass_numerique=True,
    )

    with django_assert_num_queries(2):  # count and page: nothing per place
        response = get(lat=GUERET[0], lon=GUERET[1])

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": place.pk,
                "nom": "Médiathèque de Guéret",
                "adresse": "1 avenue de la République",
                "code_postal": "23000",
                "commune": "Guéret",
                "code_insee": "23096",
                "latitude": 46.17299,
                "longitude": 1.87248,
                "distance_km": 0.135,
                "services": ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
                "frais_a_charge": ["Gratuit"],
                "pass_numerique": True,
                "horaires": WEEKDAYS,
                "open_now": True,
            }
        ],
    }


def test_no_distance_without_a_point_and_open_now_null_without_hours():
    PlaceFactory(name="Sans horaires")

    result = get().json()["results"][0]

    assert "distance_km" not in result
    assert result["open_now"] is None


def test_filters_are_passed_to_the_search():
    PlaceFactory(name="Parentalité", services=[enums.Service.PARENTALITE.value], opening_hours=WEEKDAYS)
    PlaceFactory(name="Pass", pass_numerique=True, opening_hours="Sa 09:00-12:00")
    PlaceFactory(name="Marseille", in_marseille=True)

    assert noms(get(services=enums.Service.PARENTALITE.value)) == ["Parentalité"]
    assert noms(get(pass_numerique="oui")) == ["Pass"]
    assert noms(get(departement="13")) == ["Marseille"]
    assert noms(get(q="PARENTALITE")) == ["Parentalité"]
    assert noms(get(open_at="2025-06-07T10:00")) == ["Pass"]
    monday = get(open_at="2025-06-02T13:00").json()
    assert monday["count"] == 0
    assert noms(get(lat=GUERET[0], lon=GUERET[1], radius_km=50)) == ["Parentalité", "Pass"]


def test_open_now_of_results_is_at_the_time_asked():
    PlaceFactory(name="Semaine", opening_hours=WEEKDAYS)

    saturday = get(open_at="2025-06-07T10:00", pass_numerique="false").json()
    assert saturday["count"] == 0
    result = get(code_insee="23096", open_at="2025-06-02T10:00").json()["results"][0]
    assert result["open_now"] is True


def test_bad_parameters_give_every_error_in_french():
    response = get(lat="46", radius_km="500", services="Jardinage", page="0", page_size="101", open_now="peut-être")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["radius_km"] == "radius_km doit être un nombre entre 0 et 100"
    assert errors["lon"] == "lon est obligatoire avec lat : indiquez les deux coordonnées du point"
    assert errors["services"].startswith("valeur inconnue pour services : « Jardinage »")
    assert errors["page"] == "page doit être un entier supérieur ou égal à 1"
    assert errors["page_size"] == "page_size doit être un entier entre 1 et 100"
    assert errors["open_now"] == "open_now doit valoir true ou false (ou 1/0, oui/non)"


def test_pagination():
    for number in range(5):
        PlaceFactory(name=f"Lieu {number}", latitude=GUERET[0] + number * 0.01, longitude=GUERET[1])

    first = get(lat=GUERET[0], lon=GUERET[1], page_size=2).json()
    assert first["count"] == 5
    assert [result["nom"] for result in first["results"]] == ["Lieu 0", "Lieu 1"]
    assert first["previous"] is None
    second = APIClient().get(first["next"]).json()
    assert [result["nom"] for result in second["results"]] == ["Lieu 2", "Lieu 3"]
    third = APIClient().get(second["next"]).json()
    assert [result["nom"] for result in third["results"]] == ["Lieu 4"]
    assert third["next"] is None
    assert APIClient().get(third["previous"]).json() == second
    assert APIClient().get(second["previous"]).json() == first
    beyond = get(lat=GUERET[0], lon=GUERET[1], page_size=2, page=9).json()
    assert beyond["results"] == []
    assert beyond["count"] == 5


def test_search_is_public_and_the_same_for_a_signed_in_user():
    PlaceFactory(name="Lieu")
    client = APIClient()
    client.force_authenticate(UserFactory())

    assert client.get(LIST_URL).json() == get().json()


# Detail --------------------------------------------------------------------------------------------------


def test_detail_has_every_standard_field_and_ours(monday_10am):
    structure = StructureFactory()
    place = PlaceFactory(
        name="Tiers-lieu",
        opening_hours=WEEKDAYS,
        structure=structure,
        qualified=True,
        with_contacts=True,
        source_id="abc-1",
    )

    response = APIClient().get(detail_url(place))

    assert response.status_code == 200
    data = response.json()
    assert set(STANDARD_FIELDS) <= set(data)
    assert data["id"] == place.pk
    assert data["id_source"] == "abc-1"
    assert data["nom"] == "Tiers-lieu"
    assert data["telephone"] == ["+33555520000"]
    assert data["date_maj"] == "2024-03-01"
    assert data["horaires"] == WEEKDAYS
    assert data["structure"] == structure.pk
    assert data["qualification"] == "qualified"
    assert data["qualification_libelle"] == "Lieu qualifié"
    assert data["precision_coordonnees"] == "address"
    assert data["pass_numerique"] is False
    assert data["open_now"] is True
    assert 0 < data["completude"] <= 100


def test_unknown_place_is_404():
    assert APIClient().get(reverse("api:place", kwargs={"pk": 999999})).status_code == 404


# Writes --------------------------------------------------------------------------------------------------


@pytest.fixture
def structure(db):
    return StructureFactory()


def make_user(kind, structure):
    if kind == "anonymous":
        return None
    if kind == "admin":
        return UserFactory(national_admin=True)
    if kind == "gestionnaire":
        return MembershipFactory(structure=structure, gestionnaire=True).user
    if kind == "mediateur":
        return MembershipFactory(structure=structure).user
    if kind == "gestionnaire_other":
        return MembershipFactory(structure=StructureFactory(in_marseille=True), gestionnaire=True).user
    if kind == "coordinator_in":
        return CoordinatorScopeFactory().user  # Creuse
    if kind == "coordinator_out":
        return CoordinatorScopeFactory(nord=True).user
    if kind == "nobody":
        return UserFactory()
    raise ValueError(kind)


def client_for(user):
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


NEW_PLACE = {
    "nom": "Espace numérique de Guéret",
    "adresse": "12 rue Nationale",
    "code_postal": "23000",
    "code_insee": "23096",
    "telephone": ["05 55 52 00 00"],
    "horaires": WEEKDAYS,
    "services": [enums.Service.AIDE_DEMARCHES.value],
    "frais_a_charge": [enums.Fee.GRATUIT.value],
    "pass_numerique": True,
}

WRITERS = [
    ("anonymous", 401),
    ("nobody", 403),
    ("mediateur", 403),
    ("gestionnaire", None),
    ("gestionnaire_other", 403),
    ("coordinator_in", None),
    ("coordinator_out", 403),
    ("admin", None),
]


@pytest.mark.parametrize("kind, refused", WRITERS)
def test_create_permissions(kind, refused, structure):
    user = make_user(kind, structure)

    response = client_for(user).post(LIST_URL, {**NEW_PLACE, "structure": structure.pk}, format="json")

    assert response.status_code == (refused or 201), response.json()
    if refused:
        assert not Place.objects.exists()
        return
    place = Place.objects.get()
    assert response.json()["id"] == place.pk
    assert place.structure == structure
    assert place.phones == ["+33555520000"]
    assert place.accepts_pass_numerique is True
    assert place.commune_ref_id == "23096"
    assert place.hours_status == enums.HoursStatus.VALID
    assert place.opening_intervals.count() == 10
    entry = Entry.objects.get(action="places.place.created")
    assert entry.actor == user
    assert entry.object_id == str(place.pk)


@pytest.mark.parametrize("kind, refused", WRITERS)
def test_update_permissions(kind, refused, structure):
    place = PlaceFactory(structure=structure, name="Ancien nom")
    user = make_user(kind, structure)

    response = client_for(user).patch(detail_url(place), {"nom": "Nouveau nom"}, format="json")

    assert response.status_code == (refused or 200)
    place.refresh_from_db()
    if refused:
        assert place.name == "Ancien nom"
        assert not Entry.objects.filter(action="places.place.updated").exists()
        return
    assert place.name == "Nouveau nom"
    assert response.json()["nom"] == "Nouveau nom"
    entry = Entry.objects.get(action="places.place.updated")
    assert entry.details == {"fields": ["name"]}  # model names, as from the web pages


def test_create_for_another_structure_is_refused_even_to_a_gestionnaire(structure):
    user = make_user("gestionnaire", structure)
    other = StructureFactory(in_lille=True)

    response = client_for(user).post(LIST_URL, {**NEW_PLACE, "structure": other.pk}, format="json")

    assert response.status_code == 403
    assert not Place.objects.exists()


def test_gestionnaire_may_not_give_the_place_away(structure):
    user = make_user("gestionnaire", structure)
    place = PlaceFactory(structure=structure, commune_ref=CommuneFactory(lille=True))

    response = client_for(user).patch(
        detail_url(place), {"structure": StructureFactory(in_lille=True).pk}, format="json"
    )

    assert response.status_code == 403
    place.refresh_from_db()
    assert place.structure == structure


def test_write_validation_uses_the_import_rules(structure):
    user = make_user("admin", structure)
    payload = {
        **NEW_PLACE,
        "telephone": ["12"],
        "services": ["Jardinage"],
        "horaires": "lundi 9h-12h",
        "courriels": ["pas-une-adresse"],
        "pass_numerique": "oui",
        "couleur": "bleu",
    }

    response = client_for(user).post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"pass_numerique", "couleur"}  # types first
    del payload["pass_numerique"], payload["couleur"]

    errors = client_for(user).post(LIST_URL, payload, format="json").json()["errors"]
    assert set(errors) == {"telephone", "services", "horaires", "courriels"}
    assert errors["telephone"].startswith("Numéro de téléphone invalide : « 12 »")
    assert errors["services"] == "Valeur inconnue du standard : « Jardinage »."
    assert errors["horaires"].startswith("Horaires illisibles")
    assert not Place.objects.exists()


def test_a_name_is_required_to_create(structure):
    response = client_for(make_user("admin", structure)).post(LIST_URL, {"adresse": "1 rue"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["nom"] == "Ce champ est obligatoire."


def test_patch_hours_updates_the_open_search(structure):
    place = PlaceFactory(structure=structure)
    user = make_user("gestionnaire", structure)

    response = client_for(user).patch(detail_url(place), {"horaires": "Sa 10:00-12:00"}, format="json")

    assert response.status_code == 200
    assert noms(get(open_at=dt.datetime(2025, 6, 7, 11, 0).isoformat())) == [place.name]
    place.refresh_from_db()
    assert place.latitude == pytest.approx(46.17299)  # location untouched
    assert place.coordinates_precision == enums.CoordinatesPrecision.ADDRESS


def test_patch_location_refreshes_the_commune(structure):
    place = PlaceFactory(structure=structure)
    lille = CommuneFactory(lille=True)
    location = {"code_insee": "59350", "code_postal": "59000", "commune": "Lille", "latitude": None, "longitude": None}

    response = client_for(make_user("admin", structure)).patch(detail_url(place), location, format="json")

    assert response.status_code == 200
    place.refresh_from_db()
    assert place.commune_ref == lille
    assert (place.latitude, place.longitude) == (lille.latitude, lille.longitude)
    assert place.coordinates_precision == enums.CoordinatesPrecision.COMMUNE
    assert place.departement_code == "59"


# Exports -------------------------------------------------------------------------------------------------


def _streamed(response):
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("suffix", ["csv", "json", "geojson"])
def test_exports_use_the_search_filters(suffix):
    PlaceFactory(name="Guéret numérique")
    PlaceFactory(name="Marseille numérique", in_marseille=True)

    response = APIClient().get(reverse(f"api:places-export-{suffix}"), {"departement": "13"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="lieux-mediation-numerique.{suffix}"'
    body = _streamed(response)
    assert "Marseille numérique" in body
    assert "Guéret numérique" not in body


def test_export_refuses_bad_parameters():
    response = APIClient().get(reverse("api:places-export-csv"), {"radius_km": "500"})

    assert response.status_code == 400
    assert response.json() == {"errors": {"radius_km": "radius_km doit être un nombre entre 0 et 100"}}
