"""A webhook fan-out that fails is retried like every other Layan task (``layan.ops.leases``): here it runs on the
real database queue and its real worker loop, and fails for real (its table is away for a moment, as a locked
SQLite database made it fail with two workers)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from layan.ops import leases
from layan.webhooks.models import Delivery, DeliveryAttempt

from .conftest import dispatch, new_report, subscribe

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "sweeps", "webhooks", "training"],
    }
}


def run_webhook_queue():
    """The webhooks queue's worker, in this process, until the queue is empty."""
    Worker(
        queue_names=["webhooks"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def rename_table(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {old} RENAME TO {new}")


@pytest.mark.django_db(transaction=True)
def test_failed_fan_out_is_retried_and_delivers(receiver, staff, settings):
    settings.LAYAN_TASK_RETRY_SECONDS = 60
    subscribe("dsdabm-sby", receiver.url)
    with override_settings(TASKS=DB_TASKS):
        dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
        fan_outs = DBTaskResult.objects.filter(task_path="layan.webhooks.tasks.fan_out")
        assert fan_outs.exists()
        rename_table("webhooks_delivery", "webhooks_delivery_away")
        try:
            run_webhook_queue()
        finally:
            rename_table("webhooks_delivery_away", "webhooks_delivery")
        failed = list(fan_outs.filter(status=TaskResultStatus.FAILED).values_list("pk", flat=True))
        assert failed and not Delivery.objects.exists() and receiver.requests == []

        assert leases.redrive().retried == 0  # not before its backoff
        retried = leases.redrive(now=timezone.now() + dt.timedelta(seconds=61))
        assert retried.retried == len(failed)
        run_webhook_queue()
    assert set(fan_outs.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.DELIVERED and delivery.event_type == "report.dispatched"
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_fan_out_run_again_queues_the_first_attempt_an_earlier_run_never_queued(receiver, staff, settings):
    """An earlier run made the delivery and died before queueing its attempt: the next run sends it, once."""
    from layan.webhooks import services

    subscribe("dsdabm-sby", receiver.url)
    report = dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")  # on_commit not run: nothing queued
    event = report.events.get(action="dispatch")
    opened = {str(event.pk): list(report.dispositions.values_list("pk", flat=True))}
    services.fan_out([event.pk], opened)
    assert len(receiver.requests) == 1
    DeliveryAttempt.objects.all().delete()  # as if its first attempt had never been queued
    Delivery.objects.update(attempts=0, state=Delivery.State.PENDING, delivered_at=None)
    receiver.requests.clear()
    assert len(services.fan_out([event.pk], opened)) == 1
    assert len(receiver.requests) == 1
    assert services.fan_out([event.pk], opened) == []  # attempted now: a third run queues nothing


@pytest.mark.django_db
def test_fan_out_and_notifications_are_queued_with_the_transition_not_after_it(receiver, staff):
    """With the database queue the tasks are rows of the transition's own transaction: a process that dies (or
    meets a locked database) between the commit and the after-commit callbacks no longer loses them."""
    subscribe("dsdabm-sby", receiver.url)
    with override_settings(TASKS=DB_TASKS):
        report = new_report()
        dispatch(report, staff("admin.surabaya"), "dsdabm-sby")  # its after-commit callbacks never run here
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"layan.webhooks.tasks.fan_out", "layan.notifications.tasks.notify_event"} <= queued
