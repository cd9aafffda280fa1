"""Worker tasks of the channels: process one inbound message; send one outbound message (with retries)."""

from django_tasks import task


@task(queue_name="default")
def process_message(message_id: int) -> str:
    """Run the dialogue for one recorded inbound message (see ``layan.channels.dialogue``)."""
    from .dialogue import process

    return process(message_id)


@task(queue_name="notifications")
def send_message(outbound_id: int) -> str:
    """Send one outbound message through its provider; failures are retried with backoff (``outbound.send``)."""
    from .outbound import send

    return send(outbound_id)


def redrive_stuck(*, older_than_minutes: int = 10, limit: int = 500) -> int:
    """Queue again the inbound messages stored but never processed: the message was kept (the provider or the SMTP
    client got its 200/250) but queueing its task failed, or the task was lost. Processing is idempotent (it
    re-checks the status under a row lock), so a message queued twice is handled once. Run by the worker in its
    sweep slot. Returns how many were queued."""
    import datetime as dt

    from django.utils import timezone

    from .models import InboundMessage

    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    stuck = list(
        InboundMessage.objects.filter(status=InboundMessage.Status.RECEIVED, received_at__lt=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in stuck:
        process_message.enqueue(pk)
    return len(stuck)
