"""A coordinator's team: invitation, answer, removal, and who may do each (cordee.structures.teams)."""

import datetime

import pytest
from freezegun import freeze_time

from cordee.core.errors import Conflict, Invalid, NotAllowed, NotFound
from cordee.journal.models import Entry
from cordee.structures import teams
from cordee.structures.enums import TeamMemberState
from cordee.structures.models import TeamMembership
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, TeamMembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory().user


@pytest.fixture
def mediator():
    return MembershipFactory().user


def test_invite_by_email_then_accept(coordinator, mediator):
    with freeze_time("2025-03-10 23:30:00+00:00"):  # 11 March in Paris
        invitation = teams.invite_by_email(coordinator, f"  {mediator.email.upper()} ")
        assert invitation.state == TeamMemberState.INVITED
        assert list(teams.invitations_for(mediator)) == [invitation]

        member = teams.accept(mediator, invitation)

    assert member.state == TeamMemberState.ACCEPTED
    assert member.member_from == datetime.date(2025, 3, 11)
    assert list(teams.teams_joined(mediator)) == [member]
    actions = list(Entry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["structures.team.invited", "structures.team.accepted"]
    entry = Entry.objects.get(action="structures.team.invited")
    assert entry.object_repr == f"membre d'équipe n° {member.pk}"  # no name in the journal
    assert entry.details == {"mediator_id": mediator.pk}


def test_a_conseiller_numerique_may_be_invited(coordinator):
    conseiller = MembershipFactory(conseiller_numerique=True).user
    assert teams.invite(coordinator, conseiller).state == TeamMemberState.INVITED


def test_decline_keeps_the_row_and_allows_a_new_invitation(coordinator, mediator):
    first = teams.decline(mediator, teams.invite(coordinator, mediator))
    assert first.state == TeamMemberState.DECLINED
    second = teams.invite(coordinator, mediator)
    assert second.pk != first.pk
    assert TeamMembership.objects.filter(coordinator=coordinator, mediator=mediator).count() == 2


def test_remove_keeps_the_period(coordinator, mediator):
    member = TeamMembershipFactory(coordinator=coordinator, mediator=mediator, member_from=datetime.date(2025, 1, 6))
    with freeze_time("2025-04-02 10:00:00+00:00"):
        removed = teams.remove(coordinator, member)
    assert removed.state == TeamMemberState.REMOVED
    assert (removed.member_from, removed.member_until) == (datetime.date(2025, 1, 6), datetime.date(2025, 4, 2))
    assert TeamMembership.objects.filter(pk=member.pk).exists()  # never deleted
    assert Entry.objects.get(action="structures.team.removed").details == {
        "mediator_id": mediator.pk,
        "by": "coordinator",
    }
    # removed twice: refused
    with pytest.raises(Conflict):
        teams.remove(coordinator, removed)


def test_the_member_may_leave(coordinator, mediator):
    member = TeamMembershipFactory(coordinator=coordinator, mediator=mediator)
    assert teams.remove(mediator, member).state == TeamMemberState.REMOVED
    assert Entry.objects.get(action="structures.team.removed").details["by"] == "mediator"


def test_withdraw_an_invitation(coordinator, mediator):
    invitation = teams.invite(coordinator, mediator)
    assert teams.withdraw(coordinator, invitation).state == TeamMemberState.WITHDRAWN
    with pytest.raises(Conflict):
        teams.accept(mediator, invitation)  # no longer waiting for an answer


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("not_coordinator", NotAllowed),
        ("unknown_email", NotFound),
        ("not_a_mediator", Invalid),
        ("self", Invalid),
        ("already_invited", Conflict),
        ("already_member", Conflict),
        ("empty", Invalid),
    ],
)
def test_invitation_refused(coordinator, mediator, who, error):
    actor, email = coordinator, mediator.email
    if who == "not_coordinator":
        actor = MembershipFactory(gestionnaire=True).user
    elif who == "unknown_email":
        email = "personne@exemple.fr"
    elif who == "not_a_mediator":
        email = MembershipFactory(aiguilleur=True).user.email
    elif who == "self":
        MembershipFactory(user=coordinator)
        email = coordinator.email
    elif who == "already_invited":
        teams.invite(coordinator, mediator)
    elif who == "already_member":
        TeamMembershipFactory(coordinator=coordinator, mediator=mediator)
    elif who == "empty":
        email = " "

    with pytest.raises(error) as raised:
        teams.invite_by_email(actor, email)

    assert raised.value.message  # a French sentence for the page
    assert TeamMembership.objects.filter(state=TeamMemberState.INVITED).count() == (who == "already_invited")


def test_only_the_invited_mediator_answers(coordinator, mediator):
    invitation = teams.invite(coordinator, mediator)
    for stranger in (coordinator, UserFactory(), MembershipFactory().user):
        with pytest.raises(NotFound):
            teams.accept(stranger, invitation)
        with pytest.raises(NotFound):
            teams.decline(stranger, invitation)
    assert TeamMembership.objects.get(pk=invitation.pk).state == TeamMemberState.INVITED


def test_only_the_coordinator_removes_or_withdraws(coordinator, mediator):
    invitation = teams.invite(coordinator, mediator)
    member = TeamMembershipFactory(coordinator=coordinator)
    other_coordinator = CoordinatorScopeFactory().user
    with pytest.raises(NotFound):
        teams.withdraw(other_coordinator, invitation)
    with pytest.raises(NotFound):
        teams.remove(other_coordinator, member)
    with pytest.raises(NotFound):
        teams.led_by(other_coordinator, member.pk)
    assert teams.led_by(coordinator, member.pk) == member
