"""How webhooks hear of report events, at the cost of one cached check when nobody subscribes.

The workflow calls :func:`report_event_recorded` for every public event (through
``layan.reports.notifications.queue_notifications``) and the deadline sweep calls :func:`sweep_events_recorded`
for the timeline entries it bulk-creates. Both return at once unless an active subscription exists (a cached
boolean, :func:`any_active_subscription`); otherwise they enqueue the fan-out task with the transaction (the
database queue writes it in the same transaction; other queues get it after the commit), so a rolled-back
transition sends nothing and a committed one is never without its fan-out.

The dispatch event does not say which dispositions it opened (one event may dispatch to several agencies), so
:func:`remember_opened_disposition` (a ``post_save`` receiver on Disposition) notes each new disposition on the
report instance the workflow holds; the event of the same transition carries that instance, and the hook passes
the ids on. No query is made for it.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

CACHE_KEY = "layan:webhooks:any-active"
CACHE_SECONDS = 60
OPENED_ATTR = "_webhook_opened_dispositions"


def any_active_subscription() -> bool:
    """Whether any webhook subscription is active, cached for a minute (with the default per-process cache a
    subscription made in another process is heard of within that minute; a shared cache hears of it at once)."""
    value = cache.get(CACHE_KEY)
    if value is None:
        from .models import Subscription

        value = Subscription.objects.filter(is_active=True).exists()
        cache.set(CACHE_KEY, value, getattr(settings, "LAYAN_WEBHOOK_CACHE_SECONDS", CACHE_SECONDS))
    return value


def forget_active_subscriptions() -> None:
    """Drop the cached answer (a subscription was made, switched on or off, or deleted), now and after commit."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def remember_opened_disposition(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw and "report" in instance._state.fields_cache:
        opened = instance.report.__dict__.setdefault(OPENED_ATTR, [])
        opened.append(instance.pk)


def opened_dispositions(event) -> list[int]:
    """The dispositions opened by the transition that recorded ``event``: those noted on the report instance the
    event carries, and for a forward the new disposition the event points at. (Verification with agencies
    records two events, ``verify`` and ``dispatch``; both see the new dispositions, and routing uses them to
    send the dispatch, not a second update about the verification.)"""
    report = event._state.fields_cache.get("report")
    opened = list(getattr(report, OPENED_ATTR, [])) if report is not None else []
    if event.action == "forward" and event.disposition_id and event.disposition_id not in opened:
        opened.append(event.disposition_id)
    return opened


def report_event_recorded(event) -> None:
    """A public report event was recorded (inside the transition's transaction)."""
    if not any_active_subscription():
        return
    _enqueue_after_commit([event.pk], {str(event.pk): opened_dispositions(event)})


def sweep_events_recorded(events) -> None:
    """The deadline sweep bulk-created these timeline entries (reminders and escalations)."""
    if not events or not any_active_subscription():
        return
    _enqueue_after_commit([e.pk for e in events if e.pk is not None], {})


def _enqueue_after_commit(event_ids: list[int], opened: dict[str, list[int]]) -> None:
    """With the database queue the fan-out task is written in the transition's own transaction, so no event is
    committed without it (``ops.taskqueue.enqueue_with_commit``); other queues get it after the commit."""
    from layan.ops.taskqueue import enqueue_with_commit

    from .tasks import fan_out

    enqueue_with_commit(fan_out, event_ids, opened)
