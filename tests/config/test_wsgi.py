import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_each_server_process_loads_the_urls_and_views_as_it_starts():
    """Not during the first request it serves: the first people after a restart would wait for the imports."""
    script = (
        "import sys; import config.wsgi; "
        "print('config.urls' in sys.modules, 'cordee.api.pass_numerique' in sys.modules, "
        "'cordee.www.pass_numerique.redeem' in sys.modules)"
    )
    clean = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
