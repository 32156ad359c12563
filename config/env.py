"""The one place where Cordée reads its configuration from the environment.

Every setting that may change between machines is read here, through django-environ,
and nowhere else. A malformed value stops the start with a message that says which
variable is wrong and what is expected.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATABASE_URL_HELP = (
    "DATABASE_URL doit être une URL de base de données, par exemple "
    "postgres://utilisateur:motdepasse@127.0.0.1:5432/cordee ou sqlite:////chemin/absolu/cordee.sqlite3"
)
SUPPORTED_DB_ENGINES = {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}


def database_config(default_sqlite_path: Path) -> dict:
    """DATABASES['default'] from DATABASE_URL, or SQLite in var/ when it is unset."""
    raw = env.str("DATABASE_URL", default="").strip()
    if not raw:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    else:
        if "://" not in raw:
            raise ImproperlyConfigured(f"DATABASE_URL mal formée ({raw!r}). {DATABASE_URL_HELP}")
        try:
            config = environ.Env.db_url_config(raw)
        except Exception as exc:  # django-environ raises several kinds of errors
            raise ImproperlyConfigured(f"DATABASE_URL mal formée : {exc}. {DATABASE_URL_HELP}") from exc
        if config.get("ENGINE") not in SUPPORTED_DB_ENGINES:
            raise ImproperlyConfigured(
                f"DATABASE_URL désigne un moteur non pris en charge ({config.get('ENGINE')!r}) : "
                "Cordée fonctionne avec PostgreSQL ou SQLite."
            )
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"DATABASE_URL ne nomme pas de base de données. {DATABASE_URL_HELP}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        # WAL lets the web server and the task worker read while the other writes.
        config["OPTIONS"].setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        )
        config["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    else:
        config.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
        config.setdefault("CONN_HEALTH_CHECKS", True)
    return config


def replica_config() -> dict | None:
    """Optional read replica (DATABASE_REPLICA_URL) for read-heavy search and dashboards."""
    raw = env.str("DATABASE_REPLICA_URL", default="").strip()
    if not raw:
        return None
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL mal formée : {exc}. {DATABASE_URL_HELP}") from exc
    config.setdefault("CONN_MAX_AGE", 60)
    return config


def trusted_proxy_count() -> int:
    """TRUSTED_PROXY_COUNT: how many reverse proxies append to X-Forwarded-For in front of the application."""
    raw = env.str("TRUSTED_PROXY_COUNT", default="0").strip() or "0"
    if not raw.isdigit() or int(raw) > 10:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_COUNT mal formé ({raw!r}) : indiquez le nombre de proxys inverses devant l'application "
            "(0 sans proxy, 1 derrière nginx seul, 2 derrière un répartiteur de charge puis nginx…)."
        )
    return int(raw)
