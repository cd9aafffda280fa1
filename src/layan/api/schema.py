"""OpenAPI pieces drf-spectacular cannot guess: the Api-Key security scheme and the error responses.

Importing this module registers the authentication extension (the views module imports it).
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "layan.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A key made by an administrator, scoped to one agency and a set of permissions: "
                "`Authorization: Api-Key <key>` (or the header `X-Api-Key: <key>`). A wrong, revoked or expired key "
                "is refused with 401."
            ),
        }


class CsrfSessionScheme(SessionScheme):
    """The web's session cookie (unsafe methods also need the CSRF token in ``X-CSRFToken``)."""

    target_class = "layan.api.authentication.CsrfSessionAuthentication"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `validation_error`, `not_found`.")
    message = serializers.CharField(help_text="For people, in the request's language (Accept-Language).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages for invalid input; nested fields are dotted (`reporter.phone`).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _error(description: str, code: str, message: str, fields=None) -> OpenApiResponse:
    value = {"error": {"code": code, "message": message}}
    if fields:
        value["error"]["fields"] = fields
    return OpenApiResponse(
        ErrorSerializer, description=description, examples=[OpenApiExample(code, value=value, response_only=True)]
    )


BAD_REQUEST = _error(
    "Invalid input",
    "validation_error",
    "Data yang dikirim tidak valid. Periksa isian yang ditandai.",
    {"title": ["Bidang ini harus diisi."]},
)
UNAUTHORIZED = _error(
    "Missing, wrong, revoked or expired credentials", "authentication_failed", "Kunci API tidak valid."
)
FORBIDDEN = _error("Not allowed", "permission_denied", "Anda tidak berwenang melakukan ini.")
NOT_FOUND = _error("Not found (or not visible to the caller)", "not_found", "Data yang diminta tidak ditemukan.")
CONFLICT = _error(
    "The report changed since the caller read it (stale version)",
    "concurrent_change",
    "Laporan ini baru saja diubah oleh orang lain. Muat ulang halaman lalu coba lagi.",
)
THROTTLED = _error("Too many requests", "throttled", "Terlalu banyak permintaan. Coba lagi dalam 30 detik.")

BAD_CURSOR = _error(
    "The `cursor` is not one this list gave out (it is opaque: pass back the `next` or `previous` link as it came)",
    "not_found",
    "Invalid cursor",
)
BAD_INPUT = _error(
    "Invalid input: a query parameter given empty or twice, or a NUL character in the address",
    "validation_error",
    "Data yang dikirim tidak valid. Periksa isian yang ditandai.",
    {"page_size": ["Parameter ini diberikan lebih dari sekali."]},
)

# Every status an endpoint can answer is listed (schemathesis checks it): 400 for any request (a parameter given
# empty or twice, a NUL character), 401 for a wrong key, 404 for an unknown object or a list's bad cursor, 429.
READ_ERRORS = {400: BAD_INPUT, 401: UNAUTHORIZED, 404: NOT_FOUND, 429: THROTTLED}
LIST_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 404: BAD_CURSOR, 429: THROTTLED}
WRITE_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 429: THROTTLED}


def only_v1(endpoints, **kwargs):
    """The schema documents the REST API v1 only (Open311 has its own spec; pages are not an API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
