from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-cordee"
DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "cordee.core.sms.LocmemBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
HUEY = {**HUEY, "immediate": True}  # noqa: F405
HUEY.pop("filename", None)
HUEY["huey_class"] = "huey.MemoryHuey"
HUEY.pop("url", None)
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "10000/minute"}}  # noqa: F405
# One process per test worker: a memory cache keeps the counted SQL queries those of the page under test
# (development and production share a database or Redis cache between processes).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


class _InvalidTemplateVariable(str):
    """Make any undefined template variable fail the test that renders it."""

    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit indéfinie : {other!r}")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = _InvalidTemplateVariable("%s")  # noqa: F405
