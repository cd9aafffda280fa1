"""The Redis-backed task queue (TASKS_BACKEND=rq): a report's notification queued on Redis by one process is run
by ``layan worker`` in another, once, including a retry deferred with ``run_after`` (RQ's scheduler)."""

import json
import time

import pytest
import redis
from django.db import connection

from layan.notifications.models import Notification

from .processes import Process, database_url, production_env, redis_available

SUBMIT = """
import datetime as dt, json
from django.core.management import call_command
call_command("migrate", "django_rq", verbosity=0)  # a deployment switching to RQ runs `layan migrate`
from django.db import transaction
from django.utils import timezone
from layan.core.models import Region
from layan.notifications.tasks import retry_notification
from layan.reports.services import NewReport, ReporterInfo, submit_report

with transaction.atomic():
    report = submit_report(
        NewReport(title="Pohon tumbang", description="Pohon tumbang menutup jalan sejak pagi.",
                  region=Region.objects.get(code="35.78.05.1001")),
        reporter=ReporterInfo(name="Warga", email="warga.rq@example.com"),
    )
later = retry_notification.using(run_after=timezone.now() + dt.timedelta(seconds=1)).enqueue(987654)
print(json.dumps({"number": report.tracking_number, "deferred": later.id}))
"""


@pytest.mark.django_db(transaction=True)
def test_tasks_queued_on_redis_are_run_once_by_the_worker(tmp_path, demo_agencies):
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        TASKS_BACKEND="rq",
        TASKS_REDIS_URL="redis://127.0.0.1:6379/12",
        LAYAN_ROUTER_RETRAIN_HOURS="0",
    )

    def run(*args, name):
        process = Process(list(args), env, tmp_path / f"{name}.log")
        assert process.popen.wait(timeout=120) == 0, process.log()
        return process.log()

    queued = json.loads(run("shell", "-c", SUBMIT, name="submit").strip().splitlines()[-1])
    assert Notification.objects.count() == 0  # queued on Redis, nothing run yet
    time.sleep(1.5)  # the deferred retry is due; the worker's scheduler moves it onto its queue
    run("worker", "--batch", name="worker")
    note = Notification.objects.get(event__report__tracking_number=queued["number"])
    assert (note.recipient, note.status, note.attempts) == ("warga.rq@example.com", "sent", 1)
    mails = sum(f.read_text().count("To: warga.rq@example.com") for f in (tmp_path / "mail").glob("*"))
    assert mails == 1
    # the job's own record on Redis: RQ's scheduler queued the deferred retry when due, and a worker ran it
    job = redis.Redis.from_url("redis://127.0.0.1:6379/12").hget(f"rq:job:{queued['deferred']}", "status")
    assert job == b"finished"
