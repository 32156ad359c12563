import pytest

from tests.diagnostics.factories import ensure_referentiel


@pytest.fixture(autouse=True)
def _referentiel(request):
    """Tests with a database get version 2026-1, even after a transactional test flushed the migration's data."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        ensure_referentiel()
