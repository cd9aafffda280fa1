"""Throttles of the REST API v1: per key or logged-in user, per client IP for anonymous callers, and a tighter one
for submitting reports. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (environment variables
``API_THROTTLE_ANON``, ``API_THROTTLE_USER``, ``API_THROTTLE_CREATE``) and are read on each request, so a
changed setting applies without a restart of the class (DRF's own classes read them once, at import)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _Rate(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_Rate):
    """Anonymous callers, per client IP (behind a proxy: ``NUM_PROXIES`` decides which X-Forwarded-For entry)."""

    scope = "layan_anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class KeyOrUserThrottle(_Rate):
    """An API key (its own service account) or a logged-in user, whatever IP it comes from."""

    scope = "layan_user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class SubmitThrottle(_Rate):
    """Submitting reports: per key/user, else per IP."""

    scope = "layan_create"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
