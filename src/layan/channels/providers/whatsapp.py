"""WhatsApp Business Cloud API (Meta Graph API): webhook in, ``/{phone_number_id}/messages`` out.

- Handshake: Meta verifies the callback URL with ``GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..``;
  the challenge is echoed as plain text when the token is the configured ``verify_token``, else 403.
- Signature: every POST carries ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body keyed with the app
  secret>``. Without a configured ``app_secret`` nothing is accepted: an unsigned endpoint would let anyone file
  reports in a citizen's name.
- Payload: ``{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value":
  {"contacts": [..], "messages": [..], "statuses": [..]}}]}]}``. Messages become :class:`Inbound`, statuses
  :class:`StatusUpdate`; other fields (account updates, template reviews) are acknowledged and ignored.
- Message types: ``text``; ``image`` and ``document`` (a media id to download, the caption is also the message's
  text); ``location``; replies to buttons and lists (``button``, ``interactive``) as their title text. A reaction
  and a ``system`` notice (number changed) are not messages to answer and are skipped. Anything else (sticker,
  audio, video, contacts, ``unsupported``) becomes an Inbound with empty text, no media and no location, so the
  dialogue answers that this kind of message is not supported yet instead of leaving the citizen unanswered.
"""

import datetime as dt
import hashlib
import hmac
import logging

from django.http import HttpResponse
from django.utils.translation import gettext as _

from layan.core.inputs import InputError, load_json

from ..contract import (
    BadSignature,
    Inbound,
    Location,
    MalformedPayload,
    Media,
    Outbound,
    Provider,
    SendError,
    StatusUpdate,
)
from . import chat

log = logging.getLogger(__name__)

SKIPPED_TYPES = {"reaction", "system", "request_welcome"}
# Graph API error codes after which the same request can succeed later: rate limits, temporary outages.
TRANSIENT_ERRORS = {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
MAX_TEXT = 4096


class WhatsAppProvider(Provider):
    name = "whatsapp"
    channel = "whatsapp"

    # inbound

    def handshake(self, request):
        expected = self.config.get("verify_token", "")
        token = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") == "subscribe" and expected and _same(token, expected):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain; charset=utf-8")
        log.warning("whatsapp: webhook verification refused (mode %r)", request.GET.get("hub.mode"))
        return HttpResponse(_("Token verifikasi tidak cocok."), status=403, content_type="text/plain; charset=utf-8")

    def verify(self, request):
        secret = self.config.get("app_secret", "")
        if not secret:
            raise BadSignature(_("app_secret WhatsApp belum diatur; semua permintaan ditolak."))
        given = request.headers.get("X-Hub-Signature-256", "")
        if not given:
            raise BadSignature(_("Header X-Hub-Signature-256 tidak ada."))
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        if not _same(given, expected):
            raise BadSignature(_("Tanda tangan X-Hub-Signature-256 tidak cocok."))

    def parse(self, request):
        try:
            body = load_json(request.body)
        except InputError as exc:
            raise MalformedPayload(exc.message) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedPayload(_("bukan JSON yang sah")) from exc
        if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
            raise MalformedPayload(_("bukan notifikasi WhatsApp Business (object harus whatsapp_business_account)"))
        items = []
        for entry in _list(body, "entry"):
            for change in _list(_dict(entry, "entry[]"), "changes"):
                change = _dict(change, "changes[]")
                if change.get("field") == "messages":
                    items.extend(self.read_value(_dict(change.get("value"), "value")))
        return items

    def read_value(self, value: dict) -> list[Inbound | StatusUpdate]:
        names = {}
        for contact in _list(value, "contacts"):
            contact = _dict(contact, "contacts[]")
            names[str(contact.get("wa_id", ""))] = str((contact.get("profile") or {}).get("name", ""))
        items = []
        for message in _list(value, "messages"):
            inbound = self.read_message(_dict(message, "messages[]"), names)
            if inbound is not None:
                items.append(inbound)
        for status in _list(value, "statuses"):
            items.append(read_status(_dict(status, "statuses[]")))
        return items

    def read_message(self, message: dict, names: dict) -> Inbound | None:
        kind = message.get("type", "")
        if kind in SKIPPED_TYPES:
            return None
        wa_id = _text(message, "from")
        if not wa_id.isdigit():
            raise MalformedPayload(_("nomor pengirim tidak sah: %(value)s") % {"value": wa_id[:40]})
        inbound = Inbound(
            channel=self.channel,
            provider=self.name,
            message_id=_text(message, "id"),
            sender="+" + wa_id,
            sender_name=names.get(wa_id, ""),
            sent_at=_timestamp(message.get("timestamp")),
        )
        content = message.get(kind) if isinstance(message.get(kind), dict) else {}
        if kind == "text":
            inbound.text = str(content.get("body", ""))
        elif kind in ("image", "document"):
            inbound.text = str(content.get("caption", ""))
            inbound.media.append(
                Media(
                    content_type=str(content.get("mime_type", "")),
                    name=str(content.get("filename", "")),
                    provider_id=_text(content, "id"),
                    caption=inbound.text,
                )
            )
        elif kind == "location":
            inbound.location = read_location(content)
        elif kind == "button":
            inbound.text = str(content.get("text", ""))
        elif kind == "interactive":
            reply = content.get("button_reply") or content.get("list_reply") or {}
            inbound.text = str(reply.get("title", "")) if isinstance(reply, dict) else ""
        return inbound

    # outbound

    def fetch_media(self, media: Media) -> Media:
        """Ask the Graph API where the media is (``GET /{media-id}``), then download it with the same token."""
        if media.content is not None or not media.provider_id:
            return media
        answer = chat.call("GET", f"{self.graph_url}/{media.provider_id}", classify_error, headers=self.auth)
        where = chat.error_body(answer)
        if not where.get("url"):
            raise SendError(f"media {media.provider_id}: no url in {answer.text[:200]}", retry=False)
        content, served_type = chat.download(where["url"], headers=self.auth)
        media.content = content
        media.content_type = media.content_type or where.get("mime_type") or served_type
        return media

    def send(self, message: Outbound) -> str:
        """One text message per 4096 characters; returns the id of the last piece (its ``delivered`` status means
        the whole reply arrived, pieces being delivered in order)."""
        to = message.to.lstrip("+")
        if not to.isdigit():
            raise SendError(f"not a WhatsApp number: {message.to!r}", retry=False)
        provider_id = ""
        for piece in chat.split_text(message.text, self.max_length()):
            payload = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": {"preview_url": False, "body": piece},
            }
            url = f"{self.graph_url}/{self.config.get('phone_number_id', '')}/messages"
            answer = chat.call("POST", url, classify_error, json=payload, headers=self.auth)
            provider_id = _sent_id(answer)
        return provider_id

    def max_length(self) -> int:
        return MAX_TEXT

    @property
    def graph_url(self) -> str:
        return self.config.get("graph_url", "").rstrip("/")

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.config.get('access_token', '')}"}


def read_status(status: dict) -> StatusUpdate:
    """A status callback: sent, delivered, read or failed (with the first error's title and code)."""
    errors = status.get("errors") if isinstance(status.get("errors"), list) else []
    error = ""
    if errors and isinstance(errors[0], dict):
        first = errors[0]
        data = first.get("error_data") if isinstance(first.get("error_data"), dict) else {}
        details = str(data.get("details", ""))
        error = " ".join(part for part in (f"({first.get('code', '')})", str(first.get("title", "")), details) if part)
    return StatusUpdate(
        provider=WhatsAppProvider.name,
        provider_message_id=_text(status, "id"),
        status=str(status.get("status", "")),
        error=error,
        at=_timestamp(status.get("timestamp")),
    )


def classify_error(response) -> SendError:
    """The Graph API's ``{"error": {"code", "message", ...}}`` as a SendError: retry rate limits and outages only;
    an undeliverable message (131026), a closed 24-hour window (131047) or a bad token (190) will not improve."""
    error = chat.error_body(response).get("error") or {}
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message", "") if isinstance(error, dict) else ""
    retry = response.status_code >= 500 or response.status_code == 429 or code in TRANSIENT_ERRORS
    text = f"WhatsApp HTTP {response.status_code} code {code}: {message or response.text[:200]}"
    return SendError(text, retry=retry, status=response.status_code)


def _sent_id(answer) -> str:
    messages = chat.error_body(answer).get("messages")
    if not messages or not isinstance(messages[0], dict) or not messages[0].get("id"):
        raise SendError(f"WhatsApp answered without a message id: {answer.text[:200]}", retry=False)
    return str(messages[0]["id"])


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def _dict(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedPayload(_("%(where)s harus berupa objek") % {"where": where})
    return value


def _list(container: dict, key: str) -> list:
    value = container.get(key, [])
    if not isinstance(value, list):
        raise MalformedPayload(_("%(key)s harus berupa daftar") % {"key": key})
    return value


def _text(container: dict, key: str) -> str:
    value = container.get(key)
    if value in (None, "") or isinstance(value, dict | list):
        raise MalformedPayload(_("kolom %(key)s tidak ada") % {"key": key})
    return str(value)


def read_location(content: dict) -> Location:
    """A shared location (``name`` and ``address`` are there when the citizen picked a named place)."""
    try:
        latitude, longitude = float(content["latitude"]), float(content["longitude"])
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedPayload(_("location harus berisi latitude dan longitude")) from exc
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise MalformedPayload(_("koordinat di luar jangkauan"))
    return Location(latitude, longitude, name=str(content.get("name", "")), address=str(content.get("address", "")))


def _timestamp(value) -> dt.datetime | None:
    """Unix seconds as a string (the Cloud API's format) to an aware UTC datetime."""
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
