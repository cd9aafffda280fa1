import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import Notification
from .services import MAX_ATTEMPTS, build_notifications, deliver


def backoff(attempt: int) -> dt.timedelta:
    """1, 2, 4, 8, 16 minutes between attempts."""
    return dt.timedelta(minutes=2 ** max(attempt - 1, 0))


@task(queue_name="notifications")
def notify_event(event_id: int) -> int:
    """Build and send the notifications of one report event. Returns how many were sent."""
    from layan.reports.models import ReportEvent

    event = ReportEvent.objects.select_related("report").filter(pk=event_id).first()
    if event is None:
        return 0
    from layan.channels.outbound import notify_event as notify_channels

    notify_channels(event)  # the reporter's messaging channel (sent by its own task, with its own retries)
    sent = 0
    for notification in build_notifications(event):
        outcome = deliver(notification)
        if outcome:
            sent += 1
        elif outcome is None:
            look_again(notification)
        else:
            schedule_retry(notification)
    return sent


@task(queue_name="notifications")
def retry_notification(notification_id: int) -> bool:
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status != Notification.Status.PENDING:
        return False
    outcome = deliver(notification)
    if outcome:
        return True
    if outcome is None:
        look_again(notification)
    else:
        schedule_retry(notification)
    return False


def look_again(notification: Notification) -> None:
    """Another worker holds the notification, or held it and died (this task is then its re-driven task,
    ``layan.ops.leases``): look again once the claim has expired, where the queue can defer (the immediate
    backend of the tests cannot, and would loop)."""
    notification.refresh_from_db(fields=["claimed_until"])
    if notification.claimed_until is not None and retry_notification.get_backend().supports_defer:
        run_after = notification.claimed_until + dt.timedelta(seconds=1)
        retry_notification.using(run_after=run_after).enqueue(notification.pk)


def schedule_retry(notification: Notification) -> None:
    notification.refresh_from_db(fields=["attempts", "status"])
    if notification.status != Notification.Status.PENDING or notification.attempts >= MAX_ATTEMPTS:
        return
    run_after = timezone.now() + backoff(notification.attempts)
    try:
        retry_notification.using(run_after=run_after).enqueue(notification.pk)
    except Exception:  # noqa: BLE001  backends without deferred runs (the immediate one in tests) retry now
        retry_notification.enqueue(notification.pk)
