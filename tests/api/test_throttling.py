"""Rate limits count per client behind the trusted proxies, in a cache shared by every process."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from cordee.api.throttling import AnonRateThrottle
from cordee.core.net import client_address, rate_limit_key
from tests.config.test_settings import settings_of
from tests.places.factories import PlaceFactory

COMMUNES = reverse("api:territories-communes")


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (0, "203.0.113.5", None, "203.0.113.5"),
        (0, "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # no proxy: the header is the client's word only
        (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # made-up entries on the left change nothing
        (2, "10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "10.0.0.2", "198.51.100.7", "10.0.0.2"),  # fewer entries than proxies: not through them all
        (1, "10.0.0.2", "pas-une-adresse", "10.0.0.2"),
        (1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        (1, "10.0.0.2", "198.51.100.7:51234", "198.51.100.7"),
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(remote, forwarded)) == expected


def test_rate_limit_key_groups_an_ipv6_subscriber(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert rate_limit_key(request_from("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert rate_limit_key(request_from("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert rate_limit_key(request_from("::ffff:198.51.100.7")) == "198.51.100.7"
    assert rate_limit_key(request_from("198.51.100.7")) == "198.51.100.7"


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_varying_forwarded_header_does_not_escape_the_limit_without_proxy(settings, three_per_minute):
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = [client.get(COMMUNES, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_each_client_has_its_bucket_and_spoofing_does_not_help(settings, three_per_minute):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")
    spoofed = [proxy.get(COMMUNES, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7").status_code for n in range(5)]
    assert spoofed == [200, 200, 200, 429, 429]
    assert proxy.get(COMMUNES, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.mark.django_db
def test_the_error_report_limit_uses_the_same_client_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    place = PlaceFactory()
    url = reverse("www:place_reports:create", kwargs={"pk": place.pk})

    def report(forwarded):
        return client.post(url, {"kind": "closed"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert [report(f"192.0.2.{n}, 198.51.100.7").status_code for n in range(6)] == [302] * 5 + [429]
    assert report("198.51.100.8").status_code == 302  # another visitor behind the same proxy
    cache.clear()


def test_counters_live_in_a_store_shared_by_every_process():
    dev = settings_of("dev")
    assert dev.returncode == 0, dev.stderr
    assert '"cache": "django.core.cache.backends.db.DatabaseCache"' in dev.stdout
    prod = settings_of("prod", SECRET_KEY="s", REDIS_URL="redis://127.0.0.1:6379/0")
    assert '"cache": "django.core.cache.backends.redis.RedisCache"' in prod.stdout


@pytest.mark.parametrize("value", ["-1", "deux", "99"])
def test_a_malformed_proxy_count_stops_the_start(value):
    result = settings_of("dev", TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT mal formé" in result.stderr
