"""The limits hold their whole window on the database cache too (the default without Redis): that cache writes an
incremented value with its own default timeout of 5 minutes, which used to cut every window down to 5 minutes."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from freezegun import freeze_time

from cordee.core import ratelimit
from cordee.users import throttling

pytestmark = pytest.mark.django_db
DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "test_cache"}}
TEN_MINUTES = ratelimit.Limit("test-window", attempts=3, window=600)


@pytest.fixture
def database_cache():
    with override_settings(CACHES=DATABASE_CACHE):
        from django.core.cache import caches

        caches.__dict__.pop("settings", None)
        call_command("createcachetable", verbosity=0)
        yield
    from django.core.cache import caches

    caches.__dict__.pop("settings", None)


def test_a_ten_minute_window_still_refuses_after_five_minutes(database_cache):
    with freeze_time("2026-12-01 10:00:00") as clock:
        for _ in range(3):
            ratelimit.check_and_count(TEN_MINUTES, "203.0.113.9")
        clock.tick(301)
        with pytest.raises(ratelimit.RateLimited) as refused:
            ratelimit.check_and_count(TEN_MINUTES, "203.0.113.9")
        assert 290 <= refused.value.retry_after <= 300
        clock.tick(300)
        ratelimit.check_and_count(TEN_MINUTES, "203.0.113.9")  # the window is over


def test_spaced_wrong_passwords_from_one_address_still_reach_the_hourly_limit(database_cache):
    address, allowed = "203.0.113.9", 0
    with freeze_time("2026-12-01 10:00:00") as clock:
        for round_ in range(3):
            for attempt in range(19):
                email = f"personne{round_}-{attempt}@exemple.fr"
                try:
                    throttling.check_login_allowed(email, address)
                except throttling.TooManyAttempts:
                    break
                throttling.login_failed(email, address)
                allowed += 1
            clock.tick(301)
    assert allowed == throttling.LOGIN_PER_ADDRESS.attempts
