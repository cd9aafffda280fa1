"""Authentication of systems by API key.

The key is sent as ``Authorization: Api-Key <key>`` or ``X-Api-Key: <key>`` (and, for Open311, as the spec's
``api_key`` parameter, see :func:`user_for_key`). A missing key leaves the request anonymous; a wrong, revoked or
expired key is refused with 401, never silently treated as anonymous.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiKey


def user_for_key(raw_key: str):
    """The service account acting for ``raw_key``, with the key's grants attached; None if the key is not valid."""
    raw_key = (raw_key or "").strip()
    if not raw_key or "." not in raw_key:
        return None
    try:
        key = ApiKey.objects.get_from_key(raw_key)  # usable keys only, with service user and agency
    except ApiKey.DoesNotExist:
        return None
    user = key.service_user
    if user is None or not user.is_active:
        return None
    user.layan_key_grants = key.grants  # read by layan.core.permissions
    user.layan_api_key = key
    key.touch()
    return user


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def get_raw_key(self, request) -> str:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith(self.keyword + " "):
            return header[len(self.keyword) + 1 :]
        return request.META.get("HTTP_X_API_KEY", "")

    def authenticate(self, request):
        raw_key = self.get_raw_key(request)
        if not raw_key:
            return None
        user = user_for_key(raw_key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Kunci API tidak valid, sudah dicabut atau kedaluwarsa."))
        return user, user.layan_api_key

    def authenticate_header(self, request):
        return self.keyword


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The web's session login, with Django's CSRF check on every unsafe request (as DRF does), refused with our
    own stable error code ``csrf_failed`` instead of DRF's English text."""

    def enforce_csrf(self, request):
        from .errors import CsrfFailed

        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None
