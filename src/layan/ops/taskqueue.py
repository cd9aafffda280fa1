"""The task queue whichever backend runs it: the database queue (``django_tasks_db``, the default) or Redis
through RQ (``django_tasks_rq``, the way past one machine). Used by ``layan worker`` to run the right worker, by
``/readyz`` to tell whether the queue answers and by ``/metrics`` for its depth.

Why no task runs twice, per backend:

- database: a worker claims a task with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks it RUNNING in the same
  transaction (django-tasks-db), so two workers never take the same row; the row keeps the worker's id.
- RQ: a worker takes a job off a Redis list with an atomic pop, so only one worker receives it.

A worker killed in the middle of a task: on the database queue the task's RUNNING mark outlives it, so every
worker holds a lease and the survivors queue again the tasks of workers whose lease expired, and retry failed
Layan tasks with backoff (``layan.ops.leases``); RQ has its own heartbeats and registries.

Either way a task may run again only after a crash in the middle of it (or a failure), which is why Layan's tasks are
idempotent (notifications are unique per event and recipient, webhook attempts are claimed by a conditional
UPDATE, the sweep claims each clock step).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

DATABASE = "database"
RQ = "rq"
IN_PROCESS = "in-process"

RQ_BACKEND = "django_tasks_rq.RQBackend"
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
BACKEND_ALIASES = {"database": DATABASE_BACKEND, "db": DATABASE_BACKEND, "rq": RQ_BACKEND, "redis": RQ_BACKEND}


def resolve_backend(name: str) -> str:
    """``TASKS_BACKEND`` may be a dotted path or one of the short names ``database`` and ``rq``."""
    return BACKEND_ALIASES.get(name.strip().lower(), name.strip())


def backend_kind() -> str:
    path = settings.TASKS["default"]["BACKEND"]
    if path.startswith("django_tasks_db."):
        return DATABASE
    if path.startswith("django_tasks_rq."):
        return RQ
    return IN_PROCESS


def enqueue_with_commit(task, *args, robust: bool = True) -> None:
    """Queue ``task`` so that it exists exactly when the data it is about does. With the database queue the task's
    row is written in the current transaction: committed with that data, or rolled back with it, and never lost
    between the two (queueing after the commit failed silently when that write met a locked SQLite database or
    the process died). Other backends cannot share the transaction: they queue after the commit (``robust``: a
    failure to queue is logged and never undoes what was committed)."""
    if backend_kind() == DATABASE:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), robust=robust)


def queue_names() -> list[str]:
    return list(settings.TASKS["default"]["QUEUES"])


def rq_queues(redis_url: str, queues: list[str], *, timeout: int = 600) -> dict:
    """``RQ_QUEUES`` for django-rq: every Layan queue on the same Redis (each job may run ``timeout`` seconds)."""
    if "socket_connect_timeout" not in redis_url:  # an unreachable Redis fails fast (readiness, enqueue)
        redis_url += ("&" if "?" in redis_url else "?") + "socket_connect_timeout=5"
    return {name: {"URL": redis_url, "DEFAULT_TIMEOUT": timeout} for name in queues}


def ping() -> str:
    """Raises when the queue cannot be reached; returns a short description of what answered."""
    kind = backend_kind()
    if kind == DATABASE:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk=None).exists()  # the table is there and answers, reads no row
        return "database queue"
    if kind == RQ:
        import django_rq

        django_rq.get_connection(queue_names()[0]).ping()
        return "redis queue"
    return "tasks run in the process that queues them"


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    ready: int = 0  # waiting for a worker (including deferred retries)
    running: int = 0
    failed: int = 0
    oldest_ready_seconds: float = 0.0  # how long the oldest task due now has waited: a stuck queue shows here


def depths() -> list[QueueDepth]:
    kind = backend_kind()
    if kind == DATABASE:
        return _database_depths()
    if kind == RQ:
        return _rq_depths()
    return []


def _database_depths() -> list[QueueDepth]:
    from django.db.models import Count, Min
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    counts: dict[str, dict[str, int]] = {name: {} for name in queue_names()}
    rows = (
        DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED]
        )
        .values("queue_name", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["queue_name"], {})[row["status"]] = row["n"]
    oldest = dict(
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(first=Min("enqueued_at"))
        .values_list("queue_name", "first")
    )
    return [
        QueueDepth(
            queue=name,
            ready=by_status.get(TaskResultStatus.READY, 0),
            running=by_status.get(TaskResultStatus.RUNNING, 0),
            failed=by_status.get(TaskResultStatus.FAILED, 0),
            oldest_ready_seconds=_age(oldest.get(name), now),
        )
        for name, by_status in sorted(counts.items())
    ]


def _rq_depths() -> list[QueueDepth]:
    import django_rq
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    now = timezone.now()
    result = []
    for name in queue_names():
        queue = django_rq.get_queue(name)
        first = queue.get_job_ids(0, 0)
        job = queue.fetch_job(first[0]) if first else None
        enqueued = job.enqueued_at if job is not None else None
        if enqueued is not None and timezone.is_naive(enqueued):
            enqueued = timezone.make_aware(enqueued, dt.UTC)
        result.append(
            QueueDepth(
                queue=name,
                ready=queue.count + ScheduledJobRegistry(queue=queue).count,
                running=StartedJobRegistry(queue=queue).count,
                failed=FailedJobRegistry(queue=queue).count,
                oldest_ready_seconds=_age(enqueued, now),
            )
        )
    return result


def _age(moment, now) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment else 0.0


def run_worker(*, interval: float, batch: bool, queues: list[str] | None = None, worker_id: str | None = None) -> None:
    """Run the worker of the configured backend on every Layan queue (or on ``queues``) until stopped (or, with
    ``batch``, until the queues are empty). ``worker_id``: the id the database queue records on the tasks this
    worker claims, the one its lease is held under (``layan.ops.leases``)."""
    from . import metrics

    metrics.start_worker_exporter()
    queues = list(queues or queue_names())
    if backend_kind() == RQ:
        # SimpleWorker runs each job in this process (no fork per job), beside the sweep thread; the scheduler
        # moves deferred retries (run_after) onto their queue when due.
        call_command(
            "rqworker",
            *queues,
            job_class="django_tasks_rq.Job",
            worker_class="rq.worker.SimpleWorker",
            with_scheduler=True,
            burst=batch,
        )
        return
    call_command(
        "db_worker",
        queue_name=",".join(queues),
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=not batch,
        **({"worker_id": worker_id} if worker_id else {}),
    )
