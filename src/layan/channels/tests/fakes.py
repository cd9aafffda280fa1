"""A tiny provider for the dialogue and outbound tests: it talks to the ``provider_api`` recorder through the real
HTTP client (``layan.channels.http``), so sending, retries and media downloads run for real on loopback; the real
providers' payloads are tested in their own modules."""

import io
import json

import pytest
from PIL import Image

from layan.channels import http, intake, registry
from layan.channels.contract import (
    BadSignature,
    Inbound,
    Location,
    MalformedPayload,
    Media,
    Outbound,
    Provider,
    StatusUpdate,
)


class FakeProvider(Provider):
    """Inbound: JSON ``{"messages": [{"id", "from", "text"}], "statuses": [{"id", "status"}]}`` with the header
    ``X-Fake-Secret``; outbound: POST /send on the recorder."""

    name = "fake"
    channel = "whatsapp"

    def verify(self, request):
        if request.headers.get("X-Fake-Secret") != self.config.get("secret", "rahasia"):
            raise BadSignature("wrong X-Fake-Secret")

    def parse(self, request):
        try:
            data = json.loads(request.body)
            messages = [
                Inbound(channel="whatsapp", provider="fake", message_id=m["id"], sender=m["from"], text=m["text"])
                for m in data.get("messages", [])
            ]
            statuses = [StatusUpdate("fake", s["id"], s["status"]) for s in data.get("statuses", [])]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise MalformedPayload(f"not a fake payload: {exc}") from exc
        return messages + statuses

    def send(self, message: Outbound) -> str:
        payload = {
            "to": message.to,
            "text": message.text,
            "subject": message.subject,
            "in_reply_to": message.in_reply_to,
            "message_id": message.message_id,
        }
        return http.json_of(http.post_json(self.config["url"] + "/send", payload)).get("id", "")

    def fetch_media(self, media: Media) -> Media:
        response = http.get(f"{self.config['url']}/media/{media.provider_id}")
        media.content = response.content
        media.content_type = response.headers.get("Content-Type", media.content_type)
        return media


@pytest.fixture
def fake_channel(settings, monkeypatch, provider_api):
    """Every channel sends through the fake provider, which answers from ``provider_api``."""
    monkeypatch.setitem(registry.PROVIDERS, "fake", "layan.channels.tests.fakes.FakeProvider")
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "fake": {"url": provider_api.url}}
    settings.LAYAN_CHANNEL_SENDERS = {c: "fake" for c in ("whatsapp", "telegram", "sms", "email")}
    settings.LAYAN_PUBLIC_URL = "https://lapor.example.go.id"
    provider_api.answer("/send", 200, {"id": "wamid.1"})
    provider_api.answer("/media/", 200, photo_with_exif(), "image/jpeg")
    return provider_api


def photo_with_exif() -> bytes:
    """A JPEG carrying camera and GPS metadata, which must never reach a stored attachment."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {1: "S", 2: (7.0, 15.0, 30.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


class Sender:
    """A citizen writing on a channel: each call delivers one message through the intake, as the webhook does."""

    def __init__(self, capture, address="+6281234567890", channel="whatsapp", name="Siti", language=""):
        self.capture = capture
        self.address, self.channel, self.name, self.language = address, channel, name, language
        self.count = 0

    def inbound(self, text="", *, photo=False, location=None, message_id=None, **extra) -> Inbound:
        self.count += 1
        return Inbound(
            channel=self.channel,
            provider="fake",
            message_id=message_id or f"{self.address}-{self.count}",
            sender=self.address,
            sender_name=self.name,
            text=text,
            media=[Media(content_type="image/jpeg", provider_id=f"foto{self.count}", name="foto.jpg")] if photo else [],
            location=Location(*location) if location else None,
            language=self.language,
            **extra,
        )

    def send(self, text="", **kwargs):
        return self.deliver(self.inbound(text, **kwargs))

    def deliver(self, item: Inbound):
        raw = intake.store_raw("fake", repr(item).encode())
        with self.capture(execute=True):
            return intake.accept(raw, [item])
