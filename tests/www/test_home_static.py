"""Production serves hashed static files (manifest storage): every asset and reference must resolve."""

import pytest
from django.core.management import call_command
from django.urls import reverse


@pytest.fixture
def manifest_static(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


@pytest.mark.django_db
def test_collectstatic_and_pages_use_hashed_assets(manifest_static, client):
    assert (manifest_static / "staticfiles.json").exists()
    html = client.get(reverse("www:home")).content.decode()
    # e.g. /static/dsfr/dist/dsfr/dsfr.min.<hash>.css
    assert "/static/dsfr/dist/dsfr/dsfr.min." in html
    assert 'href="/static/dsfr/dist/dsfr/dsfr.min.css"' not in html
    assert "/static/www/css/cordee." in html


def test_readme_lists_every_demo_account_and_how_to_get_a_map():
    from pathlib import Path

    from cordee.demo.dataset import DEMO_PASSWORD, USERS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for user in USERS:
        assert f"`{user.email}`" in readme, user.email
    assert DEMO_PASSWORD in readme
    assert "HOST=" in readme and "PORT=" in readme
    assert "MAP_TILE_URL" in readme and "## Carte" in readme
