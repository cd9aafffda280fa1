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
