import datetime
import re
from html import unescape

import pytest
from django.core import mail, signing
from django.urls import reverse
from freezegun import freeze_time

from cordee.journal.models import Entry
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Invitation, Membership
from cordee.structures.services import INVITATION_SALT, invitation_token
from tests.structures.factories import InvitationFactory, MembershipFactory, StructureFactory
from tests.user_kinds import login_as
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "une-cordee-solide-2025"


@pytest.fixture
def gestionnaire():
    return MembershipFactory(structure=StructureFactory(name="Médiathèque de Guéret"), gestionnaire=True)


def invite(client, gestionnaire, email, role=MembershipRole.MEDIATEUR):
    client.force_login(gestionnaire.user)
    url = reverse("www:structures:member_invite", kwargs={"pk": gestionnaire.structure_id})
    response = client.post(url, {"email": email, "role": role})
    client.logout()
    return response


def link_in_last_mail():
    match = re.search(r"http://\S+/structures/invitation/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def test_new_person_invited_creates_account_and_joins(client, django_capture_on_commit_callbacks, gestionnaire):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, gestionnaire, "Nouvelle.Personne@Exemple.fr", MembershipRole.AIGUILLEUR)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.personne@exemple.fr"]
    assert "Médiathèque de Guéret" in message.subject
    assert "Aiguilleur / prescripteur" in message.body
    assert "14 jours" in message.body
    sent = Entry.objects.get(action="structures.invitation.sent")
    assert "exemple.fr" not in str(sent.details)

    url = link_in_last_mail()
    page = client.get(url)
    assert page.status_code == 200
    assert "Créer mon compte" in unescape(page.content.decode())

    response = client.post(
        url, {"first_name": "Nina", "last_name": "Moreau", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("www:structures:detail", kwargs={"pk": gestionnaire.structure_id})
    membership = Membership.objects.get(user__email="nouvelle.personne@exemple.fr")
    assert membership.role == MembershipRole.AIGUILLEUR
    assert membership.structure == gestionnaire.structure
    assert membership.user.check_password(NEW_PASSWORD)
    assert Invitation.objects.get().accepted_at is not None
    # Signed in right away, and the link cannot be used twice.
    assert client.get(response["Location"]).status_code == 200
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "déjà été acceptée" in unescape(again.content.decode())
    assert Entry.objects.filter(action="structures.invitation.accepted").count() == 1


def test_signup_form_checks_passwords(client, gestionnaire):
    invitation = InvitationFactory(structure=gestionnaire.structure)
    url = reverse("www:structures:invitation_accept", kwargs={"token": invitation_token(invitation)})
    response = client.post(url, {"first_name": "Nina", "last_name": "Moreau", "password1": "abc", "password2": "abd"})
    assert response.status_code == 200
    assert "Les deux mots de passe ne sont pas identiques" in unescape(response.content.decode())
    response = client.post(url, {"first_name": "Nina", "last_name": "Moreau", "password1": "123", "password2": "123"})
    html = unescape(response.content.decode())
    assert "trop court" in html
    assert 'aria-describedby="id_password1_helptext id_password1-errors"' in html
    assert not Membership.objects.filter(user__email=invitation.email).exists()
    assert Invitation.objects.get().accepted_at is None


def test_existing_user_logs_in_then_accepts(client, django_capture_on_commit_callbacks, gestionnaire):
    existing = UserFactory(email="deja@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, gestionnaire, "deja@exemple.fr", MembershipRole.CONSEILLER_NUMERIQUE)
    url = link_in_last_mail()

    page = client.get(url)
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "Vous avez déjà un compte" in html
    login_url = reverse("www:accounts:login")
    assert f"{login_url}?next=" in html

    response = client.post(
        login_url + "?next=" + url, {"username": "deja@exemple.fr", "password": DEFAULT_PASSWORD, "next": url}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert "Accepter l'invitation" in unescape(client.get(url).content.decode())
    response = client.post(url)
    assert response.status_code == 302
    membership = Membership.objects.get(user=existing)
    assert membership.role == MembershipRole.CONSEILLER_NUMERIQUE


def test_removed_member_invited_again_is_reactivated(client, gestionnaire):
    old = MembershipFactory(structure=gestionnaire.structure, inactive=True)
    invitation = InvitationFactory(structure=gestionnaire.structure, email=old.user.email, gestionnaire=True)
    client.force_login(old.user)
    response = client.post(reverse("www:structures:invitation_accept", kwargs={"token": invitation_token(invitation)}))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.is_active and old.role == MembershipRole.GESTIONNAIRE


def test_signed_in_with_another_account(client, gestionnaire):
    invitation = InvitationFactory(structure=gestionnaire.structure)
    client.force_login(UserFactory())
    url = reverse("www:structures:invitation_accept", kwargs={"token": invitation_token(invitation)})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        assert "pour une autre personne" in unescape(response.content.decode())
    assert Invitation.objects.get().accepted_at is None


def test_expired_link(client, gestionnaire, settings):
    with freeze_time("2025-03-01 10:00"):
        invitation = InvitationFactory(structure=gestionnaire.structure)
        url = reverse("www:structures:invitation_accept", kwargs={"token": invitation_token(invitation)})
    with freeze_time(datetime.datetime(2025, 3, 1, 10) + datetime.timedelta(seconds=settings.INVITATION_MAX_AGE - 60)):
        assert client.get(url).status_code == 200
    with freeze_time(datetime.datetime(2025, 3, 1, 10) + datetime.timedelta(seconds=settings.INVITATION_MAX_AGE + 60)):
        response = client.get(url)
        assert response.status_code == 410
        assert "Ce lien d'invitation a expiré" in unescape(response.content.decode())
        response = client.post(
            url, {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert response.status_code == 410
    assert not Membership.objects.filter(user__email=invitation.email).exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: signing.dumps({"invitation": 1}, salt="autre-usage"),
        lambda token: signing.dumps({"invitation": 999999}, salt=INVITATION_SALT),
        lambda token: signing.dumps("pas un dictionnaire", salt=INVITATION_SALT),
    ],
    ids=["signature", "prefix", "other-salt", "unknown-invitation", "wrong-payload"],
)
def test_tampered_link(client, gestionnaire, tamper):
    invitation = InvitationFactory(structure=gestionnaire.structure)
    url = reverse("www:structures:invitation_accept", kwargs={"token": tamper(invitation_token(invitation))})
    response = client.get(url)
    assert response.status_code == 400
    assert "Ce lien d'invitation ne peut pas être utilisé" in unescape(response.content.decode())
    assert Invitation.objects.get().accepted_at is None


def test_inviting_a_current_member_is_refused(client, gestionnaire):
    member = MembershipFactory(structure=gestionnaire.structure)
    response = invite(client, gestionnaire, member.user.email.upper())
    assert response.status_code == 200
    assert "Cette personne fait déjà partie de la structure" in unescape(response.content.decode())
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


def test_invalid_email_in_invitation_form(client, gestionnaire):
    response = invite(client, gestionnaire, "pas-une-adresse")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Saisissez une adresse e-mail valide" in html or "adresse électronique valide" in html
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "kind,allowed",
    [
        ("gestionnaire", True),
        ("national_admin", True),
        ("member", False),
        ("member_elsewhere", False),
        ("coordinator_in_scope", False),
        ("coordinator_out_of_scope", False),
        ("anonymous", False),
    ],
)
def test_cancel_invitation(client, gestionnaire, kind, allowed):
    invitation = InvitationFactory(structure=gestionnaire.structure)
    token = invitation_token(invitation)
    user = login_as(client, kind, gestionnaire.structure)
    url = reverse(
        "www:structures:invitation_cancel", kwargs={"pk": gestionnaire.structure_id, "invitation_pk": invitation.pk}
    )
    assert client.get(url).status_code == (302 if user is None else 405)  # POST only
    response = client.post(url)
    if allowed:
        assert response.status_code == 302
        assert not Invitation.objects.exists()
        assert Entry.objects.filter(action="structures.invitation.cancelled").count() == 1
        client.logout()
        link = client.get(reverse("www:structures:invitation_accept", kwargs={"token": token}))
        assert link.status_code == 400
        assert "Cette invitation n'existe plus" in unescape(link.content.decode())
    else:
        assert response.status_code == (302 if user is None else 403)
        assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_accepted_invitation_cannot_be_cancelled(client, gestionnaire):
    invitation = InvitationFactory(structure=gestionnaire.structure, accepted=True)
    client.force_login(gestionnaire.user)
    url = reverse(
        "www:structures:invitation_cancel", kwargs={"pk": gestionnaire.structure_id, "invitation_pk": invitation.pk}
    )
    assert client.post(url).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
