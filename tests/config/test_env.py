import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_config


@pytest.fixture
def database_url(monkeypatch):
    def set_url(value):
        monkeypatch.setenv("DATABASE_URL", value)

    return set_url


def test_without_database_url_sqlite_in_var_with_wal(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_config(tmp_path / "cordee.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "cordee.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url(database_url, tmp_path):
    database_url("postgres://cordee:secret@db.internal:5433/cordee")
    config = database_config(tmp_path / "unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"]) == ("db.internal", 5433)
    assert (config["NAME"], config["USER"]) == ("cordee", "cordee")


@pytest.mark.parametrize(
    "value,message",
    [
        ("postgres//oubli-des-deux-points", "DATABASE_URL mal formée"),
        ("mysql://root@127.0.0.1/cordee", "moteur non pris en charge"),
        ("postgres://127.0.0.1:5432/", "ne nomme pas de base"),
        ("nimportequoi://x/y", "DATABASE_URL"),
    ],
)
def test_malformed_database_url_gives_a_clear_message(database_url, tmp_path, value, message):
    database_url(value)
    with pytest.raises(ImproperlyConfigured, match=message):
        database_config(tmp_path / "unused.sqlite3")
