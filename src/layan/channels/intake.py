"""From a provider's request to conversation steps: store raw, record each message once, process in the worker.

Flow: ``views.webhook`` (or the SMTP gateway / IMAP poller for e-mail) calls :func:`store_request` first, then,
when the provider's signature holds and the payload parses, :func:`accept` with the parsed items. ``accept``
records one :class:`InboundMessage` per provider message id (a redelivered message finds its row and stops
there) and enqueues :func:`layan.channels.tasks.process_message` after commit; the worker runs the dialogue
(``layan.channels.dialogue``), which may end in ``layan.reports.services.submit_report``.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from layan.core import pii

from .contract import Inbound, StatusUpdate
from .models import InboundMedia, InboundMessage, InboundRequest, OutboundMessage

log = logging.getLogger(__name__)
RATE_WINDOW = dt.timedelta(minutes=10)
KEPT_HEADERS = (
    "content-type",
    "user-agent",
    "x-hub-signature-256",
    "x-telegram-bot-api-secret-token",
    "x-twilio-signature",
    "x-forwarded-for",
    "x-request-id",
)


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def store_request(provider: str, request) -> InboundRequest:
    """Keep the request exactly as it came (body bytes, the headers that matter), before it is read."""
    headers = {k: v for k, v in request.headers.items() if k.lower() in KEPT_HEADERS}
    return InboundRequest.objects.create(
        provider=provider,
        method=request.method,
        path=request.path[:300],
        query=request.META.get("QUERY_STRING", ""),
        headers=headers,
        body=request.body,
        remote_addr=client_address(request),
    )


def store_rejected(provider: str, request, error: str) -> InboundRequest:
    """A short record of a request refused for its signature: its headers that matter and the first
    ``LAYAN_CHANNEL_REJECTED_EXCERPT`` bytes of its body, never the whole body (an unsigned flood must not fill the
    database); purged by :func:`purge_rejected`."""
    headers = {k: v[:500] for k, v in request.headers.items() if k.lower() in KEPT_HEADERS}
    excerpt = int(getattr(settings, "LAYAN_CHANNEL_REJECTED_EXCERPT", 256))
    return InboundRequest.objects.create(
        provider=provider,
        method=request.method,
        path=request.path[:300],
        query=request.META.get("QUERY_STRING", "")[:500],
        headers=headers,
        body=request.body[:excerpt],
        remote_addr=client_address(request),
        status=InboundRequest.Status.REJECTED,
        error=error[:500],
    )


def purge_rejected(now=None) -> int:
    """Delete the records of refused requests older than ``LAYAN_CHANNEL_REJECTED_KEEP_DAYS``; the number deleted.
    Run by the worker with the deadline sweep (once per slot across processes)."""
    days = int(getattr(settings, "LAYAN_CHANNEL_REJECTED_KEEP_DAYS", 7))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    rejected = InboundRequest.objects.filter(status=InboundRequest.Status.REJECTED, received_at__lt=cutoff)
    return rejected.delete()[0]


def has_nul(request) -> bool:
    """Whether a verified request carries a NUL character in its query string or its body (a multipart body's
    fields only: its files are binary). JSON escapes (``\\u0000``) are refused by the providers' JSON parser,
    ``layan.core.inputs.load_json``."""
    if "\x00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.content_type == "multipart/form-data":
        return any("\x00" in key or any("\x00" in v for v in request.POST.getlist(key)) for key in request.POST)
    if b"\x00" in request.body:
        return True
    if request.content_type == "application/x-www-form-urlencoded":
        return any("\x00" in key or any("\x00" in v for v in request.POST.getlist(key)) for key in request.POST)
    return False


def store_raw(provider: str, body: bytes, *, headers: dict | None = None, remote_addr=None, path="") -> InboundRequest:
    """The same for input that is not an HTTP request (an e-mail from the SMTP gateway or IMAP)."""
    return InboundRequest.objects.create(
        provider=provider, method="", path=path, headers=headers or {}, body=body, remote_addr=remote_addr
    )


def mark_request(raw: InboundRequest, status: str, error: str = "") -> None:
    InboundRequest.objects.filter(pk=raw.pk).update(status=status, error=error[:4000])
    raw.status, raw.error = status, error


def accept(raw: InboundRequest, items: list[Inbound | StatusUpdate]) -> list[InboundMessage]:
    """Record each new message once and queue its processing; apply status updates to sent messages."""
    new = []
    for item in items:
        if isinstance(item, StatusUpdate):
            apply_status(item)
            continue
        message = record(raw, item)
        if message is not None:
            new.append(message)
    mark_request(raw, InboundRequest.Status.PROCESSED)
    from .tasks import process_message

    for message in new:  # those over the rate limit too: their sender is warned
        transaction.on_commit(lambda pk=message.pk: process_message.enqueue(pk))
    return new


def over_rate_limit(channel: str, sender: str) -> bool:
    """Whether the sender already sent ``LAYAN_CHANNEL_RATE_LIMIT`` messages in the last ten minutes (counted in
    the database, so it holds across web processes). Decided here, when a message comes in, and never later: a
    message taken in is handled however many follow it (a burst queued behind a slow worker is not dropped), and
    a message over the limit is kept, not handled, and answered with one warning per window (the worker sends
    it: ``dialogue.process``)."""
    since = timezone.now() - RATE_WINDOW
    index = pii.address_index(channel, sender)  # the sender is stored encrypted: counted by its blind index
    recent = InboundMessage.objects.filter(channel=channel, sender_index=index, received_at__gte=since)
    return recent.count() >= settings.LAYAN_CHANNEL_RATE_LIMIT


def record(raw: InboundRequest | None, item: Inbound) -> InboundMessage | None:
    """The message's row, or None when this provider message id was seen before (a redelivery). A message over
    the sender's rate limit is recorded as such (``over_rate_limit``)."""
    sender = item.sender[:254]
    limited = over_rate_limit(item.channel, sender)
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                request=raw,
                provider=item.provider,
                channel=item.channel,
                external_id=item.message_id[:255],
                sender=sender,
                text=item.text,
                parsed=describe(item),
                status=InboundMessage.Status.RATE_LIMITED if limited else InboundMessage.Status.RECEIVED,
            )
    except IntegrityError:
        log.info("channel %s: message %s delivered again; ignored", item.provider, item.message_id)
        return None
    for media in item.media:
        row = InboundMedia(
            message=message,
            content_type=media.content_type[:100],
            name=media.name[:200],
            caption=media.caption,
            provider_id=media.provider_id[:255],
            url=media.url[:1000],
        )
        if media.content is not None:  # the payload carried the bytes (e-mail): keep them; else the worker fetches
            row.file.save(f"{secrets.token_hex(8)}", ContentFile(media.content), save=False)
        row.save()
    return message


def describe(item: Inbound) -> dict:
    """The parsed message as JSON (media bytes are not kept here: they become attachments)."""
    return {
        "sender_name": pii.encrypt(item.sender_name),  # names the sender: encrypted like the sender itself
        "subject": item.subject,
        "in_reply_to": item.in_reply_to,
        "language": item.language,
        "sent_at": item.sent_at.isoformat() if item.sent_at else None,
        "location": vars(item.location) if item.location else None,
        "media": [
            {
                "content_type": m.content_type,
                "name": m.name,
                "provider_id": m.provider_id,
                "url": m.url,
                "caption": m.caption,
                "size": len(m.content) if m.content else None,
            }
            for m in item.media
        ],
    }


def apply_status(update: StatusUpdate) -> None:
    mapping = {
        "sent": OutboundMessage.Status.SENT,
        "delivered": OutboundMessage.Status.DELIVERED,
        "read": OutboundMessage.Status.READ,
        "failed": OutboundMessage.Status.FAILED,
        "undelivered": OutboundMessage.Status.FAILED,
    }
    status = mapping.get(update.status)
    if status is None or not update.provider_message_id:
        return
    changes = {"status": status}
    if update.error:
        changes["last_error"] = update.error[:2000]
    # Providers do not promise the order of their callbacks ("delivered" may arrive after "read"): a status only
    # moves forward, so a late callback never undoes a later one.
    OutboundMessage.objects.filter(
        provider_message_id=update.provider_message_id, status__in=STATUS_BEFORE[status]
    ).update(**changes)


_S = OutboundMessage.Status
# the statuses a message may be in for a callback to move it to the key status
STATUS_BEFORE = {
    _S.SENT: (_S.PENDING,),
    _S.DELIVERED: (_S.PENDING, _S.SENT),
    _S.READ: (_S.PENDING, _S.SENT, _S.DELIVERED),
    _S.FAILED: (_S.PENDING, _S.SENT, _S.DELIVERED),  # a carrier may report failure after a delivery receipt
}
