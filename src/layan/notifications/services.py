"""Notifications to reporters and followers of every public report event.

Flow: the workflow records a public event -> ``queue_for_event`` (after the transaction commits) enqueues a
task -> the worker builds one Notification row per recipient and sends each; a failed send is retried with
backoff by re-enqueueing, and never blocks or undoes the transition.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from layan.core import pii

from .models import Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def queue_for_event(event) -> None:
    from .tasks import notify_event

    event_id = event.pk
    transaction.on_commit(lambda: notify_event.enqueue(event_id))


def recipients(event) -> list[tuple[str, str]]:
    """(email, link) for each follower: the reporter gets the secret link, others the public page (and nobody
    but the reporter hears of a confidential report)."""
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
            result.append((email, base + report.reporter_url()))
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
                    defaults={"recipient": email, "subject": subject[:200], "body": body},
                )
        except IntegrityError:
            note = Notification.objects.get(event=event, channel="email", recipient_index=pii.email_index(email))
        result.append(note)
    return result


def deliver(notification: Notification) -> bool:
    """Send one notification unless it was already sent; record the outcome. Returns True when sent."""
    locked = Notification.objects.select_for_update()
    with transaction.atomic():
        notification = locked.get(pk=notification.pk)
        if notification.status == Notification.Status.SENT:
            return True
        notification.attempts += 1
        try:
            send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.recipient])
        except Exception as exc:  # noqa: BLE001  (any transport error is recorded and retried)
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            notification.status = (
                Notification.Status.FAILED if notification.attempts >= MAX_ATTEMPTS else Notification.Status.PENDING
            )
            notification.save(update_fields=["attempts", "last_error", "status"])
            log.warning("notification %s failed (attempt %s): %s", notification.pk, notification.attempts, exc)
            return False
        notification.status, notification.sent_at = Notification.Status.SENT, timezone.now()
        notification.save(update_fields=["attempts", "status", "sent_at"])
        return True
