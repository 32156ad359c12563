import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def settings_of(module, **env):
    """Import a settings module in a fresh interpreter with this environment; print what the test asks."""
    script = (
        "import json, importlib; s = importlib.import_module('config.settings." + module + "'); "
        "print(json.dumps({'huey': s.HUEY['huey_class'], 'cache': s.CACHES['default']['BACKEND'], "
        "'debug': s.DEBUG, 'read': s.READ_DATABASE, 'dbs': sorted(s.DATABASES)}))"
    )
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_embedded_default_needs_no_service():
    result = settings_of("dev")
    assert result.returncode == 0, result.stderr
    assert '"huey": "huey.SqliteHuey"' in result.stdout
    assert '"read": "default"' in result.stdout


def test_production_uses_redis_and_a_read_replica_when_configured():
    result = settings_of(
        "prod",
        SECRET_KEY="s3cr3t",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://cordee@db.internal/cordee",
        DATABASE_REPLICA_URL="postgres://cordee@replica.internal/cordee",
    )
    assert result.returncode == 0, result.stderr
    assert '"huey": "huey.RedisHuey"' in result.stdout
    assert "RedisCache" in result.stdout
    assert '"debug": false' in result.stdout
    assert '"read": "replica"' in result.stdout
    assert '"dbs": ["default", "replica"]' in result.stdout


@pytest.mark.parametrize(
    "env,message",
    [
        ({}, "SECRET_KEY doit être défini en production"),
        ({"SECRET_KEY": "x", "DATABASE_URL": "postgres//oubli"}, "DATABASE_URL mal formée"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(env, message):
    result = settings_of("prod", **env)
    assert result.returncode != 0
    assert message in result.stderr
