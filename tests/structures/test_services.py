import re

import pytest
from django.core import mail

from cordee.journal.models import Entry
from cordee.structures import services
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Invitation, Membership
from tests.structures.factories import (
    CoordinatorScopeFactory,
    InvitationFactory,
    MembershipFactory,
    StructureFactory,
)
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gestionnaire():
    return MembershipFactory(gestionnaire=True)


def refused_actors(structure):
    return [
        MembershipFactory(structure=structure).user,  # médiateur of the structure
        MembershipFactory(gestionnaire=True).user,  # gestionnaire elsewhere
        CoordinatorScopeFactory().user,  # coordinator of its territory: sees, does not manage
        UserFactory(),
    ]


def test_invite_member_sends_mail_and_journals(gestionnaire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            gestionnaire.user, gestionnaire.structure, " Alex@Exemple.fr ", MembershipRole.MEDIATEUR
        )
    assert invitation.email == "alex@exemple.fr"
    assert invitation.invited_by == gestionnaire.user
    assert mail.outbox[0].to == ["alex@exemple.fr"]
    token = re.search(r"/structures/invitation/(\S+)/", mail.outbox[0].body).group(1)
    assert services.invitation_from_token(token) == invitation
    entry = Entry.objects.get(action="structures.invitation.sent")
    assert entry.details == {"invitation_id": invitation.pk, "role": "mediateur"}
    assert entry.actor == gestionnaire.user


def test_invite_member_refused(gestionnaire):
    for actor in refused_actors(gestionnaire.structure):
        with pytest.raises(services.ActionNotAllowed):
            services.invite_member(actor, gestionnaire.structure, "alex@exemple.fr", MembershipRole.MEDIATEUR)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("email,role", [("", MembershipRole.MEDIATEUR), ("a@exemple.fr", "pape")])
def test_invite_member_bad_input(gestionnaire, email, role):
    with pytest.raises(services.StructureActionError):
        services.invite_member(gestionnaire.user, gestionnaire.structure, email, role)
    assert not Invitation.objects.exists()


def test_national_admin_can_invite():
    structure = StructureFactory()
    admin = UserFactory(national_admin=True)
    invitation = services.invite_member(admin, structure, "a@exemple.fr", MembershipRole.GESTIONNAIRE)
    assert invitation.role == MembershipRole.GESTIONNAIRE


def test_token_round_trip_and_errors():
    invitation = InvitationFactory()
    assert services.invitation_from_token(services.invitation_token(invitation)) == invitation
    with pytest.raises(services.InvitationInvalid):
        services.invitation_from_token("nimporte-quoi")
    invitation.accepted_at = invitation.created_at
    invitation.save()
    with pytest.raises(services.InvitationAlreadyUsed):
        services.invitation_from_token(services.invitation_token(invitation))


def test_accept_invitation_requires_the_invited_address():
    invitation = InvitationFactory(email="alex@exemple.fr")
    with pytest.raises(services.InvitationWrongAccount):
        services.accept_invitation(invitation, UserFactory(email="autre@exemple.fr"))
    membership = services.accept_invitation(invitation, UserFactory(email="ALEX@exemple.fr"))
    assert membership.role == MembershipRole.MEDIATEUR
    with pytest.raises(services.InvitationAlreadyUsed):
        services.accept_invitation(invitation, membership.user)
    assert Membership.objects.count() == 1


def test_create_account_and_accept_refuses_existing_account():
    invitation = InvitationFactory(email="alex@exemple.fr")
    UserFactory(email="alex@exemple.fr")
    with pytest.raises(services.InvitationWrongAccount):
        services.create_account_and_accept(invitation, first_name="A", last_name="B", password="x" * 12)
    assert not Membership.objects.exists()


def test_create_account_and_accept_is_all_or_nothing(monkeypatch):
    invitation = InvitationFactory(email="alex@exemple.fr")

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(services, "accept_invitation", broken)
    with pytest.raises(RuntimeError):
        services.create_account_and_accept(invitation, first_name="A", last_name="B", password="x" * 12)
    from cordee.users.models import User

    assert not User.objects.filter(email="alex@exemple.fr").exists()


def test_update_structure_journals_changed_fields_only(gestionnaire):
    structure = gestionnaire.structure
    services.update_structure(gestionnaire.user, structure, name=structure.name, address="3 rue Neuve")
    entry = Entry.objects.get(action="structures.structure.updated")
    assert entry.details == {"fields": ["address"]}
    services.update_structure(gestionnaire.user, structure, address="3 rue Neuve")
    assert Entry.objects.filter(action="structures.structure.updated").count() == 1


def test_update_structure_refused_and_validated(gestionnaire):
    structure = gestionnaire.structure
    for actor in refused_actors(structure):
        with pytest.raises(services.ActionNotAllowed):
            services.update_structure(actor, structure, name="Autre")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.update_structure(gestionnaire.user, structure, siret="13002526500014")
    structure.refresh_from_db()
    assert structure.siret == ""


def test_change_role_and_remove_member(gestionnaire):
    member = MembershipFactory(structure=gestionnaire.structure)
    for actor in refused_actors(gestionnaire.structure):
        with pytest.raises(services.ActionNotAllowed):
            services.change_role(actor, member, MembershipRole.GESTIONNAIRE)
        with pytest.raises(services.ActionNotAllowed):
            services.remove_member(actor, member)

    services.change_role(gestionnaire.user, member, MembershipRole.GESTIONNAIRE)
    # Two gestionnaires now: the first one may step down, then the last one may not.
    services.change_role(member.user, gestionnaire, MembershipRole.MEDIATEUR)
    with pytest.raises(services.StructureActionError, match="dernier gestionnaire"):
        services.remove_member(member.user, member)
    services.remove_member(member.user, gestionnaire)
    gestionnaire.refresh_from_db()
    assert not gestionnaire.is_active
    with pytest.raises(services.StructureActionError, match="ne fait déjà plus partie"):
        services.remove_member(member.user, gestionnaire)
    actions = list(Entry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "structures.membership.role_changed",
        "structures.membership.role_changed",
        "structures.membership.removed",
    ]
