"""Messages to citizens through their channel: dialogue replies and public updates of their reports.

Every message is an :class:`OutboundMessage` row first, then a ``send_message`` task after the transaction commits;
the worker claims the row, calls the provider through the one HTTP client, and retries with backoff (1, 2, 4, 8,
16 minutes) while the provider says a retry can help. A citizen who opted out gets nothing but the confirmation
of the opt-out itself.
"""

import datetime as dt
import logging
from email.utils import make_msgid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.reports import keys

from .contract import ChannelError, Outbound, SendError
from .models import Conversation, InboundMessage, OutboundMessage
from .registry import provider_for_channel

log = logging.getLogger(__name__)
DEFAULT_MAX_ATTEMPTS = 6
NOTE_EXCERPT = 300  # keep updates short: an SMS segment is 153 characters
CHANNELS = ("whatsapp", "telegram", "sms", "email")


def max_attempts() -> int:
    return int(getattr(settings, "LAYAN_CHANNEL_SEND_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff(attempt: int) -> dt.timedelta:
    """1, 2, 4, 8, 16 minutes between attempts (the pattern of ``layan.notifications.tasks``)."""
    return dt.timedelta(minutes=2 ** max(attempt - 1, 0))


def sender_name(channel: str) -> str:
    return settings.LAYAN_CHANNEL_SENDERS.get(channel, channel)


def new_message_id() -> str:
    """Our own Message-ID for an e-mail, decided before sending so the citizen's reply can be matched to it."""
    address = settings.LAYAN_CHANNELS.get("email", {}).get("address", "") or "layan.localhost"
    return make_msgid(domain=address.rpartition("@")[2] or "layan.localhost")


def reply_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject:
        return ""
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def reply(
    conversation: Conversation,
    text: str,
    *,
    report=None,
    event=None,
    in_reply_to: InboundMessage | None = None,
    kind: str = OutboundMessage.Kind.REPLY,
    subject: str = "",
    reporter_link: bool = False,
) -> OutboundMessage:
    """Queue one message to the conversation's sender; it is sent by the worker after the transaction commits.

    For e-mail the message answers ``in_reply_to`` (subject "Re: ...", In-Reply-To/References its Message-ID) and
    gets its own Message-ID, so the citizen's answer threads back to the same report. ``reporter_link``: ``text``
    holds ``keys.PLACEHOLDER`` where a fresh secret link to ``report`` goes when it is sent (never stored)."""
    message = OutboundMessage(
        provider=sender_name(conversation.channel),
        channel=conversation.channel,
        to=conversation.address,
        text=text,
        conversation=conversation,
        report=report,
        event=event,
        kind=kind,
        reporter_link=reporter_link and report is not None,
    )
    if conversation.channel == "email":
        fill_email_fields(message, in_reply_to, subject)
    message.save()
    queue_send(message)
    return message


def fill_email_fields(message: OutboundMessage, in_reply_to: InboundMessage | None, subject: str) -> None:
    message.message_id = new_message_id()
    if in_reply_to is not None:
        message.in_reply_to = in_reply_to.external_id[:255]
        subject = subject or reply_subject((in_reply_to.parsed or {}).get("subject", ""))
    message.subject = (subject or settings.LAYAN_SITE_NAME)[:200]


def queue_send(message: OutboundMessage) -> None:
    from .tasks import send_message

    transaction.on_commit(lambda pk=message.pk: send_message.enqueue(pk))


# --- sending ----------------------------------------------------------------------------------------------------


def claim(outbound_id: int) -> OutboundMessage | None:
    """Take the message for this worker (one conditional UPDATE, so two workers never send it twice); the claim
    lasts long enough for one HTTP call and expires if the worker dies."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=2 * float(settings.LAYAN_CHANNEL_HTTP_TIMEOUT) + 30)
    taken = (
        OutboundMessage.objects.filter(pk=outbound_id, status=OutboundMessage.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    return OutboundMessage.objects.select_related("conversation").get(pk=outbound_id)


def opted_out(message: OutboundMessage) -> bool:
    if message.kind == OutboundMessage.Kind.OPT_OUT:
        return False
    conversation = message.conversation
    if conversation is None:
        conversation = Conversation.objects.filter(channel=message.channel, address_index=message.to_index).first()
    return bool(conversation and conversation.opted_out)


def finish(message: OutboundMessage, status: str, **changes) -> None:
    changes.update(status=status, claimed_until=None)
    OutboundMessage.objects.filter(pk=message.pk).update(**changes)
    for name, value in changes.items():
        setattr(message, name, value)


def as_outbound(message: OutboundMessage, limit: int) -> Outbound:
    text = message.text
    if message.reporter_link:  # the secret link is made now and leaves only in this message
        text = keys.fill(text, message.report, "channel")
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return Outbound(
        channel=message.channel,
        to=message.to,
        text=text,
        subject=message.subject,
        in_reply_to=message.in_reply_to,
        references=[message.in_reply_to] if message.in_reply_to else [],
        message_id=message.message_id,
    )


def send(outbound_id: int) -> str:
    """Send one queued message; returns its status. A retryable failure queues the next attempt with backoff."""
    message = claim(outbound_id)
    if message is None:
        current = OutboundMessage.objects.filter(pk=outbound_id).values("status", "claimed_until").first()
        if current is None:
            return "missing"
        if current["status"] == OutboundMessage.Status.PENDING and current["claimed_until"]:
            look_again(outbound_id, current["claimed_until"])
        return current["status"]
    if opted_out(message):
        finish(message, OutboundMessage.Status.CANCELLED, last_error="opted out")
        return message.status
    provider = provider_for_channel(message.channel)
    if provider is None:
        finish(message, OutboundMessage.Status.FAILED, last_error=f"no provider enabled for {message.channel}")
        return message.status
    try:
        provider_id = provider.send(as_outbound(message, provider.max_length()))
    except ChannelError as exc:
        return failed(message, exc)
    except Exception as exc:  # noqa: BLE001  a provider bug must not lose the message: record it and retry
        log.exception("channel %s: sending %s crashed", message.provider, message.pk)
        return failed(message, SendError(f"{type(exc).__name__}: {exc}", retry=True))
    finish(message, OutboundMessage.Status.SENT, provider_message_id=(provider_id or "")[:255], sent_at=timezone.now())
    return message.status


def look_again(outbound_id: int, claimed_until: dt.datetime) -> None:
    """Another worker holds the message's claim, or held it and died (this task is then its re-driven task:
    ``layan.ops.leases``): look again once the claim has expired, so the message is sent by one of us (where the
    queue can defer; the immediate backend of the tests cannot, and would loop)."""
    from .tasks import send_message

    if send_message.get_backend().supports_defer:
        send_message.using(run_after=claimed_until + dt.timedelta(seconds=1)).enqueue(outbound_id)


def failed(message: OutboundMessage, exc: ChannelError) -> str:
    retry = getattr(exc, "retry", False) and message.attempts < max_attempts()
    error = (exc.message or type(exc).__name__)[:2000]
    log.warning("channel %s: message %s attempt %s failed: %s", message.provider, message.pk, message.attempts, error)
    if not retry:
        finish(message, OutboundMessage.Status.FAILED, last_error=error)
        return message.status
    finish(message, OutboundMessage.Status.PENDING, last_error=error)
    schedule_retry(message)
    return message.status


def schedule_retry(message: OutboundMessage) -> None:
    from .tasks import send_message

    run_after = timezone.now() + backoff(message.attempts)
    try:
        send_message.using(run_after=run_after).enqueue(message.pk)
    except Exception:  # noqa: BLE001  backends without deferred runs (the immediate one in tests) retry now
        send_message.enqueue(message.pk)


# --- public updates of reports ----------------------------------------------------------------------------------


def listening_conversations(report):
    """The conversations the report came from (or that last made it), minus those that opted out."""
    from_messages = InboundMessage.objects.filter(report=report, conversation__isnull=False).values("conversation")
    return (
        Conversation.objects.filter(Q(pk__in=from_messages) | Q(last_report=report))
        .filter(opted_out=False)
        .order_by("pk")
    )


def email_channel_addresses(report) -> set[str]:
    """E-mail addresses that hear of this report through the e-mail channel (threaded replies; opted out or not),
    so the follower e-mails of ``layan.notifications`` do not send them the same update twice."""
    if report.channel != "email":
        return set()
    from_messages = InboundMessage.objects.filter(report=report, conversation__isnull=False).values("conversation")
    conversations = Conversation.objects.filter(Q(pk__in=from_messages) | Q(last_report=report), channel="email")
    return {address.lower() for address in conversations.values_list("address", flat=True)}


def merged_reports(report):
    """Reports an admin merged into ``report`` as its duplicates (``layan.routing``) that came through a channel:
    their reporters hear of its public updates, while it is public (never of a confidential one)."""
    from layan.reports.models import Report

    if not report.is_public:
        return Report.objects.none()
    return Report.objects.filter(
        duplicate_of=report, archive_reason=Report.ArchiveReason.DUPLIKAT, channel__in=CHANNELS
    ).order_by("pk")


def has_listeners(report) -> bool:
    if report.channel in CHANNELS and listening_conversations(report).exists():
        return True
    return any(listening_conversations(merged).exists() for merged in merged_reports(report))


def update_text(event, link: str) -> str:
    report = event.report
    lines = [_("Laporan %(number)s: %(status)s") % {"number": report.tracking_number, "status": report.public_status}]
    note = " ".join((event.note or "").split())
    if note:
        lines.append(note if len(note) <= NOTE_EXCERPT else note[: NOTE_EXCERPT - 1] + "…")
    lines.append(link)
    return "\n".join(lines)


def first_email(report, conversation) -> InboundMessage | None:
    """The citizen's e-mail that made the report: updates answer it, so they land in the same thread."""
    return InboundMessage.objects.filter(report=report, conversation=conversation).order_by("received_at", "pk").first()


def notify_event(event) -> list[OutboundMessage]:
    """Queue the public update ``event`` to each channel conversation of its report (one per event and address,
    whatever retries happen), and to those of the reports merged into it, with a link to its public page (never
    its reporter's secret link). The submission itself is not repeated: the dialogue already answered it."""
    report = event.report
    if not event.is_public or event.action == "submit":
        return []
    base = settings.LAYAN_PUBLIC_URL.rstrip("/")
    audiences = [(merged, base + report.get_absolute_url()) for merged in merged_reports(report)]
    if report.channel in CHANNELS:  # the reporter's own link is made when the message is sent (keys.fill)
        audiences.insert(0, (report, keys.PLACEHOLDER))
    result = []
    for source, link in audiences:
        result += _notify_conversations(event, source, link)
    return result


def _notify_conversations(event, source, link: str) -> list[OutboundMessage]:
    """The update to the conversations ``source`` (the event's report, or one merged into it) came from."""
    report = event.report
    result = []
    for conversation in listening_conversations(source):
        with translation.override(conversation.language or settings.LANGUAGE_CODE):
            text = update_text(event, link)
            subject = _("Laporan %(number)s: %(status)s") % {
                "number": report.tracking_number,
                "status": report.public_status,
            }
        exists = OutboundMessage.objects.filter(
            event=event, channel=conversation.channel, to_index=conversation.address_index
        )
        if exists.exists():
            continue
        answered = first_email(source, conversation) if conversation.channel == "email" else None
        try:
            with transaction.atomic():
                message = reply(
                    conversation,
                    text,
                    report=report,
                    event=event,
                    in_reply_to=answered,
                    kind=OutboundMessage.Kind.UPDATE,
                    subject=(reply_subject(answered.parsed.get("subject", "")) if answered else "") or str(subject),
                    reporter_link=link == keys.PLACEHOLDER,
                )
        except IntegrityError:  # another worker queued it first
            continue
        result.append(message)
    return result
