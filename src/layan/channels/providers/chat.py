"""What the chat providers (WhatsApp Cloud API, Telegram Bot API) share: splitting a long reply into the pieces
the provider accepts, downloading a citizen's photo without holding more than an attachment's worth of it, and
calling a JSON API through the one channels HTTP client while keeping the provider's error answer to classify.

Both providers count a text's characters the way JavaScript does (UTF-16 code units): an emoji outside the Basic
Multilingual Plane counts twice, so the pieces are measured that way to stay under the limit whatever they hold.
"""

import requests
from django.conf import settings

from .. import http
from ..contract import SendError


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in order-preserving pieces of at most ``limit`` UTF-16 units, cut at a paragraph, line or word
    boundary when one exists in the piece's second half (so a sentence is not cut in the middle of a word)."""
    if utf16_length(text) <= limit:
        return [text]
    pieces = []
    rest = text
    while utf16_length(rest) > limit:
        head = _longest_prefix(rest, limit)
        cut = _boundary(head)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [piece for piece in pieces if piece]


def _longest_prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that fits in ``limit`` UTF-16 units."""
    size = 0
    for index, char in enumerate(text):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            return text[:index]
    return text


def _boundary(head: str) -> int:
    """Where to cut ``head``: after the last paragraph break, line break or space in its second half, else at its
    end (a single word longer than half the limit is cut where it must be)."""
    for separator in ("\n\n", "\n", " "):
        position = head.rfind(separator)
        if position >= len(head) // 2:
            return position + len(separator)
    return len(head)


def call(method: str, url: str, classify, *, secret: str = "", **kwargs) -> requests.Response:
    """One API call through :mod:`layan.channels.http`. A 4xx/5xx answer goes to ``classify(response)``, which
    returns the SendError to raise: the provider's error body (not only its HTTP status) tells whether a retry
    can help (WhatsApp's 130429 rate limit comes with HTTP 400; Telegram's 429 carries ``retry_after``).
    ``secret`` (Telegram's bot token, which is part of its URLs) is blanked out of error messages, which end up in
    logs and in ``OutboundMessage.last_error``."""
    try:
        return http.request(method, url, **kwargs)
    except SendError as exc:
        if exc.response is not None:
            raise classify(exc.response) from exc
        raise redacted(exc, secret) from None  # no answer at all: timeout or connection error, marked for retry


def redacted(error: SendError, secret: str) -> SendError:
    if not secret or secret not in error.message:
        return error
    return SendError(error.message.replace(secret, "<token>"), retry=error.retry, status=error.status)


def error_body(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def download(url: str, *, headers: dict | None = None, secret: str = "") -> tuple[bytes, str]:
    """The bytes at ``url`` and their Content-Type, refused (no retry) past ``LAYAN_ATTACHMENT_MAX_BYTES``: it
    would be refused as an attachment anyway, and a stream is read only that far."""
    limit = settings.LAYAN_ATTACHMENT_MAX_BYTES
    with http.session() as client:
        try:
            response = http.get(url, headers=headers, http=client, stream=True)
        except SendError as exc:
            raise redacted(exc, secret) from None
        try:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > limit:
                raise SendError(f"media of {declared} bytes exceeds the limit of {limit}", retry=False)
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise SendError(f"media exceeds the limit of {limit} bytes", retry=False)
                chunks.append(chunk)
        finally:
            response.close()
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    return b"".join(chunks), content_type
