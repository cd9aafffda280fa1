"""Nothing a worker claimed is lost when it dies: leases, the re-drive of lost and failed tasks, and the worker's
hourly cleanup of parked uploads (``layan.ops.leases``), with real ``layan worker`` processes killed by SIGKILL."""

import datetime as dt
import email
import os
import signal
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from layan.core.models import Region
from layan.notifications.models import Notification
from layan.notifications.tasks import notify_event
from layan.ops import leases
from layan.ops.models import WorkerLease
from layan.reports.models import Follower, PendingUpload
from layan.reports.services import NewReport, ReporterInfo, submit_report

from .processes import SRC, Process, database_url

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "sweeps", "webhooks", "training"],
    }
}


def worker_env(tmp_path: Path, **extra) -> dict:
    mail = tmp_path / "mail"
    mail.mkdir(exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "layan.ops.tests.stall_settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "LAYAN_DATA_DIR": str(tmp_path / "data"),
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(mail),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LAYAN_TASK_LEASE_SECONDS": "1.5",
        "LAYAN_NOTIFICATION_CLAIM_SECONDS": "2",
        "LAYAN_ROUTER_RETRAIN_HOURS": "0",
        "LOG_LEVEL": "INFO",
        **extra,
    }


def start_worker(tmp_path: Path, name: str, **extra) -> Process:
    args = ["worker", "--interval", "0.2", "--sweep-every", "0"]
    return Process(args, worker_env(tmp_path, **extra), tmp_path / f"{name}.log")


def wait_for(condition, timeout: float, what: str, process: Process | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.popen.poll() is not None:
            raise AssertionError(f"{what}: the worker exited with {process.popen.returncode}:\n{process.log()[-4000:]}")
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s" + (f"\n{process.log()[-4000:]}" if process else ""))


def mailed_to(mail_dir: Path) -> list[str]:
    """The recipient of every message the file backend wrote (one message per file)."""
    return sorted(email.message_from_bytes(path.read_bytes())["To"] for path in mail_dir.glob("*.log"))


def report_with_followers(count: int):
    report = submit_report(
        NewReport(
            title="Lampu jalan mati",
            description="Gelap total sejak seminggu.",
            region=Region.objects.get(code="35.78.05.1001"),
            privacy="publik",
        ),
        reporter=ReporterInfo(name="Budi", email="budi@example.com"),
    )
    for n in range(count):
        Follower.objects.create(report=report, email=f"tetangga{n}@example.com", confirmed=True)
    return report


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_task_is_driven_again_and_every_email_goes_exactly_once(demo_agencies, tmp_path):
    """SIGKILL while the worker hands over the 3rd of 6 e-mails of one event: the task stays RUNNING with the
    dead worker's id; a new worker sees that worker's lease expire, queues the task again, and the run sends the
    4 e-mails not yet sent (the 3rd included) and none of the 2 already sent."""
    # the submission queues its notify_event for a worker; published at once, so that its followers are told
    with override_settings(TASKS=DB_TASKS, LAYAN_PUBLISH_ON_SUBMIT=True):
        report = report_with_followers(5)
    event = report.events.get()
    task = DBTaskResult.objects.get(task_path="layan.notifications.tasks.notify_event")
    assert task.args_kwargs["args"] == [event.pk]
    mail_dir = tmp_path / "mail"

    first = start_worker(tmp_path, "worker1", LAYAN_TEST_MAIL_STALL_AT="3")
    try:
        wait_for(lambda: (mail_dir / "stalled").exists(), 60, "the worker reaches the 3rd e-mail", first)
        os.killpg(first.popen.pid, signal.SIGKILL)  # as the out-of-memory killer would
        first.popen.wait(timeout=10)
    finally:
        first.stop()
    (mail_dir / "stalled").unlink()
    row = DBTaskResult.objects.get(pk=task.pk)
    assert row.status == TaskResultStatus.RUNNING and len(row.worker_ids) == 1
    assert len(mailed_to(mail_dir)) == 2
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2

    second = start_worker(tmp_path, "worker2")
    try:
        wait_for(
            lambda: (
                DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
                and not Notification.objects.exclude(status=Notification.Status.SENT).exists()
            ),
            60,
            "the killed worker's task is run again and every e-mail sent",
            second,
        )
    finally:
        second.stop()
    row = DBTaskResult.objects.get(pk=task.pk)
    assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]
    notifications = Notification.objects.filter(event=event)
    assert notifications.count() == 6
    assert set(notifications.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert mailed_to(mail_dir) == sorted(notifications.values_list("recipient", flat=True))  # each exactly once
    # the killed worker's lease is left to expire (and be forgotten a day later); the stopped one gave its back
    assert list(WorkerLease.objects.values_list("worker_id", flat=True)) == row.worker_ids[:1]


def lost_task(worker_ids: list[str], minutes_ago: float = 10) -> DBTaskResult:
    with override_settings(TASKS=DB_TASKS):
        result = notify_event.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_redrive_takes_only_tasks_of_dead_workers_once_and_gives_up_after_the_attempts(settings):
    settings.LAYAN_TASK_LEASE_SECONDS = 60
    settings.LAYAN_TASK_MAX_ATTEMPTS = 3
    leases.renew("alive")
    of_living = lost_task(["alive"])
    of_dead = lost_task(["dead"])
    just_claimed = lost_task(["not-yet-seen"], minutes_ago=0)  # its worker's lease row may not be visible yet
    killed_thrice = lost_task(["a", "b", "c"])

    first, second = leases.redrive(), leases.redrive()  # as two workers would, one after the other
    assert (first.lost, first.given_up, second.lost, second.given_up) == (1, 1, 0, 0)
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[of_living.pk] == TaskResultStatus.RUNNING
    assert status[just_claimed.pk] == TaskResultStatus.RUNNING
    assert status[of_dead.pk] == TaskResultStatus.READY
    assert status[killed_thrice.pk] == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(pk=killed_thrice.pk).exception_class_path == leases.WORKER_LOST


@pytest.mark.django_db
def test_failed_layan_task_is_retried_with_backoff_until_the_attempts_are_spent(settings):
    settings.LAYAN_TASK_RETRY_SECONDS = 60
    settings.LAYAN_TASK_MAX_ATTEMPTS = 3
    row = lost_task(["w1"])
    finished = timezone.now()
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.FAILED, finished_at=finished, exception_class_path="django.db.utils.OperationalError"
    )
    assert leases.redrive(now=finished + dt.timedelta(seconds=30)).retried == 0  # backoff: 60 s after run 1
    assert leases.redrive(now=finished + dt.timedelta(seconds=61)).retried == 1
    assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY
    DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.FAILED, worker_ids=["w1", "w2", "w3"])
    assert leases.redrive(now=finished + dt.timedelta(hours=2)).retried == 0  # three runs: it stays failed


@pytest.mark.django_db(transaction=True)
def test_worker_deletes_parked_uploads_on_its_own(tmp_path, settings):
    """Uploads parked by the form's region refresh and never submitted go within the hour, no command needed."""
    old = PendingUpload(original_name="lama.jpg", content_type="image/jpeg", size=3)
    old.file.save("lama.jpg", ContentFile(b"abc"), save=False)
    old.save()
    fresh = PendingUpload(original_name="baru.jpg", content_type="image/jpeg", size=3)
    fresh.file.save("baru.jpg", ContentFile(b"abc"), save=False)
    fresh.save()
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    old_path = Path(old.file.path)
    assert old_path.exists()
    worker = start_worker(tmp_path, "worker", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    try:
        wait_for(lambda: not PendingUpload.objects.filter(pk=old.pk).exists(), 60, "the old upload is deleted", worker)
    finally:
        worker.stop()
    assert not old_path.exists()
    assert PendingUpload.objects.filter(pk=fresh.pk).exists() and Path(fresh.file.path).exists()
