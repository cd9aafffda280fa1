"""Log lines as JSON objects on stdout, one per line, for a log shipper (journald, Loki, Elasticsearch, ...).

Every line carries ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, the ``request_id`` of the
request being served (the proxy's ``X-Request-ID`` or one made by :mod:`layan.ops.middleware`), ``exc`` with
the traceback when there is one, and any ``extra=`` fields the caller passed. ``LOG_FORMAT=plain`` keeps the
human-readable lines of the demo (see ``layan.settings.production``).
"""

import contextvars
import logging
import re
import traceback

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("layan_request_id", default="")

# Objects Django and other libraries put into ``extra`` that say nothing a log reader needs and would only be
# written as their repr (the request itself: its path and id are already there).
_DROPPED_EXTRA = ("request", "server_time", "connection", "layan_redacted")


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter with Layan's field names and the current request id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "exc_info": "exc"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args or ("%(levelname)s %(name)s %(message)s",), **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        for key in _DROPPED_EXTRA:
            log_data.pop(key, None)
        # Django logs a 4xx/5xx response after the middleware returned it, with the request as ``extra``
        current = request_id.get() or getattr(getattr(record, "request", None), "layan_request_id", "")
        if current:
            log_data["request_id"] = current


MASK = "[disaring]"

# What a log line must never carry, each pattern with the part kept before the masked value (group 1).
_SECRET_PATTERNS = [
    # the reporter's secret links (acting as the reporter), the follower's confirmation link, Open311 tokens
    re.compile(r"(/(?:lapor/terkirim|lacak)/[^/\s?#\"']+/)[^/\s?#\"']+"),
    re.compile(r"(/laporan/[^/\s?#\"']+/ikuti/)[^/\s?#\"']+"),
    re.compile(r"(/open311/v2/tokens/)[^/\s?#\"'.]+"),
    # a Telegram bot token inside an API URL
    re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+"),
    # credentials inside URLs: scheme://user:password@host
    re.compile(r"([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+(?=@)", re.IGNORECASE),
    # headers: Authorization (Bearer, Basic, Api-Key, Token), API keys, signatures, webhook secrets, cookies
    re.compile(
        r"((?:authorization|proxy-authorization|x-api-key|api-key|x-[a-z0-9-]*signature[a-z0-9-]*|"
        r"x-telegram-bot-api-secret-token|cookie|set-cookie)[\"']?\s*[:=]\s*[\"']?)[^\"'\n,;}]+",
        re.IGNORECASE,
    ),
    re.compile(r"(\b(?:Bearer|Basic|Api-Key|Token)\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(\bsha(?:1|256)=)[0-9a-f]{16,}", re.IGNORECASE),
    # key=value and "key": "value" for secret-looking names (query strings, form bodies, JSON, settings dumps)
    re.compile(
        r"((?:password|passwd|pwd|secret|token|api_key|apikey|access_token|auth_token|app_secret|signature|"
        r"secret_key|sessionid|csrftoken|csrfmiddlewaretoken|otp|code_verifier|hub\.verify_token)"
        r"[\"']?\s*(?:=|:)\s*[\"']?)[^\"'&\s,;}]+",
        re.IGNORECASE,
    ),
]


def mask_secrets(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``[disaring]`` (see ``_SECRET_PATTERNS``)."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request",
    "status_code",
    "layan_redacted",
}


class RedactSecrets(logging.Filter):
    """On every handler: masks secrets in the message, its traceback and string ``extra`` fields; and turns a 403
    into one line (path, user id, reason) without a traceback.

    Django logs a ``PermissionDenied`` with its traceback at WARNING on ``django.request``: a refusal is an
    expected event, not a bug, and its traceback only fills the log (and would carry whatever the refused
    request held). The record is changed in place, so every later handler sees the masked one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "layan_redacted", False):  # already done by another handler's filter
            return True
        record.layan_redacted = True
        if getattr(record, "status_code", None) == 403 and record.name.startswith(
            ("django.request", "django.security")
        ):
            self._one_line_forbidden(record)
        if isinstance(record.msg, dict):  # python-json-logger merges a dict message into the line: keep it one
            record.msg = {key: mask_secrets(v) if isinstance(v, str) else v for key, v in record.msg.items()}
        else:
            record.msg, record.args = mask_secrets(record.getMessage()), None
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, mask_secrets(value))
        return True

    @staticmethod
    def _one_line_forbidden(record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        reason = ""
        if record.exc_info and record.exc_info[1] is not None:
            reason = str(record.exc_info[1]) or type(record.exc_info[1]).__name__
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        path = getattr(request, "path", "") if request is not None else ""
        # "Forbidden (CSRF token missing.): /path" names its reason already; a record without its request keeps its
        # own message (which holds the path)
        plain = record.name.startswith("django.security.csrf") or not path
        base = record.getMessage() if plain else f"Forbidden: {path}"
        record.msg = f"{base} user={user_id if user_id is not None else '-'}" + (f" reason={reason}" if reason else "")
        record.args = None
        record.user_id = user_id


def logging_config(*, level: str = "INFO", json_lines: bool = True) -> dict:
    """The ``LOGGING`` dict of a deployment: everything to stdout, as JSON lines unless ``json_lines`` is off."""
    formatter = (
        {"()": "layan.ops.logs.JsonLineFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "filters": {"redact": {"()": "layan.ops.logs.RedactSecrets"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "main",
                "filters": ["redact"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # waitress logs each queue-depth warning; keep them, they say the server needs more threads
            "waitress": {"level": level},
        },
    }
