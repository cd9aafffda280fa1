"""E-mail in: a small SMTP server (aiosmtpd) that accepts mail for the report address, and a poller of an IMAP
mailbox. Both hand each message to :func:`receive`, which stores it raw first and then reads it.

The SMTP gateway answers 250 only after the message is stored (a crash after 250 never loses mail), 451 when
storing failed (the sending server tries again later; the Message-ID makes a second delivery harmless), 550 for
other recipients and for a message that cannot be read (kept for inspection all the same).

The IMAP poller fetches unseen messages without marking them (``BODY.PEEK[]``) and flags each ``\\Seen`` only
after :func:`receive` stored it: a crash in between fetches it again, and the Message-ID dedupe makes that
harmless.
"""

import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from layan.core import pii

from . import intake
from .contract import MalformedPayload
from .models import InboundRequest
from .registry import get_provider

log = logging.getLogger(__name__)
PROVIDER = "email"
ACCEPTED, IGNORED, MALFORMED = "accepted", "ignored", "malformed"
MAX_MESSAGES_PER_POLL = 200


class GatewayUnavailable(Exception):
    """The e-mail channel is disabled in settings."""


def email_provider():
    provider = get_provider(PROVIDER)
    if provider is None:
        raise GatewayUnavailable(_("Kanal surel tidak aktif (EMAIL_CHANNEL_ENABLED)."))
    return provider


@dataclass
class Received:
    """What became of one message: ``outcome`` accepted/ignored/malformed, the stored request, the new messages
    (none for a redelivery or automatic mail) and the reason it was ignored or unreadable."""

    outcome: str
    request: InboundRequest
    messages: list = field(default_factory=list)
    reason: str = ""


def receive(raw: bytes, *, headers: dict | None = None, remote_addr: str | None = None, envelope_from=None):
    """Store one e-mail raw, then read it and hand its message to the intake. Raises on a failure worth trying
    again (the database is down); an unreadable message is kept, marked malformed, and not raised."""
    provider = email_provider()
    stored = intake.store_raw(PROVIDER, raw, headers=headers or {}, remote_addr=remote_addr, path="")
    try:
        items, reason = provider.read(raw, envelope_from=envelope_from)
    except MalformedPayload as exc:
        intake.mark_request(stored, InboundRequest.Status.MALFORMED, exc.message)
        log.warning("e-mail %s is unreadable: %s", stored.pk, exc.message)
        return Received(MALFORMED, stored, reason=exc.message)
    with transaction.atomic():
        messages = intake.accept(stored, items)
        if reason:
            intake.mark_request(stored, InboundRequest.Status.PROCESSED, f"ignored: {reason}")
    return Received(IGNORED if reason else ACCEPTED, stored, messages, reason)


def receive_in_thread(raw: bytes, **kwargs) -> Received:
    """:func:`receive` for a thread of its own: Django's ORM refuses to run in the asyncio loop, and the thread's
    database connection is closed afterwards (a gateway lives long; the database may restart meanwhile)."""
    try:
        return receive(raw, **kwargs)
    finally:
        connections.close_all()


# --- the SMTP gateway -------------------------------------------------------------------------------------------


def max_message_bytes() -> int:
    """Room for a report's worth of attachments, base64-encoded (4/3), plus a megabyte for text and headers."""
    attachments = settings.LAYAN_ATTACHMENT_MAX_BYTES * settings.LAYAN_ATTACHMENTS_PER_REPORT
    return attachments * 4 // 3 + 1024 * 1024


class GatewayHandler:
    """The aiosmtpd handler: RCPT TO only the report address(es); DATA stored, read and accepted in a thread."""

    def __init__(self, addresses: set[str]):
        self.addresses = {a.lower() for a in addresses}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.strip().lower() not in self.addresses:
            log.info("mail gateway: refused recipient %s from %s", address, session.peer)
            return "550 5.1.1 " + _("Alamat %(address)s tidak dikenal di sini.") % {"address": address}
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        peer = session.peer[0] if isinstance(session.peer, tuple) else None
        headers = {
            "mail-from": pii.encrypt(envelope.mail_from or ""),  # the sender's address: encrypted at rest
            "rcpt-to": list(envelope.rcpt_tos),
            "helo": session.host_name or "",
        }
        try:
            received = await sync_to_async(receive_in_thread, thread_sensitive=False)(
                raw, headers=headers, remote_addr=valid_ip(peer), envelope_from=envelope.mail_from or ""
            )
        except Exception:
            sender = pii.fingerprint(pii.address_index("email", envelope.mail_from or ""))  # never the address
            log.exception("mail gateway: message from %s not stored; asking the sender to retry", sender)
            return "451 4.3.0 " + _("Gangguan sementara, silakan kirim ulang nanti.")
        if received.outcome == MALFORMED:
            return "550 5.6.0 " + _("Pesan tidak dapat dibaca: %(why)s") % {"why": received.reason}
        return "250 2.0.0 " + _("Pesan diterima.")


def valid_ip(address: str | None) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def gateway_controller(host: str | None = None, port: int | None = None):
    """An aiosmtpd Controller for the report address(es), not yet started (``.start()`` runs it in a thread)."""
    from aiosmtpd.controller import Controller

    provider = email_provider()
    config = settings.LAYAN_CHANNELS.get(PROVIDER, {})
    addresses = provider.report_addresses()
    if not addresses:
        raise GatewayUnavailable(_("Alamat surel pengaduan belum diatur (LAYAN_REPORT_EMAIL)."))
    return Controller(
        GatewayHandler(addresses),
        hostname=host or config.get("gateway_host") or "127.0.0.1",
        port=int(port or config.get("gateway_port") or 2525),
        data_size_limit=max_message_bytes(),
        decode_data=False,
        server_hostname=provider.domain(),
        ident=f"{settings.LAYAN_SITE_NAME} mail gateway",
    )


# --- IMAP polling -----------------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str


def mailbox_of(url: str) -> Mailbox:
    """``imaps://user:password@host:993/INBOX`` (or ``imap://`` without TLS, for a server on this machine)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError(_("IMAP_URL harus berbentuk imaps://pengguna:sandi@host:993/INBOX."))
    secure = parts.scheme == "imaps"
    return Mailbox(
        secure=secure,
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


@dataclass
class PollResult:
    fetched: int = 0
    accepted: int = 0
    ignored: int = 0
    malformed: int = 0
    failed: int = 0


def connect(mailbox: Mailbox, timeout: float) -> imaplib.IMAP4:
    if mailbox.secure:
        client = imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    client.login(mailbox.user, mailbox.password)
    status, _data = client.select(quote_folder(mailbox.folder))
    if status != "OK":
        client.logout()
        raise imaplib.IMAP4.error(f"cannot select {mailbox.folder}")
    return client


def quote_folder(folder: str) -> str:
    return folder if re.fullmatch(r"[A-Za-z0-9._/-]+", folder) else '"' + folder.replace('"', '\\"') + '"'


def poll(url: str | None = None, *, timeout: float | None = None) -> PollResult:
    """Fetch the mailbox's unseen messages once: each stored, read and accepted, then flagged ``\\Seen``. A message
    that could not be stored stays unseen for the next poll."""
    email_provider()
    mailbox = mailbox_of(url or settings.LAYAN_CHANNELS.get(PROVIDER, {}).get("imap_url", ""))
    client = connect(mailbox, timeout or float(settings.LAYAN_CHANNEL_HTTP_TIMEOUT) * 3)
    result = PollResult()
    try:
        status, data = client.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise imaplib.IMAP4.error(f"SEARCH UNSEEN failed: {data!r}")
        uids = (data[0] or b"").split()[:MAX_MESSAGES_PER_POLL]
        for uid in uids:
            raw = fetch(client, uid)
            if raw is None:
                continue
            result.fetched += 1
            headers = {"imap-host": mailbox.host, "imap-folder": mailbox.folder, "imap-uid": uid.decode()}
            try:
                received = receive(raw, headers=headers)
            except Exception:
                log.exception("mail poll: message %s of %s not stored; it stays unseen", uid, mailbox.folder)
                result.failed += 1
                continue
            setattr(result, received.outcome, getattr(result, received.outcome) + 1)
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return result


def fetch(client: imaplib.IMAP4, uid: bytes) -> bytes | None:
    """The message's bytes, without setting ``\\Seen`` (that is done once it is stored)."""
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        log.warning("mail poll: FETCH %s failed: %r", uid, data)
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None
