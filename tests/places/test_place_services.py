"""One write path for places: the domain actions, their permissions, and the web and the API giving the same result."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cordee.aggregation.models import PlaceImport
from cordee.core.errors import Invalid, NotAllowed
from cordee.journal.models import Entry
from cordee.places import enums, perms, services
from cordee.places.models import Place, PlaceCriterion
from cordee.users.tokens import create_api_token
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
OLD = dt.date(2020, 1, 1)


@pytest.fixture
def gestionnaire():
    return MembershipFactory(gestionnaire=True).user


@pytest.fixture
def structure(gestionnaire):
    return gestionnaire.memberships.get().structure


@pytest.fixture
def place(structure):
    return PlaceFactory(structure=structure, source_updated_on=OLD)


def api_client(user):
    client = APIClient()
    _token, key = create_api_token(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- The domain actions ---------------------------------------------------------------------------------


def test_update_journals_changed_field_names_only_and_refreshes_everything(place, gestionnaire):
    updated, changed = services.update_place(
        gestionnaire, place, {"name": place.name, "opening_hours": "Mo-Fr 09:00-12:00", "phones": ["05 55 52 00 00"]}
    )
    assert changed == ["opening_hours", "phones"]
    assert updated.phones == ["+33555520000"]
    assert updated.source_updated_on == timezone.localdate()
    assert updated.opening_intervals.count() == 5
    assert updated.hours_status == "valid"
    entry = Entry.objects.get(action="places.place.updated")
    assert entry.details == {"fields": ["opening_hours", "phones"]}
    met = set(PlaceCriterion.objects.filter(place=place).values_list("criterion__code", flat=True))
    assert {"horaires-publies", "contact-joignable", "informations-a-jour"} <= met


def test_update_refuses_unknown_fields(place, gestionnaire):
    with pytest.raises(Invalid) as error:
        services.update_place(gestionnaire, place, {"qualification_state": "qualified"})
    assert set(error.value.errors) == {"qualification_state"}


def test_update_gathers_every_invalid_field(place, gestionnaire):
    with pytest.raises(Invalid) as error:
        services.update_place(
            gestionnaire,
            place,
            {"phones": "12", "pivot": "123", "services": ["Jardinage"], "opening_hours": "lundi 9h", "name": ""},
        )
    assert set(error.value.errors) == {"phones", "pivot", "services", "opening_hours", "name"}
    place.refresh_from_db()
    assert place.source_updated_on == OLD


def test_update_is_refused_to_others(place):
    with pytest.raises(NotAllowed):
        services.update_place(UserFactory(), place, {"opening_hours": "Mo 09:00-12:00"})
    assert not Entry.objects.filter(action="places.place.updated").exists()


def test_create_for_a_structure(gestionnaire, structure):
    CommuneFactory()
    place = services.create_place(
        gestionnaire,
        {"name": "Nouveau lieu", "address": "2 rue Basse", "postal_code": "23000", "commune_name": "Gueret"},
        structure=structure,
    )
    assert place.structure == structure and place.source_name == "cordee"
    assert (place.code_insee, place.commune_name, place.commune_ref_id) == ("23096", "Guéret", "23096")
    assert place.coordinates_precision == enums.CoordinatesPrecision.COMMUNE
    assert Entry.objects.get(action="places.place.created").details["structure_id"] == structure.pk


def test_coordinator_creates_only_inside_their_territory():
    coordinator = CoordinatorScopeFactory().user
    CommuneFactory(marseille=True)
    with pytest.raises(NotAllowed):
        services.create_place(coordinator, {"name": "Ailleurs", "code_insee": "13055"})
    assert not Place.objects.exists()


def test_gestionnaire_creates_only_in_their_structures_departement(gestionnaire, structure):
    CommuneFactory(lille=True)
    with pytest.raises(NotAllowed) as error:
        services.create_place(gestionnaire, {"name": "Ailleurs", "code_insee": "59350"}, structure=structure)
    assert error.value.reason == "place_out_of_territory"
    assert not Place.objects.exists()


def test_a_place_is_attached_only_to_a_structure_one_manages_or_coordinates(place):
    coordinator = CoordinatorScopeFactory().user  # Creuse
    marseille = StructureFactory(in_marseille=True)
    with pytest.raises(NotAllowed) as error:
        services.update_place(coordinator, place, {"structure": marseille})
    assert error.value.reason == "structure_not_allowed"
    place.refresh_from_db()
    assert place.structure != marseille


def test_a_coordinator_may_not_move_a_place_out_of_their_territory(place):
    coordinator = CoordinatorScopeFactory().user
    CommuneFactory(lille=True)
    with pytest.raises(NotAllowed):
        services.update_place(coordinator, place, {"code_insee": "59350", "postal_code": "59000"})


def test_team_members_update_hours_and_practical_information_only(place):
    for role in ("mediateur", "conseiller_numerique"):
        member = MembershipFactory(structure=place.structure, role=role).user
        updated, changed = services.update_place(member, place, {"opening_hours": "Tu 14:00-17:00"})
        assert updated.opening_hours == "Tu 14:00-17:00"
        with pytest.raises(NotAllowed) as error:
            services.update_place(member, place, {"name": "Autre nom", "opening_hours": "We 14:00-17:00"})
        assert set(error.value.errors) == {"name"}
    place.refresh_from_db()
    assert place.name != "Autre nom" and place.opening_hours == "Tu 14:00-17:00"


def test_unchanged_coordinates_keep_their_precision(place, gestionnaire):
    commune = place.commune_ref
    place.latitude, place.longitude = commune.latitude, commune.longitude
    place.coordinates_precision = enums.CoordinatesPrecision.COMMUNE
    place.save()
    updated, changed = services.update_place(
        gestionnaire, place, {"latitude": commune.latitude, "longitude": commune.longitude, "address": place.address}
    )
    assert changed == []
    assert updated.coordinates_precision == enums.CoordinatesPrecision.COMMUNE


# --- The web and the API give the same result -------------------------------------------------------------


def _web_edit(client, place, hours):
    form = client.get(reverse("www:places_manage:edit", kwargs={"pk": place.pk})).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value in (None, False):
            continue
        data[name] = value
    data.update(hours_mode="expert", opening_hours=hours)
    response = client.post(reverse("www:places_manage:edit", kwargs={"pk": place.pk}), data)
    assert response.status_code == 302, response.context["form"].errors


def _outcome(place):
    place.refresh_from_db()
    stored = {name: getattr(place, name) for name in ("opening_hours", "hours_status", "source_updated_on", "phones")}
    criteria = set(PlaceCriterion.objects.filter(place=place).values_list("criterion__code", flat=True))
    entry = Entry.objects.for_object(place).latest("pk")
    return stored, criteria, entry.action, entry.details


def test_the_same_hours_edit_from_the_web_and_the_api_gives_the_same_result(client, structure, gestionnaire):
    web_place = PlaceFactory(structure=structure, source_updated_on=OLD, phones=["+33555520000"])
    api_place = PlaceFactory(structure=structure, source_updated_on=OLD, phones=["+33555520000"])
    client.force_login(gestionnaire)

    _web_edit(client, web_place, "Mo-Fr 09:00-12:00")
    response = api_client(gestionnaire).patch(
        f"/api/v1/places/{api_place.pk}/", {"horaires": "Mo-Fr 09:00-12:00"}, format="json"
    )

    assert response.status_code == 200
    web, api = _outcome(web_place), _outcome(api_place)
    assert web == api
    assert web[0]["source_updated_on"] == timezone.localdate()
    assert web[2:] == ("places.place.updated", {"fields": ["opening_hours"]})


def test_the_api_refuses_what_the_web_refuses(structure):
    coordinator = CoordinatorScopeFactory().user  # Creuse
    place = PlaceFactory(structure=structure)
    marseille = StructureFactory(in_marseille=True)

    response = api_client(coordinator).patch(f"/api/v1/places/{place.pk}/", {"structure": marseille.pk}, format="json")

    assert response.status_code == 403
    place.refresh_from_db()
    assert place.structure == structure


def test_api_creation_in_another_territory_is_refused_to_a_gestionnaire(gestionnaire, structure):
    CommuneFactory(lille=True)
    payload = {"nom": "Ailleurs", "code_insee": "59350", "structure": structure.pk}

    response = api_client(gestionnaire).post("/api/v1/places/", payload, format="json")

    assert response.status_code == 403
    assert not Place.objects.exists()


def test_api_creation_asks_for_the_structure_when_the_person_has_several(gestionnaire, structure):
    CommuneFactory()
    MembershipFactory(user=gestionnaire, gestionnaire=True)
    payload = {"nom": "Nouveau", "code_insee": "23096"}

    response = api_client(gestionnaire).post("/api/v1/places/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"structure_id"}

    response = api_client(gestionnaire).post(
        "/api/v1/places/", {**payload, "structure_id": structure.pk}, format="json"
    )
    assert response.status_code == 201
    assert Place.objects.get().structure == structure


def test_api_creation_uses_the_only_structure_of_a_gestionnaire(gestionnaire, structure):
    CommuneFactory()

    response = api_client(gestionnaire).post(
        "/api/v1/places/", {"nom": "Nouveau", "code_insee": "23096"}, format="json"
    )

    assert response.status_code == 201
    assert Place.objects.get().structure == structure


# --- Permissions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,edit,manage,decide,referential",
    [
        ("gestionnaire", True, True, False, False),
        ("mediateur", False, True, False, False),
        ("coordinator", True, True, True, False),
        ("coordinator_elsewhere", False, False, False, False),
        ("admin", True, True, True, True),
        ("anonymous", False, False, False, False),
    ],
)
def test_permissions(place, gestionnaire, who, edit, manage, decide, referential):
    user = {
        "gestionnaire": lambda: gestionnaire,
        "mediateur": lambda: MembershipFactory(structure=place.structure).user,
        "coordinator": lambda: CoordinatorScopeFactory().user,
        "coordinator_elsewhere": lambda: CoordinatorScopeFactory(nord=True).user,
        "admin": lambda: UserFactory(national_admin=True),
        "anonymous": AnonymousUser,
    }[who]()
    assert perms.can_edit_place(user, place) is edit
    assert perms.can_manage_place(user, place) is manage
    assert perms.can_moderate_reports(user, place) is edit
    assert perms.can_decide_qualification(user, place) is decide
    assert perms.can_edit_referential(user) is referential
    assert (place in perms.managed_places(user)) is edit
    assert (place in perms.manageable_places(user)) is manage
    assert (place.pk in perms.editable_place_ids(user, [place])) is edit


def test_set_helpers_answer_for_a_whole_list_in_one_query(place, gestionnaire, django_assert_num_queries):
    others = [PlaceFactory() for _ in range(5)]  # in Guéret, without structure
    from cordee.structures.roles import compute_roles

    roles = compute_roles(gestionnaire)
    with django_assert_num_queries(1):
        ids = perms.editable_place_ids(roles, [place, *others])
    assert ids == {place.pk}


@pytest.mark.parametrize(
    "who,existing,commune,allowed",
    [
        ("coordinator", None, "gueret", True),
        ("coordinator", None, "marseille", False),
        ("coordinator", "gueret_place", "gueret", True),
        ("coordinator", "marseille_place", "gueret", False),  # moving a place from elsewhere
        ("coordinator_marseille", "marseille_managed", "marseille", True),
        ("coordinator", "marseille_managed", "marseille", False),
        ("gestionnaire", None, "gueret", False),  # importers are coordinators and admins
        ("admin", "marseille_managed", "marseille", True),
    ],
)
def test_may_import_place(who, existing, commune, allowed):
    gueret, marseille = CommuneFactory(), CommuneFactory(marseille=True)
    user = {
        "coordinator": lambda: CoordinatorScopeFactory().user,
        "coordinator_marseille": lambda: CoordinatorScopeFactory(marseille=True).user,
        "gestionnaire": lambda: MembershipFactory(gestionnaire=True).user,
        "admin": lambda: UserFactory(national_admin=True),
    }[who]()
    existing_place = {
        None: lambda: None,
        "gueret_place": lambda: PlaceFactory(commune_ref=gueret),
        "marseille_place": lambda: PlaceFactory(commune_ref=marseille),
        "marseille_managed": lambda: PlaceFactory(
            commune_ref=marseille, structure=StructureFactory(in_marseille=True)
        ),
    }[existing]()
    target = {"gueret": gueret, "marseille": marseille}[commune]
    assert perms.may_import_place(user, existing_place, target) is allowed


def test_visible_imports_are_scoped_to_the_coordinators_territories():
    creuse, creuse_colleague = CoordinatorScopeFactory().user, CoordinatorScopeFactory().user
    nord = CoordinatorScopeFactory(nord=True).user
    mine = PlaceImport.objects.create(requested_by=creuse, source_name="a", original_name="a.csv")
    colleague = PlaceImport.objects.create(requested_by=creuse_colleague, source_name="b", original_name="b.csv")
    elsewhere = PlaceImport.objects.create(requested_by=nord, source_name="c", original_name="c.csv")

    assert set(perms.visible_imports(creuse, PlaceImport.objects.all())) == {mine, colleague}
    assert set(perms.visible_imports(nord, PlaceImport.objects.all())) == {elsewhere}
    assert set(perms.visible_imports(UserFactory(national_admin=True), PlaceImport.objects.all())) == {
        mine,
        colleague,
        elsewhere,
    }
    assert not perms.can_view_import(nord, mine)


def test_the_qualification_hook_hears_of_every_change(place, gestionnaire, monkeypatch):
    from cordee.places import quality

    heard = []
    monkeypatch.setattr(quality, "after_place_change", lambda *args: heard.append(args), raising=False)
    services.update_place(gestionnaire, place, {"opening_hours": "Mo 09:00-12:00", "name": place.name})
    assert heard == [(gestionnaire, place, ["opening_hours"])]


def test_coordinates_shown_rounded_are_kept_exact(place, gestionnaire):
    place.latitude, place.longitude = 45.955470000000005, 1.8715000000000002
    place.save()
    updated, changed = services.update_place(gestionnaire, place, {"latitude": 45.95547, "longitude": 1.8715})
    assert changed == []
    assert (updated.latitude, updated.longitude) == (45.955470000000005, 1.8715000000000002)
