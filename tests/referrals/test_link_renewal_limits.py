"""« M'envoyer un nouveau lien » sends an e-mail each time: limited per referral and per client address (429)."""

import pytest
from django.core import mail
from django.urls import reverse

from cordee.core import ratelimit
from cordee.referrals import links
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def renew(client, token, address="203.0.113.7"):
    return client.post(reverse("www:referrals:link_renew", kwargs={"token": token}), REMOTE_ADDR=address)


def test_three_new_links_per_referral_and_hour_then_a_clear_429(client, django_capture_on_commit_callbacks):
    referral = ReferralFactory(place_without_account=True)
    token = links.issue(referral)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [renew(client, token, address=f"203.0.113.{index}").status_code for index in range(3)]
    assert statuses == [200, 200, 200]
    assert len(mail.outbox) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = renew(client, token, address="198.51.100.1")  # another address: the referral's limit holds

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    text = response.content.decode()
    assert "Trop de demandes de nouveau lien" in text and "réessayez dans une heure" in text
    assert len(mail.outbox) == 3  # no fourth e-mail


def test_one_address_cannot_renew_the_links_of_every_place(client, django_capture_on_commit_callbacks):
    tokens = [links.issue(ReferralFactory(place_without_account=True)) for _ in range(11)]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [renew(client, token).status_code for token in tokens]
    assert statuses == [200] * 10 + [429]
    assert len(mail.outbox) == 10


def test_a_tampered_link_counts_against_the_address_and_is_refused():
    with pytest.raises(links.LinkInvalid):
        links.renew("pas-un-jeton", "192.0.2.1")
    assert ratelimit.retry_after(links.RENEWAL_PER_ADDRESS, "192.0.2.1") == 0  # one of ten used


def test_rate_limited_error_is_a_429_domain_error():
    limit = ratelimit.Limit("test", attempts=1, window=60, message="Patientez {wait}.")
    ratelimit.check_and_count(limit, "x")
    with pytest.raises(ratelimit.RateLimited) as raised:
        ratelimit.check_and_count(limit, "x")
    assert raised.value.status == 429 and raised.value.message == "Patientez une minute."
    assert raised.value.as_dict()["retry_after"] == raised.value.retry_after
    ratelimit.check_and_count(limit, "y")  # another identifier counts apart
