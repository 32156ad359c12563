"""Rate limits of the API, counted per client address behind the trusted proxies (``cordee.core.net``).

The counters live in the default cache: the database cache, or Redis when ``REDIS_URL`` is set — a store
shared by every process, so a limit holds whatever the number of workers.
"""

from rest_framework import throttling

from cordee.core.net import rate_limit_key


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_ident(self, request):
        return rate_limit_key(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_ident(self, request):
        return rate_limit_key(request)
