"""Dashboard reads on a PostgreSQL read replica (``DATABASE_REPLICA_URL``).

Only the read-only dashboard pages listed in ``LAYAN_REPLICA_VIEWS`` (public and staff performance reports, the
public report list, the statistics API) read from the replica, and only on GET/HEAD: :mod:`layan.ops.middleware`
marks such a request, and this router then sends its reads there. Everything else, and every write, stays on
``default``. Sessions, users, API keys and the task queue are always read from ``default``: a replica a second
behind must never log someone out or hide a key that was just made.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reading_from_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("layan_replica", default=False)

# app labels, or app_label.model_name, that are always read from the primary
PRIMARY_ONLY = frozenset({"sessions", "auth", "contenttypes", "admin", "core.user", "api", "django_tasks_db", "ops"})


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_from_replica(enabled: bool = True):
    """Within this block, reads of dashboard models go to the replica (when one is configured)."""
    token = _reading_from_replica.set(enabled)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def read_from_replica_from_now() -> None:
    """Within the current ``reading_from_replica`` block (the request's), switch reads to the replica."""
    _reading_from_replica.set(True)


def is_replica_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name in getattr(settings, "LAYAN_REPLICA_VIEWS", ())
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reading_from_replica.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary; it is never migrated itself
