import gzip
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from cordee.demo import loader
from cordee.demo.dataset import PLACES, PRINTED, STRUCTURES, TEAMS, USERS
from cordee.demo.loader import DemoDataError, load_demo
from cordee.places.models import Place
from cordee.structures.enums import MembershipRole, StructureKind
from cordee.structures.models import CoordinatorScope, Membership, Structure, TeamMembership
from cordee.structures.teams import is_mediator
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
    demo_places = Place.objects.filter(source_name=loader.DEMO_PLACES_SOURCE)
    assert demo_places.count() == len(PLACES)
    assert all(place.structure_id and place.hours_status == "valid" for place in demo_places)
    assert demo_places.filter(accepts_pass_numerique=True, qualification_state="qualified").exists()
    teams = TeamMembership.objects.order_by("pk")
    assert [row.state for row in teams] == ["accepted", "accepted", "invited"]
    assert all(is_mediator(row.mediator) and row.coordinator.coordinator_scopes.exists() for row in teams)
    assert report.created["membres d'équipes de coordinateurs"] == len(TEAMS)

    second = load_demo()

    assert second.created == {}
    assert TeamMembership.objects.count() == len(TEAMS)
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


def test_real_places_are_imported_once_with_the_newest_export_last(tmp_path, monkeypatch):
    shared = loader.REAL_PLACES_DIR
    shutil.copy(shared / "bus-france-services-charente.json.gz", tmp_path)
    shutil.copy(shared / "aix-en-provence.json.gz", tmp_path / "aix-en-provence-2020-01-01.json.gz")
    # Two exports of one source: the later one must be applied after the earlier one.
    with gzip.open(shared / "aix-en-provence.json.gz", "rt", encoding="utf-8") as source:
        text = source.read().replace('"nom": "', '"nom": "2030 ')
    with gzip.open(tmp_path / "aix-en-provence-2030-01-01.json.gz", "wt", encoding="utf-8") as later:
        later.write(text)
    monkeypatch.setattr(loader, "REAL_PLACES_DIR", tmp_path)

    first = loader.load_real_places()

    assert [(r.source_name, r.created, r.updated) for r in first] == [
        ("aix-en-provence", 38, 0),
        ("aix-en-provence", 0, 38),
        ("bus-france-services-charente", 12, 0),
    ]
    assert Place.objects.count() == 50
    assert Place.objects.filter(source_name="aix-en-provence", name__startswith="2030 ").count() == 38
    assert loader.load_real_places() == []
    assert Place.objects.count() == 50


def test_shipped_real_places_files_are_readable():
    names = {path.name for path in loader.real_places_files()}
    assert "hub-du-sud-2023-05-17.json.gz" in names
    assert len(names) == 7


def test_a_place_aggregated_under_another_source_is_not_loaded_twice(tmp_path, monkeypatch):
    from tests.places.test_import import v1_row

    permanence = "62592a1d05457b0790816e6c"
    own = [v1_row(id=permanence, nom="Permanence du conseiller")]
    aggregate = [
        {**v1_row(id=permanence, nom="Permanence du conseiller"), "source": "conseiller-numerique"},
        {**v1_row(id="1003", nom="Autre lieu A"), "source": "conseiller-numerique"},
        {**v1_row(id="1003", nom="Autre lieu B"), "source": "siao"},
    ]
    for name, rows in (("a-conseillers-2022.json.gz", own), ("b-aggregat-2023.json.gz", aggregate)):
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as file:
            json.dump(rows, file)
    monkeypatch.setattr(loader, "REAL_PLACES_DIR", tmp_path)

    reports = loader.load_real_places()

    assert [(report.created, report.skipped) for report in reports] == [(1, 0), (2, 1)]
    assert Place.objects.filter(name="Permanence du conseiller").count() == 1
    assert "1 lieux déjà chargés depuis une autre source, laissés de côté." in reports[1].summary_lines()
