import re
from html import unescape

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "une-cordee-solide-2025"

USER_KINDS = ["anonymous", "mediateur", "gestionnaire", "coordinator", "national_admin"]


def make_user(kind):
    if kind == "anonymous":
        return None
    if kind == "mediateur":
        return MembershipFactory().user
    if kind == "gestionnaire":
        return MembershipFactory(gestionnaire=True).user
    if kind == "coordinator":
        return CoordinatorScopeFactory().user
    if kind == "national_admin":
        return UserFactory(national_admin=True)
    raise ValueError(kind)


@pytest.mark.parametrize("kind", USER_KINDS)
def test_login_page(client, kind):
    user = make_user(kind)
    if user:
        client.force_login(user)
    response = client.get(reverse("www:accounts:login"))
    if user is None:
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "<title>Se connecter — Cordée</title>" in html
        assert '<label class="fr-label" for="id_username">' in html
        assert "Mot de passe oublié ?" in html
    else:
        # Already signed in: straight to the dashboard.
        assert response.status_code == 302
        assert response["Location"] == reverse("www:dashboard:index")


@pytest.mark.parametrize(
    "view_name",
    ["password_reset", "password_reset_done", "password_reset_complete"],
)
@pytest.mark.parametrize("kind", USER_KINDS)
def test_password_reset_pages_are_public(client, kind, view_name):
    user = make_user(kind)
    if user:
        client.force_login(user)
    response = client.get(reverse(f"www:accounts:{view_name}"))
    assert response.status_code == 200


@pytest.mark.parametrize("kind", USER_KINDS)
def test_logout(client, kind):
    user = make_user(kind)
    if user:
        client.force_login(user)
    url = reverse("www:accounts:logout")
    assert client.get(url).status_code == 405  # a link cannot sign someone out
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("www:home")
    assert SESSION_KEY not in client.session


def test_login_with_email_in_any_case(client):
    user = UserFactory(email="camille@exemple.fr")
    response = client.post(
        reverse("www:accounts:login"), {"username": "Camille@Exemple.FR", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("www:dashboard:index")
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.parametrize(
    "data",
    [
        {"username": "camille@exemple.fr", "password": "mauvais"},
        {"username": "personne@exemple.fr", "password": DEFAULT_PASSWORD},
    ],
    ids=["wrong-password", "unknown-email"],
)
def test_login_refused_with_clear_message(client, data):
    UserFactory(email="camille@exemple.fr")
    response = client.post(reverse("www:accounts:login"), data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert SESSION_KEY not in client.session


def test_login_field_errors_are_linked(client):
    response = client.post(reverse("www:accounts:login"), {"username": "", "password": ""})
    html = unescape(response.content.decode())
    assert 'aria-describedby="id_username_helptext id_username-errors"' in html
    assert 'id="id_username-errors"' in html
    assert 'aria-invalid="true"' in html


def test_inactive_user_cannot_login(client):
    UserFactory(email="ancien@exemple.fr", inactive=True)
    response = client.post(
        reverse("www:accounts:login"), {"username": "ancien@exemple.fr", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_private_page_redirects_to_login_and_back(client):
    UserFactory(email="camille@exemple.fr")
    target = reverse("www:structures:list")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('www:accounts:login')}?next={target}"
    response = client.post(
        response["Location"], {"username": "camille@exemple.fr", "password": DEFAULT_PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_password_reset_flow(client):
    user = UserFactory(email="camille@exemple.fr")
    response = client.post(reverse("www:accounts:password_reset"), {"email": "camille@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Choisir un nouveau mot de passe pour Cordée"
    assert "valable 24 heures" in message.body
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Choisir un nouveau mot de passe" in unescape(response.content.decode())
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once only.
    response = client.get(link, follow=True)
    assert "Ce lien ne fonctionne plus" in unescape(response.content.decode())


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("www:accounts:password_reset"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_mismatch(client):
    UserFactory(email="camille@exemple.fr")
    client.post(reverse("www:accounts:password_reset"), {"email": "camille@exemple.fr"})
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200
    assert 'id="id_new_password2-errors"' in response.content.decode()


# --- Throttling of failed logins and reset e-mails ---------------------------------------------------


def login(client, email, password, address="203.0.113.7", **extra):
    return client.post(
        reverse("www:accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address, **extra
    )


def assert_no_email_in_journal():
    from cordee.journal.models import Entry

    assert "@" not in str(list(Entry.objects.values("actor_label", "object_repr", "details")))


def test_forty_wrong_passwords_then_the_right_one_is_refused_for_a_few_minutes(client):
    """The attack from the hardening review: 40 wrong passwords in 14 s, then the right one was accepted."""
    import datetime as dt

    from django.utils import timezone
    from freezegun import freeze_time

    from cordee.journal.models import Entry

    UserFactory(email="camille@exemple.fr")
    start = timezone.now()
    with freeze_time(start) as frozen:
        statuses = [login(client, "camille@exemple.fr", f"essai-{n}").status_code for n in range(40)]
        assert statuses[:4] == [200] * 4 and set(statuses[5:]) == {429}
        response = login(client, "camille@exemple.fr", DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert int(response["Retry-After"]) <= 5 * 60
        html = unescape(response.content.decode())
        assert "Trop de tentatives de connexion à ce compte" in html
        assert "Réessayez dans 5 minutes" in html
        assert SESSION_KEY not in client.session
        locks = Entry.objects.filter(action="accounts.login.locked", details__scope="account")
        assert locks.count() >= 1
        assert locks.first().details["identifier"].startswith("hmac:")
        assert_no_email_in_journal()

        # The lock is short: an attacker cannot keep the real person out for long.
        frozen.tick(dt.timedelta(minutes=5, seconds=1))
        response = login(client, "camille@exemple.fr", DEFAULT_PASSWORD, address="198.51.100.9")
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(UserFactory(email="camille@exemple.fr").pk)


def test_choosing_a_new_password_lifts_the_account_lock(client):
    user = UserFactory(email="camille@exemple.fr")
    for n in range(5):
        login(client, "camille@exemple.fr", f"essai-{n}")
    assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD).status_code == 429
    reset(client, "camille@exemple.fr", address="198.51.100.20")
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(client, "camille@exemple.fr", NEW_PASSWORD).status_code == 302
    from cordee.journal.models import Entry

    assert Entry.objects.filter(action="accounts.password_reset.completed", actor=user).exists()


def test_a_success_forgets_the_account_failures(client):
    UserFactory(email="camille@exemple.fr")
    for n in range(4):
        login(client, "camille@exemple.fr", f"essai-{n}")
    assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("www:accounts:logout"))
    for n in range(4):
        assert login(client, "camille@exemple.fr", f"autre-{n}").status_code == 200


def test_unknown_accounts_are_locked_the_same_way(client):
    statuses = [login(client, "personne@exemple.fr", "x-" + str(n)).status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]


def test_an_address_trying_many_accounts_is_locked_longer_and_alone(client):
    import datetime as dt

    from django.utils import timezone
    from freezegun import freeze_time

    UserFactory(email="camille@exemple.fr")
    with freeze_time(timezone.now()) as frozen:
        for n in range(20):
            login(client, f"cible{n}@exemple.fr", "mauvais")
        response = login(client, "camille@exemple.fr", DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert "depuis votre connexion internet" in unescape(response.content.decode())
        # A made-up X-Forwarded-For changes nothing without a trusted proxy.
        assert (
            login(client, "camille@exemple.fr", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
        )
        # Another address is not concerned.
        assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD, address="198.51.100.9").status_code == 302
        client.post(reverse("www:accounts:logout"))
        frozen.tick(dt.timedelta(minutes=30))
        assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD).status_code == 429
        frozen.tick(dt.timedelta(minutes=31))
        assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_client_address_is_counted(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="camille@exemple.fr")
    for n in range(20):
        login(client, f"cible{n}@exemple.fr", "mauvais", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    locked = login(
        client, "camille@exemple.fr", DEFAULT_PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert locked.status_code == 429
    other_client = login(
        client, "camille@exemple.fr", DEFAULT_PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert other_client.status_code == 302


def reset(client, email, address="203.0.113.7", **extra):
    return client.post(reverse("www:accounts:password_reset"), {"email": email}, REMOTE_ADDR=address, **extra)


def test_ten_reset_requests_send_two_emails_per_account(client):
    UserFactory(email="camille@exemple.fr")
    statuses = [reset(client, "camille@exemple.fr", address=f"198.51.100.{n}").status_code for n in range(10)]
    assert statuses == [302] * 10  # the same answer every time
    assert len(mail.outbox) == 2
    assert_no_email_in_journal()


def test_reset_requests_are_limited_per_address_with_a_message(client):
    for n in range(5):
        assert reset(client, f"quelqu.un{n}@exemple.fr").status_code == 302
    response = reset(client, "encore@exemple.fr")
    assert response.status_code == 429
    assert "Trop de demandes de nouveau mot de passe" in unescape(response.content.decode())
    assert reset(client, "encore@exemple.fr", address="198.51.100.9").status_code == 302


def test_reset_emails_go_through_the_task_queue_whether_the_account_exists_or_not(client, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "cordee.www.accounts.views.tasks.send_password_reset", lambda *args: queued.append(args), raising=True
    )
    UserFactory(email="camille@exemple.fr")
    reset(client, "camille@exemple.fr")
    reset(client, "inconnu@exemple.fr")
    assert [args[0] for args in queued] == ["camille@exemple.fr", "inconnu@exemple.fr"]
    assert mail.outbox == []


def test_reset_link_uses_site_url_never_the_request_host(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://cordee.example.gouv.fr"
    UserFactory(email="camille@exemple.fr")
    reset(client, "camille@exemple.fr", HTTP_HOST="attaquant.example")
    body = mail.outbox[0].body
    assert "https://cordee.example.gouv.fr/compte/mot-de-passe/nouveau/" in body
    assert "attaquant" not in body


# --- Sessions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,remember,at_browser_close,age",
    [
        ("mediateur", False, True, None),
        ("mediateur", True, False, 60 * 60 * 24 * 30),
        ("coordinator", False, True, None),
        ("coordinator", True, False, 60 * 60 * 8),
        ("national_admin", True, False, 60 * 60 * 8),
    ],
)
def test_session_lifetime(client, kind, remember, at_browser_close, age):
    user = make_user(kind)
    data = {"username": user.email, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("www:accounts:login"), data)
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close() is at_browser_close
    if age:
        assert client.session.get_expiry_age() == age
        assert response.cookies["sessionid"]["max-age"] == age
    else:
        assert response.cookies["sessionid"]["max-age"] == ""


def test_login_page_offers_to_stay_signed_in(client):
    html = unescape(client.get(reverse("www:accounts:login")).content.decode())
    assert 'name="remember"' in html and "Rester connecté" in html


def test_ipv6_addresses_of_one_network_share_a_counter(client):
    for n in range(20):
        login(client, f"cible{n}@exemple.fr", "mauvais", address=f"2001:db8:1:2::{n + 1:x}")
    UserFactory(email="camille@exemple.fr")
    assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD, address="2001:db8:1:2::ffff").status_code == 429
    assert login(client, "camille@exemple.fr", DEFAULT_PASSWORD, address="2001:db8:1:3::1").status_code == 302


def test_the_technical_administration_login_is_limited_too(client):
    admin = UserFactory(email="tech@exemple.fr", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for n in range(5):
        client.post(url, {"username": admin.email, "password": f"essai-{n}"}, REMOTE_ADDR="203.0.113.7")
    response = client.post(url, {"username": admin.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "Trop de tentatives de connexion à ce compte" in unescape(response.content.decode())
    assert SESSION_KEY not in client.session
