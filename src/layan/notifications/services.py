"""Notifications to reporters and followers of every public report event.

Flow: the workflow records a public event -> ``queue_for_event`` (after the transaction commits) enqueues a
task -> the worker builds one Notification row per recipient and sends each; a failed send is retried with
backoff by re-enqueueing, and never blocks or undoes the transition.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from layan.core import pii
from layan.reports import keys

from .models import Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def queue_for_event(event) -> None:
    """Queue the event's notifications: with the database queue in the event's own transaction, so no event is
    committed without its task (``ops.taskqueue.enqueue_with_commit``); other queues get it after the commit."""
    from layan.ops.taskqueue import enqueue_with_commit

    from .tasks import notify_event

    enqueue_with_commit(notify_event, event.pk, robust=False)


def recipients(event) -> list[tuple[str, str]]:
    """(email, link) for each follower: the reporter gets the secret link, others the public page (and nobody
    but the reporter hears of a confidential report). The reporter's link is :data:`keys.PLACEHOLDER` here: a
    fresh link is made when the message is sent (:func:`deliver`), so no stored row carries one."""
    from layan.channels.outbound import email_channel_addresses

    report = event.report
    base = settings.LAYAN_PUBLIC_URL.rstrip("/")
    result = []
    followers = report.followers.filter(confirmed=True).exclude(email="").order_by("pk")
    by_channel = email_channel_addresses(report)  # they get threaded replies through the e-mail channel instead
    for email, is_reporter in followers.values_list("email", "is_reporter"):
        if is_reporter and email.lower() in by_channel:
            continue
        if is_reporter:
            result.append((email, keys.PLACEHOLDER))
        elif report.is_public:
            result.append((email, base + report.get_absolute_url()))
    return result


def build_notifications(event) -> list[Notification]:
    """Create the pending notifications of an event (idempotent: existing rows are kept)."""
    report = event.report
    result = []
    for email, link in recipients(event):
        with translation.override(settings.LANGUAGE_CODE):
            context = {"event": event, "report": report, "site_name": settings.LAYAN_SITE_NAME, "link": link}
            subject = render_to_string("notifications/event_subject.txt", context).strip()
            body = render_to_string("notifications/event_body.txt", context)
        try:
            with transaction.atomic():
                note, _created = Notification.objects.get_or_create(
                    event=event,
                    channel="email",
                    recipient_index=pii.email_index(email),
                    defaults={
                        "recipient": email,
                        "subject": subject[:200],
                        "body": body,
                        "reporter_link": link == keys.PLACEHOLDER,
                    },
                )
        except IntegrityError:
            note = Notification.objects.get(event=event, channel="email", recipient_index=pii.email_index(email))
        result.append(note)
    return result


def claim_seconds() -> float:
    """How long a worker holds a notification while handing it to the mail server (longer than an SMTP timeout)."""
    return float(settings.LAYAN_NOTIFICATION_CLAIM_SECONDS)


def deliver(notification: Notification) -> bool | None:
    """Send one notification unless it was already sent; record the outcome. True when sent (now or before),
    False when this attempt failed, None when another worker holds it (or held it and died: look again once its
    ``claimed_until`` has passed).

    Exactly once per recipient: the notification is claimed by one conditional UPDATE (committed at once, so two
    workers, or a task run again after its worker was killed, never both send it), handed to the mail server
    outside any transaction (a slow server holds no lock: on SQLite a transaction would hold the whole database),
    and marked sent by the next statement. A worker killed before the hand-off leaves a claim that expires and
    the notification is sent by the next run; one killed after it has marked it sent, but for the instant
    between the server's answer and that one UPDATE."""
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    won = Notification.objects.filter(free, pk=notification.pk, status=Notification.Status.PENDING).update(
        claimed_until=now + dt.timedelta(seconds=claim_seconds()), attempts=F("attempts") + 1
    )
    current = Notification.objects.get(pk=notification.pk)
    if not won:
        if current.status == Notification.Status.SENT:
            return True
        return None if current.status == Notification.Status.PENDING else False
    body = current.body
    if current.reporter_link:  # a fresh secret link, made now, in the sent e-mail only
        body = keys.fill(body, current.event.report, "email")
    try:
        send_mail(current.subject, body, settings.DEFAULT_FROM_EMAIL, [current.recipient])
    except Exception as exc:  # noqa: BLE001  (any transport error is recorded and retried)
        status = Notification.Status.FAILED if current.attempts >= MAX_ATTEMPTS else Notification.Status.PENDING
        Notification.objects.filter(pk=current.pk).update(
            status=status, last_error=f"{type(exc).__name__}: {exc}"[:2000], claimed_until=None
        )
        log.warning("notification %s failed (attempt %s): %s", current.pk, current.attempts, exc)
        return False
    Notification.objects.filter(pk=current.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), claimed_until=None
    )
    return True


def redrive_pending(older_than: dt.timedelta = dt.timedelta(hours=1), limit: int = 500) -> int:
    """Queue again the notifications still pending long after their retries would have ended (the last retry is
    due 31 minutes after the first attempt): queueing a retry failed, or its task was lost. Sending stays once
    (``deliver`` claims each). Run by the worker in its sweep slot; returns how many were queued."""
    from .tasks import retry_notification

    now = timezone.now()
    stuck = list(
        Notification.objects.filter(status=Notification.Status.PENDING, created_at__lt=now - older_than)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in stuck:
        retry_notification.enqueue(pk)
    return len(stuck)
