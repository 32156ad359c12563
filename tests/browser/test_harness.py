"""The harness itself must catch what it promises to catch."""

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser


def test_assert_accessible_fails_with_a_readable_list(page, assert_accessible):
    page.set_content("<html><head><title>Essai</title></head><body><main><input type='text'></main></body></html>")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "html-has-lang" in message
    assert "- label (critical)" in message
    assert "input" in message


def test_inline_script_without_nonce_is_refused_and_reported(page, console_errors):
    page.goto("/")
    with pytest.raises(PlaywrightError):
        page.add_script_tag(content="window.cordeeInjected = true;")
    assert page.evaluate("window.cordeeInjected === undefined")
    assert any("Content Security Policy" in error for error in console_errors), console_errors
    console_errors.clear()
