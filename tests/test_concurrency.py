"""The concurrency harness of tests/concurrency.py."""

import threading
import time

import pytest
from django.db import connection

from cordee.structures.models import Structure
from tests.concurrency import run_concurrently
from tests.structures.factories import StructureFactory


def test_outcomes_are_kept_in_order_with_their_errors():
    def answer(value, delay):
        def call():
            time.sleep(delay)
            if value == "b":
                raise ValueError("refusé")
            return value

        return call

    outcomes = run_concurrently(answer("a", 0.05), answer("b", 0), answer("c", 0.01))

    assert [outcome.result for outcome in outcomes] == ["a", None, "c"]
    assert [outcome.ok for outcome in outcomes] == [True, False, True]
    assert str(outcomes[1].error) == "refusé"


def test_callables_run_at_the_same_time():
    """Each waits for the other: both return only if they run side by side."""
    first_in, second_in = threading.Event(), threading.Event()

    def first():
        first_in.set()
        return second_in.wait(5)

    def second():
        second_in.set()
        return first_in.wait(5)

    assert [outcome.result for outcome in run_concurrently(first, second)] == [True, True]


def test_a_stuck_callable_fails_the_test():
    release = threading.Event()
    with pytest.raises(AssertionError, match="concurrent-1"):
        run_concurrently(lambda: None, lambda: release.wait(5), timeout=0.2)
    release.set()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_each_thread_has_its_own_connection():
    structure = StructureFactory()

    def backend_pid():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0], Structure.objects.filter(pk=structure.pk).exists()

    outcomes = run_concurrently(backend_pid, backend_pid, backend_pid)

    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    assert len({outcome.result[0] for outcome in outcomes}) == 3
    assert all(outcome.result[1] for outcome in outcomes)  # committed data is seen by every thread
