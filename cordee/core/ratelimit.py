"""A fixed-window limit on an action, counted in the shared cache under a keyed hash of who does it.

``check_and_count(limit, identifier)`` counts one more attempt and raises ``RateLimited`` (429, French
message, ``retry_after`` in seconds) once ``limit.attempts`` were made within ``limit.window`` seconds.
A limit with a ``lock`` is used the other way round, for failures counted after the fact (wrong passwords):
``count`` returns the count, ``lock`` refuses the identifier for ``limit.lock`` seconds, ``locked_for`` says
how long is left and ``reset`` forgets it all (``cordee.users.throttling``).
The identifier (a client address from ``cordee.core.net.rate_limit_key``, a referral id, an e-mail…) is stored
only as a keyed hash (``cordee.core.pseudonyms``). The cache must be shared by every process (database cache or
Redis), as for the other limits (docs/deployment.md, "Rate limits").
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from cordee.core.errors import DomainError
from cordee.core.pseudonyms import keyed_hash


class RateLimited(DomainError):
    status = 429
    default_message = "Trop de demandes en peu de temps. Patientez quelques minutes, puis réessayez."
    default_reason = "throttled"

    def __init__(self, message: str | None = None, *, retry_after: int, **extra):
        super().__init__(message, retry_after=retry_after, **extra)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int  # at most this many…
    window: int  # …within this many seconds, counted from the first one
    message: str = ""  # French; "{wait}" is replaced by the time to wait ("5 minutes")
    lock: int = 0  # seconds an identifier stays refused once ``lock`` is called (0: no lock, the window rules)


def wait_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes >= 60:
        hours = math.ceil(minutes / 60)
        return "une heure" if hours == 1 else f"{hours} heures"
    return "une minute" if minutes == 1 else f"{minutes} minutes"


def _key(limit: Limit, identifier: str, suffix: str) -> str:
    return f"ratelimit:{limit.name}:{keyed_hash(str(identifier))}:{suffix}"


def retry_after(limit: Limit, identifier: str) -> int:
    """Seconds to wait before the next attempt is allowed, 0 when it is."""
    if (cache.get(_key(limit, identifier, "count")) or 0) < limit.attempts:
        return 0
    started = cache.get(_key(limit, identifier, "start"))
    return max(1, math.ceil(started + limit.window - time.time())) if started else limit.window


def check(limit: Limit, identifier: str) -> None:
    """Refuse (``RateLimited``) when the limit is reached, without counting anything."""
    wait = retry_after(limit, identifier)
    if wait:
        message = limit.message.format(wait=wait_text(wait)) if limit.message else None
        raise RateLimited(message, retry_after=wait)


def count(limit: Limit, identifier: str) -> int:
    """Count one attempt (e.g. a failed one, after the fact); returns the count in the current window."""
    count_key, start_key = _key(limit, identifier, "count"), _key(limit, identifier, "start")
    if cache.add(count_key, 0, timeout=limit.window):
        cache.set(start_key, time.time(), timeout=limit.window)
    try:
        value = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=limit.window)
        cache.set(start_key, time.time(), timeout=limit.window)
        return 1
    # The database cache writes an incremented value with its default timeout (5 minutes), not the key's: the
    # counter gets the rest of its window back, or a window of an hour would forget its count after 5 minutes.
    started = cache.get(start_key)
    cache.touch(count_key, max(1, math.ceil(started + limit.window - time.time())) if started else limit.window)
    return value


def check_and_count(limit: Limit, identifier: str) -> None:
    """Refuse (``RateLimited``) when the limit is reached, else count this attempt."""
    check(limit, identifier)
    count(limit, identifier)


def lock(limit: Limit, identifier: str) -> None:
    """Refuse this identifier for ``limit.lock`` seconds; its count starts again afterwards."""
    cache.set(_key(limit, identifier, "lock"), time.time() + limit.lock, timeout=limit.lock)
    cache.delete(_key(limit, identifier, "count"))


def locked_for(limit: Limit, identifier: str) -> int:
    """Seconds left on the lock of this identifier, 0 when free."""
    until = cache.get(_key(limit, identifier, "lock"))
    return max(0, math.ceil(until - time.time())) if until else 0


def reset(limit: Limit, identifier: str) -> None:
    """Forget the attempts and the lock of this identifier (the right password was given)."""
    cache.delete_many([_key(limit, identifier, suffix) for suffix in ("count", "start", "lock")])
