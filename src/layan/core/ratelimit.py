"""Rate limits where a script can flood: the public report form, the follow form (per client and per address it
mails), Open311, the channel webhooks. The same counters as the REST API's throttles and ``/lapor/mirip/``
(DRF's ``SimpleRateThrottle``: a sliding window kept in Django's cache, so every process behind the configured
shared cache counts together), with rates from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, read on each request
(each rate has an environment variable, see ``settings.base``).

:func:`hit` counts one request and says how long to wait when over the limit; the caller answers 429 with
``Retry-After`` (a page keeps what was typed; an API its own error shape).
"""

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _Limit(SimpleRateThrottle):
    def __init__(self, scope: str, ident: str | None):
        self.scope, self.ident = scope, ident
        super().__init__()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        ident = self.ident if self.ident is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def hit(request, scope: str, ident: str | None = None) -> int | None:
    """Count one request of ``scope`` from ``ident`` (default: the client's address, as the API's anonymous
    throttle reads it behind ``NUM_PROXIES`` proxies). None when allowed, else the seconds until one is allowed
    again (at least 1). A scope without a rate is not limited."""
    limit = _Limit(scope, ident)
    if limit.allow_request(request, None):
        return None
    return max(int(limit.wait() or 1), 1)


def first_hit(request, *limits: tuple[str, str | None]) -> int | None:
    """:func:`hit` for each ``(scope, ident)`` in turn; the wait of the first one over its limit, else None."""
    for scope, ident in limits:
        wait = hit(request, scope, ident)
        if wait is not None:
            return wait
    return None


def hashed(value: str) -> str:
    """An identity for a cache key that does not keep the value (an e-mail address, a phone number) in clear."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
