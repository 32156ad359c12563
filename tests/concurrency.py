"""Run callables at the same moment in threads, each with its own database connection: the way to prove that a
rule holds under concurrency ("a pass is redeemed exactly once", "one decision per qualification request").

    outcomes = run_concurrently(lambda: redeem(code, at=place_a), lambda: redeem(code, at=place_b))
    assert sorted(outcome.ok for outcome in outcomes) == [False, True]

Only PostgreSQL shows real concurrency (row locks, isolation); mark such tests ``postgresql`` (skipped on SQLite)
and ``django_db(transaction=True)``: each thread opens its own connection, which only sees committed data, so the
test's data must be committed, not held in the test's transaction.
"""

import threading
from dataclasses import dataclass
from typing import Any

from django.db import connections


@dataclass
class Outcome:
    """What one callable returned, or the exception it raised."""

    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self):
        return self.error is None


def run_concurrently(*callables, timeout=30):
    """Start one thread per callable, release them together (a barrier), wait for all; return one ``Outcome`` per
    callable, in order. Each thread closes its connections when done. A thread still running after ``timeout``
    seconds (a deadlock, a lock never released) fails the test."""
    if len(callables) < 2:
        raise ValueError("Il faut au moins deux appels pour tester la concurrence.")
    barrier = threading.Barrier(len(callables))
    outcomes = [Outcome() for _ in callables]

    def run(index, function):
        try:
            barrier.wait(timeout)
            outcomes[index].result = function()
        except BaseException as error:
            outcomes[index].error = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, function), name=f"concurrent-{index}", daemon=True)
        for index, function in enumerate(callables)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"Toujours en cours après {timeout} s (verrou jamais libéré ?) : {', '.join(stuck)}"
    return outcomes
