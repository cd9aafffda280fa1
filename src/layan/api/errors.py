"""Errors of the REST API: always JSON, always the same shape, with a stable code and a message in the request's
language::

    {"error": {"code": "validation_error", "message": "...", "fields": {"title": ["..."]}}}

``code`` is for programs (it never changes with the language), ``message`` for people, ``fields`` (only for
invalid input) maps each field, dotted for nested ones (``reporter.phone``), to its messages. Domain exceptions
(Django's ValidationError, the workflow's TransitionError and ConcurrentChange) are mapped here so the views stay
thin and every endpoint answers alike.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from layan.reports.workflow import ConcurrentChange, TransitionError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "concurrent_change"
    default_detail = gettext_lazy("Laporan ini baru saja diubah oleh orang lain. Muat ulang halaman lalu coba lagi.")


class ActionNotAllowed(exceptions.PermissionDenied):
    default_code = "action_not_allowed"


class CsrfFailed(exceptions.PermissionDenied):
    default_code = "csrf_failed"
    default_detail = gettext_lazy("Token CSRF tidak ada atau tidak valid. Muat ulang halaman lalu coba lagi.")


# Messages of our own for DRF's exceptions, so every error reads the same way (DRF's own are kept for
# validation messages, which DRF translates itself).
MESSAGES = {
    "not_found": gettext_lazy("Data yang diminta tidak ditemukan."),
    "not_authenticated": gettext_lazy("Diperlukan kunci API atau login."),
    "permission_denied": gettext_lazy("Anda tidak berwenang melakukan ini."),
    "method_not_allowed": gettext_lazy("Metode %(method)s tidak didukung di alamat ini."),
    "validation_error": gettext_lazy("Data yang dikirim tidak valid. Periksa isian yang ditandai."),
    "parse_error": gettext_lazy("Isi permintaan tidak dapat dibaca: kirim JSON yang valid."),
    "unsupported_media_type": gettext_lazy("Jenis isi permintaan tidak didukung: kirim application/json."),
    "not_acceptable": gettext_lazy("Format jawaban yang diminta tidak tersedia: gunakan application/json."),
    "throttled": gettext_lazy("Terlalu banyak permintaan. Coba lagi dalam %(seconds)s detik."),
}


def error_body(code: str, message, fields: dict | None = None) -> dict:
    error = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.b": ["message", ...]}``."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _validation(detail) -> tuple[str, dict]:
    fields = _flatten(detail)
    general = fields.pop("non_field_errors", [])
    if general and not fields:
        return " ".join(general), {}
    if general:
        fields["non_field_errors"] = general
    return str(MESSAGES["validation_error"]), fields


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if name == "__all__" else name): messages for name, messages in exc.message_dict.items()
        }
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError(exc.messages)


def _translate(exc):
    """Domain and Django exceptions as the DRF exception with our stable code."""
    if isinstance(exc, ConcurrentChange):
        return Conflict(str(exc.message))
    if isinstance(exc, TransitionError):
        return ActionNotAllowed(str(exc.message))
    if isinstance(exc, DjangoValidationError):
        return _from_django(exc)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _code_and_message(exc: exceptions.APIException, request) -> tuple[str, str, dict]:
    if isinstance(exc, exceptions.ValidationError):
        message, fields = _validation(exc.detail)
        return "validation_error", message, fields
    code = exc.get_codes() if not isinstance(exc.detail, dict | list) else exc.default_code
    code = code if isinstance(code, str) else exc.default_code
    if isinstance(exc, exceptions.Throttled):
        return "throttled", MESSAGES["throttled"] % {"seconds": int(exc.wait or 1)}, {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed", MESSAGES["method_not_allowed"] % {"method": request.method}, {}
    detail = exc.detail
    if code in MESSAGES and str(detail) == str(exc.default_detail):
        return code, str(MESSAGES[code]), {}
    return code, str(detail), {}


def exception_handler(exc, context):
    """DRF exception handler (set on the v1 views): the one JSON error shape for every failure we know of.
    Anything else is a bug and goes to Django's 500 handling (and its logging) untouched."""
    exc = _translate(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    request = context.get("request")
    code, message, fields = _code_and_message(exc, request)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    return Response(error_body(code, message, fields), status=exc.status_code, headers=headers)
