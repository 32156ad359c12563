"""The whole measure of ``tests/aggregation/test_commune_linking.py``: every real row of the shared files, in its
9 variants (about 92,000 row validations, minutes on 2 cores). The test suite measures a sample of it."""

import pytest

from tests.aggregation import test_commune_linking as linking

pytestmark = [pytest.mark.bench, *linking.pytestmark[1:]]


def test_every_real_row_is_linked_to_the_right_commune():
    assert linking.measure(step=1) >= linking.GOAL
