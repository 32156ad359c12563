"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Fixtures: ``browser`` (one Chromium per test worker), ``page`` (a fresh context per test, failing on any
console error such as a CSP violation), ``login_as(user)`` (session cookie, no form) and
``assert_accessible(page)`` (axe, WCAG 2.1 A and AA, fails on any violation).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.browser.accessibility import assert_accessible as _assert_accessible

CHROMIUM = os.environ.get("CORDEE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 667}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium est absent ({CHROMIUM}) : lancez bin/ensure-chromium (paquet Debian « chromium »).")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the tests are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def viewport():
    """Override in a test (``@pytest.mark.parametrize("viewport", [MOBILE])``) to change the window size."""
    return DESKTOP


@pytest.fixture
def console_errors():
    """Errors the page wrote to the console (CSP violations, failed scripts…); the test fails if any remain."""
    return []


@pytest.fixture
def page(browser, live_server, transactional_db, viewport, console_errors):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    yield page
    context.close()
    assert not console_errors, "Erreurs dans la console du navigateur :\n" + "\n".join(console_errors)


@pytest.fixture
def login_as(page, live_server):
    """Sign a user in by giving the browser a session cookie (the login form has its own journey test)."""

    def login(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return login


@pytest.fixture
def assert_accessible():
    return _assert_accessible
