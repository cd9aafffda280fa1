"""Liveness and readiness, for a load balancer or an orchestrator.

- ``/healthz`` (liveness): the process answers. No database, no cache: restarting a process because the database
  is down would not help.
- ``/readyz`` (readiness): this process can serve: the database answers, every migration of this code is applied,
  and the task queue answers. 200 with each check, or 503 with the first failure as ``reason``; take an instance
  out of the pool on 503, do not restart it.

Both are answered by :class:`layan.ops.middleware.OpsMiddleware` before Django's host check and HTTPS redirect,
so a load balancer may call an instance by its address over plain HTTP.
"""

import logging
from dataclasses import asdict, dataclass

from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


_migrations_seen_applied = False  # once true it stays true for this process (its code does not change)


def check_database() -> Check:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check("database", True, connections[DEFAULT_DB_ALIAS].vendor)


def check_migrations() -> Check:
    """Every migration the running code knows is applied (one read of django_migrations, and the graph once)."""
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return Check("migrations", True, "applied")
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        missing = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" (+{len(plan) - 5})" if len(plan) > 5 else ""
        return Check("migrations", False, f"{len(plan)} not applied: {missing}{more}")
    _migrations_seen_applied = True
    return Check("migrations", True, "applied")


def check_tasks() -> Check:
    from . import taskqueue

    return Check("tasks", True, taskqueue.ping())


CHECKS = (check_database, check_migrations, check_tasks)


def readiness() -> tuple[bool, list[Check]]:
    """Run the checks in order, stopping at the first failure (the next ones depend on it)."""
    results = []
    for run in CHECKS:
        name = run.__name__.removeprefix("check_")
        try:
            result = run()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", with its reason
            log.warning("readiness: %s failed: %s", name, exc)
            result = Check(name, False, f"{type(exc).__name__}: {str(exc).strip()[:300]}")
        results.append(result)
        if not result.ok:
            return False, results
    return True, results


def readiness_body(ready: bool, checks: list[Check]) -> dict:
    body = {"status": "ready" if ready else "not ready", "checks": [asdict(c) for c in checks]}
    if not ready:
        failed = checks[-1]
        body["reason"] = f"{failed.name}: {failed.detail}"
    return body


def forget_migrations_state() -> None:
    """For tests: check the migrations again on the next call."""
    global _migrations_seen_applied
    _migrations_seen_applied = False
