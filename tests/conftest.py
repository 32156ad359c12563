import pytest


@pytest.fixture(autouse=True)
def _media_and_mail(settings):
    """Every test gets an empty outbox and no real e-mail backend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
