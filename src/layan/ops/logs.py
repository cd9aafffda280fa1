"""Log lines as JSON objects on stdout, one per line, for a log shipper (journald, Loki, Elasticsearch, ...).

Every line carries ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, the ``request_id`` of the
request being served (the proxy's ``X-Request-ID`` or one made by :mod:`layan.ops.middleware`), ``exc`` with
the traceback when there is one, and any ``extra=`` fields the caller passed. ``LOG_FORMAT=plain`` keeps the
human-readable lines of the demo (see ``layan.settings.production``).
"""

import contextvars

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("layan_request_id", default="")

# Objects Django and other libraries put into ``extra`` that say nothing a log reader needs and would only be
# written as their repr (the request itself: its path and id are already there).
_DROPPED_EXTRA = ("request", "server_time", "connection")


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
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "main"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # waitress logs each queue-depth warning; keep them, they say the server needs more threads
            "waitress": {"level": level},
        },
    }
