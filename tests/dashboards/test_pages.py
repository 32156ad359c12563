"""The statistics pages: figures, charts with their tables, filters in one query string, exports."""

import datetime

import pytest
from django.urls import reverse

from cordee.core.enums import TaskState
from cordee.dashboards import exports
from cordee.dashboards.models import DashboardExport
from tests.core.test_tabular import _xlsx_cells
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import MembershipFactory, TeamMembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = UserFactory(national_admin=True)
    client.force_login(user)
    return user


def test_territory_page_shows_figures_charts_tables_map_and_links(client, admin):
    ActivityFactory(themes=["email", "health"])
    ActivityFactory(workshop=True)

    response = client.get(reverse("www:dashboards:territory", args=["departement:23"]), {"kind": "workshop"})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="img"') >= 15  # every chart is an image…
    assert page.count("<caption>") >= 15  # …with its table
    assert "Activités par département" in page and "Creuse (23)" in page
    assert "Guéret" in page  # the table by commune
    assert 'name="query" value="kind=workshop"' in page  # exports carry the page's filters
    assert "/api/v1/stats/activities/?territory=departement:23&amp;kind=workshop" in page
    assert "/statistiques/partage/" in page
    assert response.context["figures"].activities == 1


def test_mediator_sees_only_their_own_activities(client):
    mine = ActivityFactory()
    ActivityFactory(structure=mine.structure)  # a colleague's
    client.force_login(mine.mediator)

    response = client.get(reverse("www:dashboards:mine"))

    assert response.context["figures"].activities == 1
    # A filter never widens the view: another mediator's id gives nothing.
    other = mine.structure.memberships.exclude(user=mine.mediator).first().user
    response = client.get(reverse("www:dashboards:mine"), {"mediator": other.pk})
    assert response.context["figures"].activities == 0


def test_bad_filters_show_french_errors(client, admin):
    response = client.get(reverse("www:dashboards:territory", args=["france"]), {"from": "hier"})

    assert response.status_code == 400
    assert "Écrivez une date AAAA-MM-JJ." in response.content.decode()


def test_index_lists_what_each_may_see(client):
    membership = MembershipFactory(gestionnaire=True)
    client.force_login(membership.user)

    page = client.get(reverse("www:dashboards:index")).content.decode()

    assert "Mes activités" in page
    assert membership.structure.name in page
    assert "Territoire" not in page


def test_xlsx_export_of_aggregates(client, admin):
    ActivityFactory(workshop=True)

    response = client.post(
        reverse("www:dashboards:export"), {"vue": "france", "what": "aggregates", "format": "xlsx", "query": ""}
    )

    assert response.status_code == 200
    cells = _xlsx_cells(response.content)
    assert [cells[f"{column}1"][1] for column in "ABCDEF"] == exports.AGGREGATE_HEADER
    assert cells["C3"][1] == "Personnes accompagnées"
    assert cells["E3"][1] == "8"


def test_large_export_runs_in_the_background_with_a_download_link(
    client, admin, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 2)
    monkeypatch.setattr(exports, "CHUNK", 1)
    for days in range(3):
        ActivityFactory(date=datetime.date.today() - datetime.timedelta(days=days), note="=cmd|' /C calc'!A0")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("www:dashboards:export"),
            {"vue": "departement:23", "what": "activities", "format": "csv", "query": "source=entered"},
        )

    task = DashboardExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("www:dashboards:export_task", args=[task.pk])
    assert task.state == TaskState.DONE
    assert task.row_count == 3
    page = client.get(response["Location"]).content.decode()
    assert reverse("www:dashboards:export_file", args=[task.pk]) in page
    body = b"".join(client.get(reverse("www:dashboards:export_file", args=[task.pk])).streaming_content).decode()
    assert body.startswith("\ufeffnumero,date,type")
    assert body.count("\r\n") == 4
    assert "calc" not in body  # the free note is never exported


def test_coordinator_sees_their_team(client):
    member = TeamMembershipFactory(member_from=datetime.date.today() - datetime.timedelta(days=30))
    counted = ActivityFactory(mediator=member.mediator)
    ActivityFactory(mediator=member.mediator, date=member.member_from - datetime.timedelta(days=1))
    ActivityFactory(structure=counted.structure)  # a colleague outside the team
    client.force_login(member.coordinator)

    index = client.get(reverse("www:dashboards:index")).content.decode()
    response = client.get(reverse("www:dashboards:team", args=[member.coordinator_id]))

    assert reverse("www:dashboards:team", args=[member.coordinator_id]) in index
    assert response.status_code == 200
    assert response.context["figures"].activities == 1
    assert f"Équipe de {member.coordinator}" in response.content.decode()


def test_team_of_an_unknown_person_is_refused_before_being_looked_up(client):
    coordinator = TeamMembershipFactory().coordinator
    client.force_login(coordinator)
    assert client.get(reverse("www:dashboards:team", args=[coordinator.pk + 1000])).status_code == 403
    client.force_login(UserFactory(national_admin=True))
    assert client.get(reverse("www:dashboards:team", args=[coordinator.pk + 1000])).status_code == 404


def test_the_team_exports_its_members_activities_only(client):
    member = TeamMembershipFactory(member_from=datetime.date.today() - datetime.timedelta(days=30))
    counted = ActivityFactory(mediator=member.mediator)
    before = ActivityFactory(mediator=member.mediator, date=member.member_from - datetime.timedelta(days=1))
    client.force_login(member.coordinator)

    data = {"vue": f"team:{member.coordinator_id}", "what": "activities", "format": "csv", "query": ""}
    response = client.post(reverse("www:dashboards:export"), data)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cordee-activities-team-')
    ids = {line.split(",")[0] for line in response.content.decode().splitlines()[1:]}
    assert str(counted.pk) in ids and str(before.pk) not in ids
    client.force_login(TeamMembershipFactory().coordinator)  # another coordinator
    assert client.post(reverse("www:dashboards:export"), data).status_code == 403
