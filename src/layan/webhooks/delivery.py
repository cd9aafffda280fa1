"""Sending one delivery: claim the attempt, POST, record, and schedule the retry or give up.

Each attempt is claimed with a conditional UPDATE (``attempts`` must still be the number before this attempt,
the state still pending or failed); only the process whose UPDATE changed the row sends, so two workers running
the same task, or a task run twice, never send the same attempt twice. The request is made outside any
transaction (no lock is held while a slow receiver answers). A 2xx answer is delivered; anything else, a
redirect included, or a network error is a failure, retried after 1, 2, 4, 8 ... minutes until
``max_attempts``, then given up. ``LAYAN_WEBHOOK_DISABLE_AFTER`` deliveries in a row given up switch the
subscription off, with the reason shown to its admins; one delivered resets the count.
"""

import datetime as dt
import logging
import time

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import hooks, signing, targets
from .models import RESPONSE_EXCERPT_BYTES, Delivery, DeliveryAttempt, Subscription

log = logging.getLogger(__name__)
S = Delivery.State
MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempt: int) -> dt.timedelta:
    """The wait after failed attempt ``attempt``: 1, 2, 4, 8, 16, 32 ... minutes, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempt - 1, 0)), MAX_BACKOFF)


def claim(delivery_id, number: int) -> bool:
    """Take attempt ``number`` of the delivery; True if this process won it."""
    won = Delivery.objects.filter(pk=delivery_id, attempts=number - 1, state__in=[S.PENDING, S.FAILED]).update(
        attempts=number, last_attempt_at=timezone.now()
    )
    return won == 1


def _excerpt(response) -> str:
    raw = response.raw.read(RESPONSE_EXCERPT_BYTES, decode_content=True) if response.raw else b""
    return raw[:RESPONSE_EXCERPT_BYTES].decode("utf-8", "replace")


def post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """(status code, error, response excerpt) of one POST. Never raises for network trouble."""
    timeout = (settings.LAYAN_WEBHOOK_CONNECT_TIMEOUT, settings.LAYAN_WEBHOOK_READ_TIMEOUT)
    try:
        targets.validate_target_url(url)  # again at send time: DNS may have changed since the subscription
    except ValidationError as exc:
        return None, " ".join(exc.messages), ""
    try:
        with targets.session() as http:
            response = http.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True)
            with response:
                excerpt = _excerpt(response)
    except requests.Timeout:
        return None, _("Waktu tunggu habis (tidak ada jawaban dari penerima)."), ""
    except requests.RequestException as exc:
        return None, _describe(exc), ""
    error = (
        ""
        if 200 <= response.status_code < 300
        else _("Penerima menjawab dengan kode %(code)s.") % {"code": response.status_code}
    )
    return response.status_code, error, excerpt


def _describe(exc: Exception) -> str:
    cause = exc
    while cause is not None:
        if isinstance(cause, targets.ForbiddenAddress):
            return str(cause)
        cause = cause.__cause__ or cause.__context__
    return _("Gagal terhubung: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:400]}


def attempt(delivery_id, number: int) -> str | None:
    """Run attempt ``number``; returns the delivery's new state, or None if another process had it."""
    if not claim(delivery_id, number):
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    started = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        if not subscription.is_active:
            return _finish(delivery, number, started, 0, None, _("Langganan sedang nonaktif."), "", give_up=True)
        body = delivery.body.encode("utf-8")
        headers = signing.headers(body, subscription.secret, delivery.event_type, delivery.pk)
        clock = time.monotonic()
        status, error, excerpt = post(subscription.target_url, body, headers)
        duration = int((time.monotonic() - clock) * 1000)
        return _finish(delivery, number, started, duration, status, error, excerpt)


def _finish(delivery, number, started, duration, status, error, excerpt, give_up=False) -> str:
    ok = status is not None and 200 <= status < 300 and not give_up
    now = timezone.now()
    retry_at = None
    if ok:
        state = S.DELIVERED
    elif give_up or number >= delivery.max_attempts:
        state = S.GAVE_UP
    else:
        state, retry_at = S.FAILED, now + backoff(number)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started,
        duration_ms=duration,
        status_code=status,
        error=error[:500],
        response_excerpt=excerpt,
        retry_at=retry_at,
    )
    Delivery.objects.filter(pk=delivery.pk, attempts=number).update(
        state=state,
        next_attempt_at=retry_at,
        last_status_code=status,
        last_error=error[:500],
        last_response=excerpt,
        delivered_at=now if ok else None,
    )
    if ok:
        Subscription.objects.filter(pk=delivery.subscription_id, failure_streak__gt=0).update(failure_streak=0)
    elif state == S.GAVE_UP and not give_up:
        _count_give_up(delivery.subscription_id, error)
    if retry_at is not None:
        enqueue_attempt(delivery.pk, number + 1, retry_at)
    if not ok:
        log.warning("webhook delivery %s attempt %s failed: %s", delivery.pk, number, error)
    return state


def _count_give_up(subscription_id: int, error: str) -> None:
    Subscription.objects.filter(pk=subscription_id).update(failure_streak=F("failure_streak") + 1)
    limit = settings.LAYAN_WEBHOOK_DISABLE_AFTER
    reason = _(
        "Dinonaktifkan otomatis: %(n)s pengiriman berturut-turut gagal sampai batas percobaan (galat terakhir: "
        "%(error)s). Perbaiki penerima, lalu aktifkan kembali."
    ) % {"n": limit, "error": error or "-"}
    switched = Subscription.objects.filter(pk=subscription_id, is_active=True, failure_streak__gte=limit).update(
        is_active=False, disabled_reason=reason[:500], disabled_at=timezone.now()
    )
    if switched:
        hooks.forget_active_subscriptions()
        log.warning("webhook subscription %s disabled after %s deliveries gave up", subscription_id, limit)


def enqueue_attempt(delivery_id, number: int, run_after: dt.datetime | None = None) -> None:
    """Queue attempt ``number``, deferred to ``run_after`` where the backend can defer (the database one in
    production); the immediate backend of the tests cannot, so there the attempt runs at once."""
    from .tasks import send_delivery

    task = send_delivery
    if run_after is not None and send_delivery.get_backend().supports_defer:
        task = send_delivery.using(run_after=run_after)
    task.enqueue(str(delivery_id), number)
