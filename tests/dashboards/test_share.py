"""Public share links: signed, aggregates only, small counts hidden and not recoverable by subtraction."""

import random

import pytest
from django.urls import reverse

from cordee.activities.models import Activity
from cordee.dashboards import aggregates, share
from cordee.dashboards.scope import territory_scope
from cordee.dashboards.suppression import SMALL, THRESHOLD, protect_group, protect_total, recoverable
from cordee.structures.models import CoordinatorScope
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import CoordinatorScopeFactory
from tests.territories.factories import DepartementFactory


def test_small_counts_are_hidden_with_a_second_cell():
    cells = protect_group([120, 3, 40, 9], total=protect_total(172))

    assert [cell.shown for cell in cells] == [120, SMALL, 40, SMALL]  # 9 hidden too, else 172 − 160 gives 3
    assert not recoverable(cells, 172)


def test_hidden_cells_add_up_to_at_least_the_threshold():
    cells = protect_group([100, 1, 1, 30, 8], total=protect_total(140))

    assert [cell.hidden for cell in cells] == [False, True, True, False, True]  # 1 + 1 is too small alone
    assert not recoverable(cells, 140)


def test_a_small_total_hides_its_whole_group():
    total = protect_total(4)
    cells = protect_group([3, 1], total=total)

    assert total.shown == SMALL
    assert all(cell.hidden for cell in cells)


def test_non_additive_groups_need_only_the_primary_rule():
    cells = protect_group([30, 2, 12], total=protect_total(35), additive=False)

    assert [cell.shown for cell in cells] == [30, SMALL, 12]


@pytest.mark.parametrize("seed", range(200))
def test_no_small_count_is_ever_recoverable(seed):
    rng = random.Random(seed)
    values = [rng.choice([0, 1, 2, 3, 4, 5, 6, 10, 50, 200]) for _ in range(rng.randint(1, 12))]
    total = protect_total(sum(values))

    cells = protect_group(values, total=total)

    assert all(cell.hidden for cell, value in zip(cells, values, strict=True) if value < THRESHOLD)
    if not total.hidden:
        assert not recoverable(cells, sum(values))
        # The total minus the shown cells gives the sum of two hidden cells or more, and that sum is not small.
        hidden = [cell.value for cell in cells if cell.hidden]
        assert not hidden or (len(hidden) >= 2 and sum(hidden) >= THRESHOLD)


@pytest.mark.django_db
def test_public_figures_hide_small_counts_in_every_group():
    for _ in range(12):
        ActivityFactory(themes=["email"])
    for _ in range(3):
        ActivityFactory(workshop=True, themes=["health"])
        ActivityFactory(kind="quick", themes=["email"])

    public = share.public_figures(aggregates.compute(Activity.objects.all()))

    assert public.activities.shown == 18
    groups = {group.key: dict(group.rows) for group in public.groups}
    kinds = {label: cell.shown for label, cell in groups["kind"].items()}
    assert kinds["Accompagnement individuel"] == 12
    assert kinds["Atelier collectif"] == SMALL
    assert kinds["Demande ponctuelle"] == SMALL
    themes = {label: cell.shown for label, cell in groups["theme"].items()}
    assert themes["E-mail"] == 15
    assert themes["Santé"] == SMALL
    for group in public.groups:
        cells = [cell for _label, cell in group.rows]
        total = sum(cell.value for cell in cells)
        for cell in cells:
            assert cell.value >= THRESHOLD or cell.hidden
        if group.key in ("kind", "duration", "location", "autonomy", "age", "gender", "status", "month"):
            assert not recoverable(cells, total), group.key


@pytest.mark.django_db
def test_share_page_is_public_and_shows_no_small_count(client):
    author = CoordinatorScopeFactory().user
    for _ in range(7):
        ActivityFactory()
    ActivityFactory(workshop=True)
    token = share.make_token(author, territory_scope("departement:23"), "kind=individual&kind=workshop")

    response = client.get(reverse("www:dashboards:shared", args=[token]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Creuse (23)" in page
    assert "&lt; 5" in page
    assert "Atelier collectif" in page
    assert ">1<" not in page  # the lone workshop is never shown as 1


@pytest.mark.django_db
def test_share_link_dies_with_its_authors_scope_or_a_tampered_token(client):
    scope = CoordinatorScopeFactory()
    DepartementFactory()
    token = share.make_token(scope.user, territory_scope("departement:23"), "")

    assert client.get(reverse("www:dashboards:shared", args=[token[:-2] + "xx"])).status_code == 404
    CoordinatorScope.objects.filter(pk=scope.pk).delete()
    assert client.get(reverse("www:dashboards:shared", args=[token])).status_code == 404
