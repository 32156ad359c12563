import datetime as dt

import pytest
from django.utils import timezone

from cordee.journal.models import Entry
from cordee.places import perms, services
from cordee.places.models import PlaceCriterion
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gestionnaire():
    return MembershipFactory(gestionnaire=True).user


@pytest.fixture
def place(gestionnaire):
    return PlaceFactory(structure=gestionnaire.memberships.get().structure, source_updated_on=dt.date(2020, 1, 1))


def test_update_journals_changed_field_names_only_and_refreshes_everything(place, gestionnaire):
    updated, changed = services.update_place(
        gestionnaire, place, {"name": place.name, "opening_hours": "Mo-Fr 09:00-12:00", "phones": ["+33555520000"]}
    )
    assert changed == ["opening_hours", "phones"]
    assert updated.source_updated_on == timezone.localdate()
    assert updated.opening_intervals.count() == 5
    assert updated.hours_status == "valid"
    entry = Entry.objects.get(action="places.place.updated")
    assert entry.details == {"fields": ["opening_hours", "phones"]}
    met = set(PlaceCriterion.objects.filter(place=place).values_list("criterion__code", flat=True))
    assert {"horaires-publies", "contact-joignable", "informations-a-jour"} <= met


def test_update_refuses_unknown_fields(place, gestionnaire):
    with pytest.raises(ValueError):
        services.update_place(gestionnaire, place, {"qualification_state": "qualified"})


def test_update_is_refused_to_others(place):
    mediateur = MembershipFactory(structure=place.structure).user
    with pytest.raises(services.PlaceActionNotAllowed):
        services.update_place(mediateur, place, {"name": "Autre"})
    assert not Entry.objects.filter(action="places.place.updated").exists()


def test_create_for_a_structure(gestionnaire):
    structure = gestionnaire.memberships.get().structure
    commune = CommuneFactory()
    place = services.create_place(
        gestionnaire,
        structure,
        {
            "name": "Nouveau lieu",
            "address": "2 rue Basse",
            "postal_code": "23000",
            "code_insee": "23096",
            "commune_name": "Guéret",
            "commune_ref": commune,
        },
    )
    assert place.structure == structure and place.source_name == "cordee"
    assert Entry.objects.get(action="places.place.created").details["structure_id"] == structure.pk


def test_coordinator_creates_only_inside_their_territory():
    coordinator = CoordinatorScopeFactory().user
    structure = StructureFactory()
    marseille = CommuneFactory(marseille=True)
    with pytest.raises(services.PlaceActionNotAllowed):
        services.create_place(coordinator, structure, {"name": "Ailleurs", "commune_ref": marseille})


@pytest.mark.parametrize(
    "who,edit,decide,referential",
    [
        ("gestionnaire", True, False, False),
        ("mediateur", False, False, False),
        ("coordinator", True, True, False),
        ("coordinator_elsewhere", False, False, False),
        ("admin", True, True, True),
        ("anonymous", False, False, False),
    ],
)
def test_permissions(place, gestionnaire, who, edit, decide, referential):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "gestionnaire": lambda: gestionnaire,
        "mediateur": lambda: MembershipFactory(structure=place.structure).user,
        "coordinator": lambda: CoordinatorScopeFactory().user,
        "coordinator_elsewhere": lambda: CoordinatorScopeFactory(nord=True).user,
        "admin": lambda: UserFactory(national_admin=True),
        "anonymous": AnonymousUser,
    }[who]()
    assert perms.can_edit_place(user, place) is edit
    assert perms.can_moderate_reports(user, place) is edit
    assert perms.can_decide_qualification(user, place) is decide
    assert perms.can_edit_referential(user) is referential
    assert (place in perms.managed_places(user)) is edit
