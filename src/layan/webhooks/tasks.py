"""Background tasks of the webhooks (queue ``webhooks``): the fan-out of events into deliveries, and each
attempt of a delivery (re-enqueued with ``run_after`` for the retries)."""

from django_tasks import task


@task(queue_name="webhooks")
def fan_out(event_ids: list[int], opened: dict[str, list[int]] | None = None) -> int:
    """Create the deliveries of these report events and queue their first attempts. Idempotent."""
    from . import services

    return len(services.fan_out(event_ids, opened))


@task(queue_name="webhooks")
def send_delivery(delivery_id: str, attempt: int) -> str | None:
    """Attempt ``attempt`` of one delivery (claimed atomically: a duplicate run sends nothing)."""
    from .delivery import attempt as run_attempt

    return run_attempt(delivery_id, attempt)
