"""A gestionnaire gives a software its own API token, sees when it was used, then revokes it."""

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


@pytest.mark.parametrize("viewport", [PHONE])
def test_create_a_named_token_shown_once_then_revoke_it(page, login_as, assert_accessible):
    login_as(MembershipFactory(gestionnaire=True).user)
    page.goto("/compte/api/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès à l'API")
    assert_accessible(page)

    page.get_by_label("Nom du jeton").fill("Logiciel de la médiathèque")
    page.get_by_role("button", name="Créer le jeton").click()
    key = page.locator("#jeton-api").inner_text()
    assert key.startswith("cdr_")
    assert_accessible(page)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/territories/communes/").status_code == 200

    page.goto("/compte/api/")
    expect(page.locator("#jeton-api")).to_have_count(0)
    row = page.get_by_role("row", name="Logiciel de la médiathèque")
    expect(row).to_contain_text(key[:10])
    row.get_by_role("button", name="Supprimer le jeton « Logiciel de la médiathèque »").click()
    expect(page.get_by_text("Le jeton « Logiciel de la médiathèque » est supprimé")).to_be_visible()
    assert client.get("/api/v1/territories/communes/").status_code == 401
