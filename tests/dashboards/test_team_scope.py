"""The team's view counts each member's activities from the day they joined to the day they left, both included."""

import datetime

import pytest

from cordee.activities.models import Activity
from cordee.core.errors import NotAllowed
from cordee.dashboards import scope as scopes
from tests.dashboards.factories import ActivityFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, TeamMembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def counted(coordinator):
    scope = scopes.team_scope(coordinator)
    return sorted(Activity.objects.filter(scope.q()).values_list("date", flat=True))


def test_activities_of_the_membership_periods_only():
    coordinator = CoordinatorScopeFactory().user
    current = TeamMembershipFactory(coordinator=coordinator, member_from=D(2025, 3, 1))
    former = TeamMembershipFactory(coordinator=coordinator, member_from=D(2025, 1, 10), removed=True)
    former.member_until = D(2025, 2, 15)
    former.save()
    # The former member came back later: a second period.
    TeamMembershipFactory(coordinator=coordinator, mediator=former.mediator, member_from=D(2025, 5, 1))
    TeamMembershipFactory(coordinator=coordinator, invited=True)  # not a member yet
    outsider = MembershipFactory().user
    for day in (D(2025, 2, 28), D(2025, 3, 1), D(2025, 6, 1)):
        ActivityFactory(mediator=current.mediator, date=day)
    for day in (D(2025, 1, 9), D(2025, 1, 10), D(2025, 2, 15), D(2025, 2, 16), D(2025, 4, 30), D(2025, 5, 1)):
        ActivityFactory(mediator=former.mediator, date=day)
    ActivityFactory(mediator=outsider, date=D(2025, 3, 5))
    ActivityFactory(mediator=None, date=D(2025, 3, 5))

    assert counted(coordinator) == [
        D(2025, 1, 10),  # the day they joined
        D(2025, 2, 15),  # the day they left: included
        D(2025, 3, 1),
        D(2025, 5, 1),
        D(2025, 6, 1),
    ]


def test_a_team_without_members_counts_nothing():
    coordinator = CoordinatorScopeFactory().user
    ActivityFactory()
    assert counted(coordinator) == []


def test_who_sees_a_team():
    coordinator = CoordinatorScopeFactory().user
    member = TeamMembershipFactory(coordinator=coordinator)
    scope = scopes.team_scope(coordinator)
    assert scopes.check(coordinator, scope) == scope
    assert scopes.may_see(UserFactory(national_admin=True), scope)
    for other in (member.mediator, CoordinatorScopeFactory().user, UserFactory()):
        with pytest.raises(NotAllowed):
            scopes.check(other, scope)
    assert scopes.scope_from_ref(scope.ref) == scope
    assert scope in scopes.visible_scopes(coordinator)
    assert all(s.kind != scopes.ScopeKind.TEAM for s in scopes.visible_scopes(member.mediator))
