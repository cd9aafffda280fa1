"""The one contract every messaging provider implements.

A provider module (``layan.channels.providers.<name>``) knows its provider's payloads and nothing of reports:

- inbound: :meth:`Provider.verify` checks the request's signature (raise :class:`BadSignature`),
  :meth:`Provider.parse` turns the request into zero or more :class:`Inbound` messages (raise
  :class:`MalformedPayload` for a payload it cannot read), :meth:`Provider.acknowledge` is the HTTP answer the
  provider expects, :meth:`Provider.handshake` answers a verification GET (WhatsApp's hub.challenge);
- outbound: :meth:`Provider.send` makes the provider's API call for one :class:`Outbound` message and returns the
  provider's message id, or raises :class:`SendError` (``retry`` says whether trying again can help).

The web endpoint (``views.webhook``) stores every request raw before it calls any of these, and the intake
(``layan.channels.intake``) turns the Inbound messages into conversation steps and reports. Adding a provider is
adding one module and one line in ``registry.PROVIDERS``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse, JsonResponse


class ChannelError(Exception):
    """Base of the contract's errors; ``message`` is for the log and, where it makes sense, the provider."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class BadSignature(ChannelError):
    """The request does not prove it comes from the provider: refused with 403 and logged."""


class MalformedPayload(ChannelError):
    """The request cannot be read as the provider's payload: 400, and the raw request is kept for inspection."""


class SendError(ChannelError):
    """``response`` is the provider's answer when there was one (its error body may say more than its status)."""

    def __init__(self, message: str = "", *, retry: bool = True, status: int | None = None, response=None):
        super().__init__(message)
        self.retry = retry
        self.status = status
        self.response = response


@dataclass
class Media:
    """A photo or document that came with a message. ``content`` is filled when the payload carries the bytes or
    after :meth:`Provider.fetch_media` downloaded them (WhatsApp and Telegram send an id, not the bytes)."""

    content_type: str = ""
    name: str = ""
    content: bytes | None = None
    provider_id: str = ""  # the provider's media id or file id, to download
    url: str = ""  # where the provider serves it (Twilio MediaUrl0)
    caption: str = ""


@dataclass
class Location:
    latitude: float
    longitude: float
    name: str = ""
    address: str = ""


@dataclass
class Inbound:
    """One message from a citizen, in the same shape whatever the provider."""

    channel: str  # Report.Channel value: whatsapp, telegram, sms, email
    provider: str  # registry name: whatsapp, telegram, sms, twilio, email
    message_id: str  # the provider's id of this message: the key that makes a redelivery harmless
    sender: str  # phone number in E.164, Telegram chat id, or e-mail address
    sender_name: str = ""
    text: str = ""
    media: list[Media] = field(default_factory=list)
    location: Location | None = None
    sent_at: dt.datetime | None = None
    subject: str = ""  # e-mail
    in_reply_to: list[str] = field(default_factory=list)  # e-mail Message-IDs this one answers (threading)
    language: str = ""  # what the provider tells of the sender's language, e.g. Telegram's language_code


@dataclass
class StatusUpdate:
    """A provider's news about a message we sent (WhatsApp statuses, Twilio status callbacks)."""

    provider: str
    provider_message_id: str
    status: str  # sent, delivered, read, failed
    error: str = ""
    at: dt.datetime | None = None


@dataclass
class Outbound:
    """One message to a citizen."""

    channel: str
    to: str
    text: str
    subject: str = ""  # e-mail
    in_reply_to: str = ""  # e-mail threading: the Message-ID answered
    references: list[str] = field(default_factory=list)
    message_id: str = ""  # e-mail: our own Message-ID, decided before sending so replies can be matched


class Provider:
    """Base class; a provider overrides what it supports."""

    name: str = ""
    channel: str = ""

    def __init__(self, config: dict | None = None):
        self.config = config or {}

    def handshake(self, request: HttpRequest) -> HttpResponse | None:
        """Answer a provider's verification GET, or None when the provider has none."""
        return None

    def verify(self, request: HttpRequest) -> None:
        """Raise BadSignature unless the request carries the provider's valid signature or secret."""
        raise NotImplementedError

    def parse(self, request: HttpRequest) -> list[Inbound | StatusUpdate]:
        raise NotImplementedError

    def acknowledge(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse({"ok": True})

    def fetch_media(self, media: Media) -> Media:
        """Download ``media`` when the payload carried only an id or a URL. Returns it with ``content`` set."""
        return media

    def send(self, message: Outbound) -> str:
        """Deliver one message; return the provider's id of it. Raise SendError."""
        raise NotImplementedError

    def max_length(self) -> int:
        """The longest text one message may carry (SMS segments are split by the SMS providers themselves)."""
        return 4096
