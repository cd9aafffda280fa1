"""Telegram Bot API: webhook in (``setWebhook`` with a ``secret_token``), ``sendMessage`` out.

- Secret: Telegram sends the ``secret_token`` given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token`` with
  every update. Without a configured ``secret_token`` nothing is accepted (the bot's URL alone proves nothing).
- Payload: one ``Update`` per request. Only ``message`` is read: text, photo (the largest ``PhotoSize``; the caption
  is the message's text), document, location and venue. ``edited_message`` is acknowledged and ignored: the
  dialogue already answered the original, and replaying an edit as a new message would answer twice or confirm
  a draft the citizen did not mean to. Other updates (channel posts, ``my_chat_member`` ...) are ignored too. A
  message of another kind (sticker, voice, contact ...) becomes an Inbound with empty text, no media and no
  location, so the dialogue answers that this kind of message is not supported yet.
- Bot commands: ``/start``, ``/status 123`` and ``/bantuan@LayanBot`` reach the dialogue as ``start``,
  ``status 123`` and ``bantuan``, the words the dialogue knows on every channel.
- Message id: ``"<chat id>:<message id>"``. A redelivered update carries the same message, so it is recognised;
  ``update_id`` would be too, but Telegram restarts it at a random value after a week without updates, and a new
  message that happened to reuse an old update_id would be dropped as a "redelivery".
- Sender: the chat id (a private chat's id is the user's id); language: the user's ``language_code``.
"""

import datetime as dt
import hmac
import logging
import re

from django.utils.translation import gettext as _

from layan.core.inputs import InputError, load_json

from ..contract import BadSignature, Inbound, Location, MalformedPayload, Media, Outbound, Provider, SendError
from . import chat

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4096
BOT_COMMAND = re.compile(r"/(?P<command>[A-Za-z0-9_]{1,32})(?:@\w+)?(?P<rest>\s.*)?$", re.DOTALL)
PHOTO_TYPE = "image/jpeg"  # Telegram re-encodes every photo it stores as JPEG


class TelegramProvider(Provider):
    name = "telegram"
    channel = "telegram"

    # inbound

    def verify(self, request):
        expected = self.config.get("secret_token", "")
        if not expected:
            raise BadSignature(_("secret_token Telegram belum diatur; semua permintaan ditolak."))
        given = request.headers.get(SECRET_HEADER, "")
        if not given:
            raise BadSignature(_("Header X-Telegram-Bot-Api-Secret-Token tidak ada."))
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")):
            raise BadSignature(_("Token rahasia Telegram tidak cocok."))

    def parse(self, request):
        try:
            update = load_json(request.body)
        except InputError as exc:
            raise MalformedPayload(exc.message) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedPayload(_("bukan JSON yang sah")) from exc
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise MalformedPayload(_("bukan Update Telegram (update_id tidak ada)"))
        message = update.get("message")
        if message is None:
            return []  # edited_message, channel_post, my_chat_member ...: see the module docstring
        if not isinstance(message, dict):
            raise MalformedPayload(_("message harus berupa objek"))
        return [self.read_message(message)]

    def read_message(self, message: dict) -> Inbound:
        chat_info = message.get("chat")
        if not isinstance(chat_info, dict) or not isinstance(chat_info.get("id"), int):
            raise MalformedPayload(_("chat.id tidak ada"))
        if not isinstance(message.get("message_id"), int):
            raise MalformedPayload(_("message_id tidak ada"))
        person = message.get("from") if isinstance(message.get("from"), dict) else chat_info
        inbound = Inbound(
            channel=self.channel,
            provider=self.name,
            message_id=f"{chat_info['id']}:{message['message_id']}",
            sender=str(chat_info["id"]),
            sender_name=" ".join(str(person.get(k, "")) for k in ("first_name", "last_name") if person.get(k)),
            sent_at=_timestamp(message.get("date")),
            language=str(person.get("language_code", "")),
        )
        if "text" in message:
            inbound.text = command_as_words(str(message["text"]))
        elif "photo" in message:
            inbound.text = str(message.get("caption", ""))
            largest = largest_photo(message["photo"])
            inbound.media.append(Media(content_type=PHOTO_TYPE, provider_id=largest, caption=inbound.text))
        elif "document" in message:
            inbound.text = str(message.get("caption", ""))
            document = _dict(message["document"], "document")
            inbound.media.append(
                Media(
                    content_type=str(document.get("mime_type", "")),
                    name=str(document.get("file_name", "")),
                    provider_id=_file_id(document),
                    caption=inbound.text,
                )
            )
        elif "location" in message:
            inbound.location = read_location(message)
        return inbound

    # outbound

    def fetch_media(self, media: Media) -> Media:
        """``getFile`` tells the file's path on Telegram's file server; the file is then downloaded from there."""
        if media.content is not None or not media.provider_id:
            return media
        answer = chat.call(
            "GET", self.method_url("getFile"), classify_error, params={"file_id": media.provider_id}, secret=self.token
        )
        path = (chat.error_body(answer).get("result") or {}).get("file_path")
        if not path:
            raise SendError(f"getFile {media.provider_id}: no file_path", retry=False)
        content, served_type = chat.download(f"{self.api_url}/file/bot{self.token}/{path}", secret=self.token)
        media.content = content
        media.content_type = media.content_type or served_type
        media.name = media.name or path.rsplit("/", 1)[-1]
        return media

    def send(self, message: Outbound) -> str:
        """One ``sendMessage`` per 4096 characters; returns the last piece's message id."""
        chat_id = int(message.to) if message.to.lstrip("-").isdigit() else message.to
        sent_id = ""
        for piece in chat.split_text(message.text, self.max_length()):
            answer = chat.call(
                "POST",
                self.method_url("sendMessage"),
                classify_error,
                json={"chat_id": chat_id, "text": piece},
                secret=self.token,
            )
            body = chat.error_body(answer)
            result = body.get("result") if body.get("ok") else None
            if not isinstance(result, dict) or "message_id" not in result:
                raise classify_error(answer)
            sent_id = str(result["message_id"])
        return sent_id

    def max_length(self) -> int:
        return MAX_TEXT

    @property
    def token(self) -> str:
        return self.config.get("bot_token", "")

    @property
    def api_url(self) -> str:
        return self.config.get("api_url", "").rstrip("/")

    def method_url(self, method: str) -> str:
        return f"{self.api_url}/bot{self.token}/{method}"


def classify_error(response) -> SendError:
    """Telegram's ``{"ok": false, "error_code", "description", "parameters": {"retry_after"}}``: flood control
    (429) and server errors are retried; a bot blocked by the user (403) or an unknown chat (400) are not."""
    body = chat.error_body(response)
    code = body.get("error_code") or response.status_code
    description = str(body.get("description", ""))[:200]
    parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    retry = code == 429 or (isinstance(code, int) and code >= 500)
    text = f"Telegram {code}: {description}"
    if parameters.get("retry_after"):
        text += f" (retry after {parameters['retry_after']}s)"
    return SendError(text, retry=retry, status=response.status_code)


def command_as_words(text: str) -> str:
    """``/status@LayanBot 123`` -> ``status 123``: a bot command as the plain words the dialogue knows."""
    match = BOT_COMMAND.match(text)
    if match is None:
        return text
    return f"{match['command']} {(match['rest'] or '').strip()}".strip()


def largest_photo(sizes) -> str:
    """The file id of the biggest of the sizes Telegram offers (the original upload, as far as Telegram keeps it)."""
    if not isinstance(sizes, list) or not sizes:
        raise MalformedPayload(_("photo harus berupa daftar PhotoSize"))
    photos = [_dict(size, "photo[]") for size in sizes]
    best = max(photos, key=lambda p: (_int(p.get("width")) * _int(p.get("height")), _int(p.get("file_size"))))
    return _file_id(best)


def read_location(message: dict) -> Location:
    """A location, or a venue (a named place: Telegram sends its ``location`` too, with ``title`` and address)."""
    where = _dict(message["location"], "location")
    venue = message.get("venue") if isinstance(message.get("venue"), dict) else {}
    try:
        latitude, longitude = float(where["latitude"]), float(where["longitude"])
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedPayload(_("location harus berisi latitude dan longitude")) from exc
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise MalformedPayload(_("koordinat di luar jangkauan"))
    return Location(latitude, longitude, name=str(venue.get("title", "")), address=str(venue.get("address", "")))


def _file_id(item: dict) -> str:
    file_id = item.get("file_id")
    if not isinstance(file_id, str) or not file_id:
        raise MalformedPayload(_("file_id tidak ada"))
    return file_id


def _dict(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedPayload(_("%(where)s harus berupa objek") % {"where": where})
    return value


def _int(value) -> int:
    return value if isinstance(value, int) else 0


def _timestamp(value) -> dt.datetime | None:
    if not isinstance(value, int):
        return None
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
