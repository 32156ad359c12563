import pytest


@pytest.fixture(autouse=True)
def _media_and_mail(settings):
    """Every test gets an empty outbox and no real e-mail backend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns (an error here) when STATIC_ROOT is missing, as it is before any collectstatic."""
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
