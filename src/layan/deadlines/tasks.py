"""Background tasks of the deadlines app (django-tasks): the sweep, and the delivery of what it notified."""

from django_tasks import task


@task(queue_name="sweeps")
def sla_sweep() -> dict:
    """Run the deadline sweep once (``layan sla-sweep`` does the same from a shell or cron)."""
    from .sweep import sweep

    return sweep().as_dict()


@task(queue_name="notifications")
def deliver_sweep_notifications(event_ids: list[int]) -> int:
    """Send the notifications of the sweep's timeline entries: the staff rows the sweep created, and for public
    entries (escalations, the reporter's reminder) the reporter and followers, as for every public update.
    Idempotent: rows already sent are skipped; failures are retried with backoff."""
    from layan.notifications.models import Notification
    from layan.notifications.services import build_notifications, deliver
    from layan.notifications.tasks import schedule_retry
    from layan.reports.models import ReportEvent

    for event in ReportEvent.objects.filter(pk__in=event_ids, is_public=True).select_related("report", "agency"):
        build_notifications(event)
    sent = 0
    pending = Notification.objects.filter(event_id__in=event_ids, status=Notification.Status.PENDING).order_by("pk")
    for notification in pending:
        if deliver(notification):
            sent += 1
        else:
            schedule_retry(notification)
    return sent
