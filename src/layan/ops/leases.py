"""Leases for the database task queue, so that no claimed task is lost when its worker dies.

django-tasks-db claims a task by marking it RUNNING with the worker's id, and only that worker ever finishes it.
A worker killed in the middle (SIGKILL, the out-of-memory killer, a lost machine) leaves the task RUNNING for
ever, and whatever the task had still to do (the rest of an event's e-mails) never happens. So:

- every ``layan worker`` of the database queue holds a :class:`~layan.ops.models.WorkerLease` under the id it
  claims tasks with, renewed every third of ``LAYAN_TASK_LEASE_SECONDS`` by :class:`LeaseKeeper`, a thread
  beside the worker (and deleted when the worker stops normally);
- :func:`redrive` (run by the same thread of every worker, so by whichever worker survives) puts back to READY
  each RUNNING task whose worker holds no live lease, and each failed Layan task (a "database is locked" in a
  webhook fan-out, say) after a backoff, until ``LAYAN_TASK_MAX_ATTEMPTS`` runs in all; then it stays FAILED.
  Each change is one conditional UPDATE (the row must still be as read), so two workers re-driving at the same
  moment queue a task once.

A task may therefore run again after a crash, which Layan's tasks allow (see ``layan.ops.taskqueue``): the
e-mails of an event are unique per recipient and a sent one is never sent again (``notifications.services``),
outbound channel messages and webhook attempts are claimed by conditional UPDATEs.

The same thread also deletes the uploads the report form parked and nobody submitted
(``reports.attachments.delete_pending_uploads``), every hour.
"""

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from .models import WorkerLease

log = logging.getLogger("layan.worker")
FAILED_RETRY_WINDOW = dt.timedelta(days=1)  # older failures (e.g. from before an upgrade) are left alone
WORKER_LOST = "layan.ops.leases.WorkerLost"


def lease_duration() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.LAYAN_TASK_LEASE_SECONDS))


def new_worker_id() -> str:
    """Unique across the pool (django-tasks-db allows 64 characters) and telling where the worker ran."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"[:64]


def renew(worker_id: str) -> None:
    now = timezone.now()
    updated = WorkerLease.objects.filter(worker_id=worker_id).update(renewed_at=now, expires_at=now + lease_duration())
    if not updated:
        WorkerLease.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "renewed_at": now,
                "expires_at": now + lease_duration(),
            },
        )


def release(worker_id: str) -> None:
    WorkerLease.objects.filter(worker_id=worker_id).delete()


def retry_delay(runs: int) -> dt.timedelta:
    """The wait before run ``runs + 1`` of a failed task: RETRY_SECONDS x 1, 2, 4 ... (at most an hour)."""
    seconds = float(settings.LAYAN_TASK_RETRY_SECONDS) * 2 ** max(runs - 1, 0)
    return dt.timedelta(seconds=min(seconds, 3600))


@dataclass
class Redriven:
    lost: int = 0  # RUNNING tasks of dead workers queued again
    retried: int = 0  # FAILED tasks queued again
    given_up: int = 0  # tasks of dead workers that already ran LAYAN_TASK_MAX_ATTEMPTS times

    def __bool__(self):
        return bool(self.lost or self.retried or self.given_up)


def redrive(now: dt.datetime | None = None) -> Redriven:
    """Queue again the tasks of dead workers and the failed Layan tasks whose backoff has passed."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    result = Redriven()
    limit = int(settings.LAYAN_TASK_MAX_ATTEMPTS)
    live = set(WorkerLease.objects.filter(expires_at__gt=now).values_list("worker_id", flat=True))
    grace = now - lease_duration()  # a task claimed this instant by a worker whose lease row we did not see yet
    running = DBTaskResult.objects.running().filter(started_at__lt=grace).values_list("pk", "worker_ids", "started_at")
    for pk, worker_ids, started_at in running:
        if worker_ids and worker_ids[-1] in live:
            continue
        same = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at)
        if len(worker_ids) >= limit:
            note = f"{WORKER_LOST}: the worker running this task died {len(worker_ids)} times; not run again\n"
            result.given_up += same.update(
                status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=WORKER_LOST, traceback=note
            )
            log.error("task %s: its worker died %s times; left failed", pk, len(worker_ids))
            continue
        if same.update(status=TaskResultStatus.READY):
            result.lost += 1
            log.warning("task %s: worker %s holds no lease; queued again", pk, worker_ids[-1] if worker_ids else "?")
    failed = DBTaskResult.objects.failed().filter(
        task_path__startswith="layan.", finished_at__gte=now - FAILED_RETRY_WINDOW
    )
    for pk, worker_ids, finished_at, error in failed.exclude(exception_class_path=WORKER_LOST).values_list(
        "pk", "worker_ids", "finished_at", "exception_class_path"
    ):
        runs = len(worker_ids)
        if runs >= limit or finished_at > now - retry_delay(runs):
            continue
        same = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.FAILED, finished_at=finished_at)
        if same.update(status=TaskResultStatus.READY):
            result.retried += 1
            log.warning("task %s failed (%s, run %s of %s); queued again", pk, error, runs, limit)
    WorkerLease.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()  # workers long gone
    return result


class LeaseKeeper(threading.Thread):
    """Beside a ``layan worker`` of the database queue: renews its lease, re-drives lost and failed tasks, and
    every hour deletes abandoned form uploads. Its own thread, so its own database connection; a failed round
    (a locked SQLite database) is logged and the next round tries again."""

    def __init__(self, worker_id: str):
        super().__init__(name="task-leases", daemon=True)
        self.worker_id = worker_id
        self.every = max(lease_duration().total_seconds() / 3, 0.2)
        self.stopped = threading.Event()
        self.next_cleanup = 0.0

    def run(self):
        while True:
            try:
                close_old_connections()
                self.round()
            except Exception:  # noqa: BLE001 - the keeper must outlive one failed round
                log.exception("task leases: round failed; next in %.1f s", self.every)
            finally:
                connections.close_all()
            if self.stopped.wait(self.every):
                return

    def round(self) -> None:
        renew(self.worker_id)
        redriven = redrive()
        if redriven:
            log.info("task leases: %s", redriven)
        if time.monotonic() >= self.next_cleanup:
            from layan.reports.attachments import delete_pending_uploads

            self.next_cleanup = time.monotonic() + 3600
            deleted = delete_pending_uploads(dt.timedelta(hours=float(settings.LAYAN_PENDING_UPLOAD_HOURS)))
            if deleted:
                log.info("pending uploads: %s deleted", deleted)

    def stop(self):
        """Stop renewing and give the lease back (the worker finished its task: nothing of it is left running)."""
        self.stopped.set()
        self.join(timeout=10)
        try:
            release(self.worker_id)
        except DatabaseError:
            log.warning("task leases: could not release %s; it expires by itself", self.worker_id)
        finally:
            connections.close_all()
