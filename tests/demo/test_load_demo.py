import pytest
from django.core.management import CommandError, call_command

from cordee.demo.dataset import PRINTED, STRUCTURES, USERS
from cordee.demo.loader import DemoDataError, load_demo
from cordee.structures.enums import MembershipRole, StructureKind
from cordee.structures.models import CoordinatorScope, Membership, Structure
from cordee.users.models import User
from tests.territories.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_communes():
    departements = {
        "23": DepartementFactory(code="23", name="Creuse"),
        "13": DepartementFactory(code="13", name="Bouches-du-Rhône"),
        "59": DepartementFactory(code="59", name="Nord"),
    }
    for structure in {s.code_insee for s in STRUCTURES}:
        CommuneFactory(
            code_insee=structure, name=f"Commune {structure}", departement=departements[structure[:2]], epci=None
        )


def test_load_demo_creates_every_role_and_is_idempotent(demo_communes):
    report = load_demo()

    assert Structure.objects.count() == len(STRUCTURES)
    assert set(Structure.objects.values_list("kind", flat=True)) == set(StructureKind.values)
    assert User.objects.count() == len(USERS)
    assert User.objects.filter(is_national_admin=True).count() == 1
    assert set(CoordinatorScope.objects.values_list("territory_code", flat=True)) == {"23", "13", "59"}
    assert set(Membership.objects.values_list("role", flat=True)) == set(MembershipRole.values)
    assert report.created["structures"] == len(STRUCTURES)

    second = load_demo()

    assert second.created == {}
    assert Structure.objects.count() == len(STRUCTURES)
    assert User.objects.count() == len(USERS)


def test_dry_run_writes_nothing(demo_communes):
    report = load_demo(dry_run=True)

    assert report.created["comptes"] == len(USERS)
    assert not User.objects.exists()
    assert not Structure.objects.exists()


def test_missing_territories_give_a_clear_message():
    with pytest.raises(DemoDataError, match="load_territories"):
        load_demo()
    assert not Structure.objects.exists()


def test_command_refuses_outside_development(settings, demo_communes):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="développement"):
        call_command("load_demo", "--wet-run")
    assert not User.objects.exists()


def test_demo_accounts_prints_one_account_per_role(demo_communes, capsys):
    load_demo()
    call_command("demo_accounts")
    out = capsys.readouterr().out
    for local in PRINTED:
        assert f"{local}@cordee.example" in out
    assert "absent" not in out
