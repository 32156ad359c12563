"""Access matrix of every referrals URL (pages and API), GET and POST, for every kind of user.

The kinds of tests/user_kinds.py are taken relative to the structure of the place that receives the referral: its
members answer the referral, the coordinator "in scope" follows the place's département (Creuse). The referral is
sent by a member of another structure (tests/referrals/factories.py), so every kind here is a stranger to the
prescriber's side — "member_elsewhere" (a structure of Marseille, linked to neither side) must never read it: 404.

A refused POST changes nothing (referrals, their states, their transition log, their messages and the journal); an
allowed one does its action. The signed link pages are public with a valid token and refuse a tampered one.
"""

import pytest
from django.core import mail
from django.urls import reverse

from cordee.journal.models import Entry
from cordee.places.enums import Service
from cordee.referrals import links
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral, ReferralMessage, ReferralTransition
from cordee.users.tokens import create_api_token
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import MembershipFactory
from tests.user_kinds import USER_KINDS, expect, login_as

pytestmark = pytest.mark.django_db

OK = "ok"  # the action is done (201/200 from the API, 302 from a page) and the database changed

#                                           anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "api:referral": expect(401, 200, 200, 404, 404, 404, 404),
    "api:referral-messages": expect(401, 200, 200, 404, 404, 404, 404),
    "api:referrals": expect(401, 200, 200, 200, 200, 200, 200),  # each sees only their own list
    "api:referrals-suggestions": expect(401, 200, 200, 200, 403, 403, 403),
    "www:referrals:create": expect(302, 200, 200, 200, 404, 404, 404),
    "www:referrals:detail": expect(302, 200, 200, 404, 404, 404, 404),
    "www:referrals:index": expect(302, 200, 200, 200, 200, 200, 200),
    "www:referrals:link": expect(200, 200, 200, 200, 200, 200, 200),  # public with a valid token
    "www:referrals:sheet": expect(302, 200, 200, 404, 404, 404, 404),
    "www:referrals:sheet_pdf": expect(302, 200, 200, 404, 404, 404, 404),
    "www:referrals:statistics": expect(302, 200, 200, 200, 200, 200, 200),  # figures of what each may see
    "www:referrals:statistics_csv": expect(302, 200, 200, 200, 200, 200, 200),
    "www:referrals:export_csv": expect(302, 200, 200, 200, 200, 200, 200),  # each gets only their own list
    "www:referrals:suggest": expect(302, 200, 200, 200, 404, 404, 404),
}

POST_EXPECTATIONS = {
    "api:referral-messages": expect(401, OK, OK, 404, 404, 404, 404),
    "api:referral-transitions": expect(401, OK, OK, 404, 404, 404, 404),  # the place examines it
    "api:referrals": expect(401, OK, OK, OK, 403, 403, 403),  # any member of a structure sends one
    "www:referrals:create": expect(302, OK, OK, OK, 404, 404, 404),
    "www:referrals:detail": expect(302, OK, OK, 404, 404, 404, 404),  # the place examines it
    "www:referrals:link": expect(OK, OK, OK, OK, OK, OK, OK),  # the holder of the link acts as the place
    "www:referrals:link_renew": expect(OK, OK, OK, OK, OK, OK, OK),  # a fresh link mailed to the place
}


LISTS = ["api:referrals", "www:referrals:index", "www:referrals:export_csv"]


@pytest.fixture
def referral():
    """A referral sent by an aiguilleur of one structure to a place (Creuse) of another, with a médiateur and a
    gestionnaire, and a current signed link."""
    referral = ReferralFactory()
    MembershipFactory(structure=referral.place.structure, gestionnaire=True)
    MembershipFactory(structure=referral.place.structure)
    links.issue(referral)
    referral.refresh_from_db()
    return referral


def url_of(name, referral):
    token = links.current_token(referral)
    kwargs = {
        "api:referral": {"pk": referral.pk},
        "api:referral-messages": {"pk": referral.pk},
        "api:referral-transitions": {"pk": referral.pk},
        "www:referrals:detail": {"pk": referral.pk},
        "www:referrals:sheet": {"pk": referral.pk},
        "www:referrals:sheet_pdf": {"pk": referral.pk},
        "www:referrals:link": {"token": token},
        "www:referrals:link_renew": {"token": token},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    if name == "www:referrals:create":
        url += f"?lieu={referral.place_id}"
    if name == "api:referrals-suggestions":
        url += f"?lat=46.17&lon=1.87&services={Service.AIDE_DEMARCHES.value}"
    return url


def signed_in_as(client, kind, referral, name):
    user = login_as(client, kind, referral.place.structure)
    if user is not None and name.startswith("api"):
        # The API authenticates with tokens; a session alone does not sign a person in there.
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user)[1]}"
    return user


def database_state():
    """The referrals and their states, their transition log, their messages and the journal."""
    return {
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "state", "link_nonce")),
        "transitions": ReferralTransition.objects.count(),
        "messages": ReferralMessage.objects.count(),
        "journal": Entry.objects.count(),
    }


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, referral, name, kind):
    signed_in_as(client, kind, referral, name)

    response = client.get(url_of(name, referral))
    body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))
    if kind in ("member_elsewhere", "coordinator_out_of_scope") and name in LISTS:
        assert referral.number not in body.decode()  # a list answers 200, without this referral
    if kind in ("member", "gestionnaire") and name in LISTS:
        assert referral.number in body.decode()  # the place's inbox


def post_data(name, referral):
    """(url, data, format) of a POST that succeeds for whoever may act."""
    url = url_of(name, referral)
    services = [Service.AIDE_DEMARCHES.value]
    if name == "api:referral-messages":
        return url, {"body": "Bonjour, nous la recevons mardi."}, "json"
    if name == "api:referral-transitions":
        return url, {"to": ReferralState.IN_REVIEW}, "json"
    if name == "api:referrals":
        other = PlaceFactory(with_contacts=True)
        return url, {"place_id": other.pk, "services": services}, "json"
    if name == "www:referrals:create":
        return url, {"services": services, "contact_preference": "other", "referent": "Nina Laval"}, None
    if name in ("www:referrals:detail", "www:referrals:link"):
        return url, {"transition": "review"}, None
    return url, {}, None


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, django_capture_on_commit_callbacks, referral, name, kind):
    url, data, content_type = post_data(name, referral)
    user = signed_in_as(client, kind, referral, name)
    if name == "www:referrals:create" and user is not None:
        structure = user.memberships.filter(is_active=True).order_by("pk").first()
        data["structure"] = structure.structure_id if structure else ""
    before = database_state()
    mail.outbox.clear()

    # The mails are sent once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if content_type == "json":
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data)

    expected = POST_EXPECTATIONS[name][kind]
    if expected != OK:
        assert response.status_code == expected
        if expected == 302:
            assert response["Location"].startswith(reverse("www:accounts:login"))
        assert database_state() == before
        return
    if name.startswith("api:"):
        assert response.status_code in (200, 201), response.content
    elif name == "www:referrals:link_renew":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("www:accounts:login"))
    if name == "www:referrals:link_renew":
        # The renewal is queued; a place with an account gets no link by mail (test below for one without).
        assert callbacks
    else:
        assert database_state() != before


@pytest.mark.parametrize("kind", USER_KINDS)
def test_link_renew_mails_a_fresh_link_to_a_place_without_account(client, django_capture_on_commit_callbacks, kind):
    referral = ReferralFactory(place_without_account=True)
    token = links.issue(referral)
    login_as(client, kind)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("www:referrals:link_renew", kwargs={"token": token}))

    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [["lieu@exemple.fr"]]
    assert client.get(reverse("www:referrals:link", kwargs={"token": token})).status_code != 200  # superseded


def tampered(token):
    return token[:-2] + ("aa" if not token.endswith("aa") else "bb")


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", ["www:referrals:link", "www:referrals:link_renew"])
def test_signed_link_refuses_a_tampered_token(client, django_capture_on_commit_callbacks, referral, name, kind):
    login_as(client, kind, referral.place.structure)
    url = reverse(name, kwargs={"token": tampered(links.current_token(referral))})
    before = database_state()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        if name == "www:referrals:link":
            assert client.get(url).status_code == 404
            response = client.post(url, {"transition": "review"})
        else:
            response = client.post(url)

    assert response.status_code == 404
    assert database_state() == before
    assert not mail.outbox
