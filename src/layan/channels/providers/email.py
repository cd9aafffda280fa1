"""E-mail as a channel: a citizen's RFC 5322 message becomes one :class:`Inbound`; a reply goes out through Django's
e-mail backend, threaded (Message-ID, In-Reply-To, References) so the citizen's answer lands on the same report.

Mail arrives through the SMTP gateway or the IMAP poller (``layan.channels.mailgateway``), never the webhook: the
raw bytes are stored first, then :meth:`EmailProvider.parse_bytes` reads them. Automatic mail (out-of-office
answers, bounces, mailing lists) is stored and read but yields no message: answering an auto-responder makes a
mail loop.
"""

import datetime as dt
import hashlib
import html
import logging
import re
import smtplib
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from email.utils import formataddr, make_msgid
from html.parser import HTMLParser

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ..contract import BadSignature, Inbound, MalformedPayload, Media, Outbound, Provider, SendError

log = logging.getLogger(__name__)
MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
TINY_IMAGE_BYTES = 2048  # tracking pixels, icons and bullets of HTML mail: not a citizen's photo
KEPT_TYPES = ("application/pdf",)
AUTO_PRECEDENCE = {"bulk", "auto_reply", "list", "junk"}
AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")
DAEMON_LOCALPARTS = {"mailer-daemon", "postmaster", "mail-daemon", "noreply-dmarc-support"}
# where the citizen's own words end: the quoted message their mail program put below (or a signature)
QUOTE_HEADER_RE = re.compile(r"^\s*(pada|on)\b.{0,200}\b(menulis|wrote)\s*:\s*$", re.IGNORECASE)
QUOTE_SEPARATORS = re.compile(
    r"^\s*(-{2,}\s*(original message|pesan asli|forwarded message|pesan yang diteruskan)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
BODY_LIMIT = 20000


class EmailProvider(Provider):
    name = "email"
    channel = "email"

    # --- inbound ------------------------------------------------------------------------------------------------

    def verify(self, request):
        """E-mail has no webhook: a POST to ``/kanal/email/webhook/`` proves nothing and is refused."""
        raise BadSignature("e-mail arrives through the SMTP gateway or IMAP, not the webhook")

    def parse(self, request):
        return self.parse_bytes(request.body)

    def report_addresses(self) -> set[str]:
        """The addresses citizens write to (``address`` plus any ``aliases``), lower-cased."""
        addresses = [self.config.get("address", ""), *self.config.get("aliases", [])]
        return {a.strip().lower() for a in addresses if a and a.strip()}

    def parse_bytes(self, raw: bytes, *, envelope_from: str | None = None) -> list[Inbound]:
        return self.read(raw, envelope_from=envelope_from)[0]

    def read(self, raw: bytes, *, envelope_from: str | None = None) -> tuple[list[Inbound], str]:
        """The citizen's message in ``raw`` and "", or no message and why, when it is automatic mail (see
        :func:`automatic`). ``envelope_from`` is SMTP's MAIL FROM when known: empty (``<>``) means a bounce."""
        message = read_message(raw)
        sender, name = sender_of(message)
        reason = automatic(message, sender, envelope_from) or self.own_mail(sender)
        if reason:
            log.info("e-mail from %s ignored: %s", sender, reason)
            return [], reason
        subject = " ".join(str(message.get("subject", "") or "").split())
        inbound = Inbound(
            channel=self.channel,
            provider=self.name,
            message_id=message_id_of(message, raw),
            sender=sender,
            sender_name=name,
            text=trim_reply(body_text(message))[:BODY_LIMIT],
            media=attachments_of(message),
            sent_at=date_of(message),
            subject=subject[:200],
            in_reply_to=threading_ids(message),
        )
        return [inbound], ""

    def own_mail(self, sender: str) -> str:
        ours = self.report_addresses() | {default_from_address()}
        return "sent from our own address (loop)" if sender in ours else ""

    # --- outbound -----------------------------------------------------------------------------------------------

    def max_length(self) -> int:
        return BODY_LIMIT

    def send(self, message: Outbound) -> str:
        """Send through Django's e-mail backend; returns the Message-ID, which the citizen's reply will cite."""
        message_id = message.message_id or make_msgid(domain=self.domain())
        references = list(dict.fromkeys([*message.references, message.in_reply_to] if message.in_reply_to else []))
        headers = {
            "Message-ID": message_id,
            # RFC 3834: an automatic answer says so, and asks Exchange-like servers not to answer it automatically
            "Auto-Submitted": "auto-replied" if message.in_reply_to else "auto-generated",
            "X-Auto-Response-Suppress": "OOF, AutoReply",
        }
        if message.in_reply_to:
            headers["In-Reply-To"] = message.in_reply_to
        if references:
            headers["References"] = " ".join(r for r in references if r)
        reply_to = [formataddr((settings.LAYAN_SITE_NAME, self.address()))] if self.address() else []
        mail = EmailMessage(
            subject=message.subject or settings.LAYAN_SITE_NAME,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            reply_to=reply_to,
            headers=headers,
        )
        try:
            get_connection(fail_silently=False).send_messages([mail])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise SendError(f"recipient refused: {exc.recipients}", retry=all(400 <= c < 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            retry = 400 <= exc.smtp_code < 500
            raise SendError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", retry=retry, status=exc.smtp_code) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, refused, timeout: the server may come back
            raise SendError(f"SMTP: {type(exc).__name__}: {exc}", retry=True) from exc
        return message_id

    def address(self) -> str:
        return self.config.get("address", "")

    def domain(self) -> str:
        return self.address().rpartition("@")[2] or "layan.localhost"


# --- reading a message ------------------------------------------------------------------------------------------


def read_message(raw: bytes) -> MimeMessage:
    if not raw or not raw.strip():
        raise MalformedPayload("empty message")
    try:
        return BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001  the parser is lenient; anything it still raises means unreadable
        raise MalformedPayload(f"not an e-mail message: {exc}") from exc


def sender_of(message: MimeMessage) -> tuple[str, str]:
    """The From address (lower-cased) and display name; MalformedPayload when there is none."""
    try:
        header = message["from"]
        addresses = list(getattr(header, "addresses", ()) or ())
    except Exception as exc:  # noqa: BLE001  a From header the parser cannot read
        raise MalformedPayload(f"unreadable From header: {exc}") from exc
    first = next((a for a in addresses if isinstance(a, Address) and a.username and a.domain), None)
    if first is None:
        raise MalformedPayload("no sender address (From)")
    return first.addr_spec.lower(), " ".join((first.display_name or "").split())[:150]


def default_from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def automatic(message: MimeMessage, sender: str, envelope_from: str | None = None) -> str:
    """Why the message is automatic mail (RFC 3834 auto-replies, bulk/list mail, bounces), or ""."""
    auto_submitted = str(message.get("auto-submitted", "") or "").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = str(message.get("precedence", "") or "").strip().lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in AUTO_HEADERS:
        if message.get(name) is not None:
            return f"{name} header"
    if envelope_from is not None and envelope_from.strip("<> ") == "":
        return "bounce (empty envelope sender)"
    if str(message.get("return-path", "") or "").strip() == "<>":
        return "bounce (empty Return-Path)"
    if sender.partition("@")[0] in DAEMON_LOCALPARTS:
        return f"bounce ({sender})"
    if message.get_content_type() == "multipart/report":
        return "delivery or read report"
    return ""


def message_id_of(message: MimeMessage, raw: bytes) -> str:
    """The Message-ID in angle brackets; for a message without one, a stable one made of its bytes, so the same
    message delivered twice is still recognised."""
    found = MESSAGE_ID_RE.search(str(message.get("message-id", "") or ""))
    if found:
        return found.group(0)[:255]
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.layan>"


def threading_ids(message: MimeMessage) -> list[str]:
    """The Message-IDs this message answers: In-Reply-To first, then References (newest first), without repeats."""
    in_reply_to = MESSAGE_ID_RE.findall(str(message.get("in-reply-to", "") or ""))
    references = MESSAGE_ID_RE.findall(str(message.get("references", "") or ""))
    return list(dict.fromkeys([*in_reply_to, *reversed(references)]))[:50]


def date_of(message: MimeMessage) -> dt.datetime | None:
    try:
        header = message["date"]
        value = getattr(header, "datetime", None)
    except Exception:  # noqa: BLE001  an unreadable Date is no reason to lose the message
        return None
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def body_text(message: MimeMessage) -> str:
    """The text the citizen wrote: the text/plain part, else the HTML part turned into text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part_text(part)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def part_text(part: MimeMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):  # unknown charset or broken encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else content.decode("utf-8", errors="replace")


class _TextExtractor(HTMLParser):
    """Text of an HTML body: no tags, no scripts or styles, entities unescaped, line breaks where blocks end."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
    HIDDEN = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":  # the quoted earlier message of a reply
            self.quoted += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag == "blockquote" and self.quoted:
            self.quoted -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden and not self.quoted:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except Exception:  # noqa: BLE001  badly broken HTML: fall back to dropping anything that looks like a tag
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def trim_reply(text: str) -> str:
    """The citizen's new words only: cut at the signature ("-- "), at the quoted message's heading ("Pada ...
    menulis:", "On ... wrote:", "-----Original Message-----") and drop quoted lines ("> ...")."""
    lines = text.split("\n")
    kept = []
    for index, line in enumerate(lines):
        if line.rstrip() == "--" or line == "-- ":
            break
        joined = line if index + 1 >= len(lines) else f"{line} {lines[index + 1]}"
        if QUOTE_HEADER_RE.match(line) or QUOTE_SEPARATORS.match(line):
            break
        if QUOTE_HEADER_RE.match(joined) and lines[index + 1].rstrip().endswith(":"):  # heading wrapped in two
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def attachments_of(message: MimeMessage) -> list[Media]:
    """Photos and PDFs that came with the message (inline photos too), with their bytes; tiny images are left out
    (HTML mail's tracking pixels and icons), as is anything else (the raw message still holds it)."""
    body = message.get_body(preferencelist=("plain", "html"))
    media = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        content_type = part.get_content_type()
        if not (content_type.startswith("image/") or content_type in KEPT_TYPES):
            continue
        try:
            content = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001  broken transfer encoding: the raw message keeps it
            content = None
        if not content:
            continue
        if content_type.startswith("image/") and len(content) < TINY_IMAGE_BYTES:
            continue
        name = (part.get_filename() or "").strip() or f"lampiran-{len(media) + 1}{extension(content_type)}"
        media.append(Media(content_type=content_type, name=name[:200], content=content))
    return media


def extension(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "application/pdf": ".pdf"}.get(
        content_type, ""
    )
