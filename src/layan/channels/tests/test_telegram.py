"""Telegram Bot API: documented ``Update`` objects (tests/payloads/telegram_*.json) fed into the webhook endpoint,
and the Bot API calls Layan makes, recorded by the local ``provider_api`` server."""

import io
from pathlib import Path

import pytest
import requests
from PIL import Image

from layan.channels.contract import Media, Outbound, SendError
from layan.channels.models import InboundMedia, InboundMessage, InboundRequest
from layan.channels.providers.telegram import TelegramProvider, command_as_words
from layan.core import pii

EXCERPT = 256  # LAYAN_CHANNEL_REJECTED_EXCERPT: a refused request keeps its first bytes only

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads"
URL = "/kanal/telegram/webhook/"
BOT_TOKEN = "7012345678:AAH-uji-token-bot-layan"
SECRET = "rahasia-webhook-telegram_1"
CHAT_ID = 523456789


def payload(name: str) -> bytes:
    return (PAYLOADS / f"telegram_{name}.json").read_bytes()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def sent_answer(message_id: int, text: str = "") -> dict:
    """The Bot API's documented answer to sendMessage: the sent Message."""
    return {
        "ok": True,
        "result": {
            "message_id": message_id,
            "from": {"id": 7012345678, "is_bot": True, "first_name": "Layan", "username": "LayanBot"},
            "chat": {"id": CHAT_ID, "first_name": "Budi", "type": "private"},
            "date": 1732352900,
            "text": text,
        },
    }


def telegram_config(api_url: str, **changes) -> dict:
    config = {"enabled": True, "bot_token": BOT_TOKEN, "secret_token": SECRET, "api_url": api_url}
    return {**config, **changes}


@pytest.fixture
def telegram(settings, provider_api):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "telegram": telegram_config(provider_api.url)}
    provider_api.answer(f"/bot{BOT_TOKEN}/sendMessage", 200, sent_answer(2001))
    return provider_api


def deliver(client, body: bytes, *, secret: str | None = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


# --- secret token and malformed updates --------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "salah", SECRET + "x", SECRET.upper()])
def test_a_wrong_or_missing_secret_token_is_refused_and_kept(client, telegram, secret, caplog):
    body = payload("text")
    response = deliver(client, body, secret=secret)
    assert response.status_code == 403
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.REJECTED
    assert bytes(raw.body) == body[:EXCERPT]  # a short record only (issue 15)
    assert not InboundMessage.objects.exists()
    assert "refused request" in caplog.text


def test_everything_is_refused_when_no_secret_token_is_configured(client, settings, provider_api):
    settings.LAYAN_CHANNELS = {
        **settings.LAYAN_CHANNELS,
        "telegram": telegram_config(provider_api.url, secret_token=""),
    }
    assert deliver(client, payload("text"), secret="").status_code == 403
    assert InboundRequest.objects.get().status == InboundRequest.Status.REJECTED


def test_the_webhook_has_no_get_handshake(client, telegram):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 871204511, "message": {',
        b"[]",
        b'{"message": {"message_id": 1, "chat": {"id": 1}, "date": 1, "text": "x"}}',
        b'{"update_id": 871204511, "message": {"message_id": 1, "date": 1, "text": "tanpa chat"}}',
        b'{"update_id": 871204511, "message": {"message_id": 1, "chat": {"id": 1}, "photo": []}}',
        payload("location").replace(b"-7.275612", b"-97.5"),
    ],
)
def test_a_malformed_update_gets_400_and_is_kept(client, telegram, body):
    response = deliver(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_payload"
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.MALFORMED
    assert bytes(raw.body) == body
    assert not InboundMessage.objects.exists()


# --- messages -------------------------------------------------------------------------------------------------------


def test_text_message_is_recorded_once_even_when_delivered_twice(client, telegram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert deliver(client, payload("text")).status_code == 200
        assert deliver(client, payload("text")).status_code == 200
    assert InboundRequest.objects.count() == 2
    message = InboundMessage.objects.get()
    assert (message.external_id, message.sender, message.channel) == (f"{CHAT_ID}:1365", str(CHAT_ID), "telegram")
    assert message.text.startswith("Lampu penerangan jalan di Jl. Dharmahusada mati")
    assert pii.decrypt(message.parsed["sender_name"]) == "Budi Santoso"  # stored encrypted (layan.core.pii)
    assert message.parsed["language"] == "id"
    assert message.parsed["sent_at"] == "2024-11-23T09:00:00+00:00"
    assert len(queued) == 1


def test_bot_commands_arrive_as_plain_words(client, telegram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("command")).status_code == 200
    assert InboundMessage.objects.get().text == "status LYN-2411-00001"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("/start", "start"),
        ("/bantuan@LayanBot", "bantuan"),
        ("/lapor Jl. Raya#lampu mati\nsejak kemarin", "lapor Jl. Raya#lampu mati\nsejak kemarin"),
        ("/ jalan rusak", "/ jalan rusak"),
        ("jalan /rusak", "jalan /rusak"),
    ],
)
def test_command_as_words(text, words):
    assert command_as_words(text) == words


def test_photo_message_names_the_largest_size(client, telegram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("photo")).status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "Tiang lampunya yang ini"
    media = message.media.get()
    assert (media.provider_id, media.content_type, media.caption) == (
        "AgACAgUAAxkBAAIBY2dBq1_large",
        "image/jpeg",
        "Tiang lampunya yang ini",
    )


def test_document_message(client, telegram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("document")).status_code == 200
    media = InboundMedia.objects.get()
    assert (media.name, media.content_type, media.provider_id) == (
        "foto-lokasi.jpg",
        "image/jpeg",
        "BQACAgUAAxkBAAIBZWdBrDocument",
    )


def test_location_and_venue_messages(client, telegram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("location")).status_code == 200
        assert deliver(client, payload("venue")).status_code == 200
    location, venue = (m.parsed["location"] for m in InboundMessage.objects.order_by("external_id"))
    assert location == {"latitude": -7.275612, "longitude": 112.781946, "name": "", "address": ""}
    assert venue == {
        "latitude": -7.265757,
        "longitude": 112.734146,
        "name": "Balai Kota Surabaya",
        "address": "Jl. Taman Surya No.1, Ketabang, Genteng",
    }


def test_edited_messages_are_acknowledged_and_ignored(client, telegram):
    response = deliver(client, payload("edited"))
    assert response.status_code == 200
    assert InboundRequest.objects.get().status == InboundRequest.Status.PROCESSED
    assert not InboundMessage.objects.exists()


def test_a_sticker_reaches_the_dialogue_empty(client, telegram, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("sticker")).status_code == 200
    sticker = InboundMessage.objects.get()
    assert (sticker.text, sticker.parsed["media"], sticker.parsed["location"]) == ("", [], None)


# --- the Bot API: files and sending -------------------------------------------------------------------------------


def serve_file(recorder, file_id: str, content: bytes, path: str = "photos/file_7.jpg"):
    """The two documented steps: ``getFile`` answers the file's path, the file server then serves it."""
    recorder.answer(
        f"/bot{BOT_TOKEN}/getFile",
        200,
        {
            "ok": True,
            "result": {"file_id": file_id, "file_unique_id": "AQAD", "file_size": len(content), "file_path": path},
        },
    )
    recorder.answer(f"/file/bot{BOT_TOKEN}/{path}", 200, content, "application/octet-stream")


def test_fetch_media_uses_get_file_then_the_file_server(telegram, settings):
    picture = jpeg()
    serve_file(telegram, "AgACAgUAAxkBAAIBY2dBq1_large", picture)
    provider = TelegramProvider(settings.LAYAN_CHANNELS["telegram"])
    media = provider.fetch_media(Media(content_type="image/jpeg", provider_id="AgACAgUAAxkBAAIBY2dBq1_large"))
    assert (media.content, media.content_type, media.name) == (picture, "image/jpeg", "file_7.jpg")
    lookup, download = telegram.requests
    assert lookup.path == f"/bot{BOT_TOKEN}/getFile?file_id=AgACAgUAAxkBAAIBY2dBq1_large"
    assert download.path == f"/file/bot{BOT_TOKEN}/photos/file_7.jpg"


def test_send_posts_send_message(telegram, settings):
    provider = TelegramProvider(settings.LAYAN_CHANNELS["telegram"])
    sent_id = provider.send(Outbound(channel="telegram", to=str(CHAT_ID), text="Laporan Anda sudah diterima."))
    assert sent_id == "2001"
    (sent,) = telegram.requests
    assert (sent.method, sent.path) == ("POST", f"/bot{BOT_TOKEN}/sendMessage")
    assert sent.json() == {"chat_id": CHAT_ID, "text": "Laporan Anda sudah diterima."}


def test_send_splits_a_long_text_counting_emoji_twice(telegram, settings):
    provider = TelegramProvider(settings.LAYAN_CHANNELS["telegram"])
    text = "\U0001f6a7 " * 2000  # 4000 characters, 6000 UTF-16 units as Telegram counts them
    provider.send(Outbound(channel="telegram", to=str(CHAT_ID), text=text))
    texts = [r.json()["text"] for r in telegram.requests]
    assert len(texts) == 2
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    assert "".join(texts).count("\U0001f6a7") == 2000


@pytest.mark.parametrize(
    ("status", "answer", "retry"),
    [
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
            True,
        ),
        (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, False),
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, False),
        (502, "Bad Gateway", True),
    ],
)
def test_send_errors_say_whether_to_retry(telegram, settings, status, answer, retry):
    telegram.responses.clear()
    telegram.answer(f"/bot{BOT_TOKEN}/sendMessage", status, answer)
    with pytest.raises(SendError) as raised:
        TelegramProvider(settings.LAYAN_CHANNELS["telegram"]).send(Outbound(channel="telegram", to="5", text="x"))
    assert raised.value.retry is retry
    assert raised.value.status == status
    assert BOT_TOKEN not in raised.value.message
    if status == 429:
        assert "retry after 7s" in raised.value.message


def test_the_bot_token_stays_out_of_connection_errors():
    provider = TelegramProvider(telegram_config("http://127.0.0.1:9"))
    with pytest.raises(SendError) as raised:
        provider.send(Outbound(channel="telegram", to=str(CHAT_ID), text="Halo"))
    assert raised.value.retry is True
    assert BOT_TOKEN not in raised.value.message
    assert "<token>" in raised.value.message


# --- through a real server process: updates in, report made, replies out -------------------------------------------


@pytest.fixture
def layan_server_env(provider_api):
    """The server process's Telegram settings (through the environment): the recorder is its Bot API."""
    provider_api.answer(f"/bot{BOT_TOKEN}/sendMessage", 200, sent_answer(2001))
    return {"TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_URL": provider_api.url}


def post(server: str, body: bytes, *, secret: str = SECRET):
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    return requests.post(f"{server}{URL}", data=body, headers=headers, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_guided_report_through_the_running_server(layan_server, provider_api, demo_agencies):
    """Text, venue, photo, "ya" (delivered twice), an edit, a forged and a broken update: one report with the
    photo; every reply a sendMessage to the citizen's chat."""
    from layan.reports.models import Report

    serve_file(provider_api, "AgACAgUAAxkBAAIBY2dBq1_large", jpeg())
    yes = payload("text").replace(b"1365", b"1372").replace(b"871204511", b"871204519")
    yes = yes.replace(
        b"Lampu penerangan jalan di Jl. Dharmahusada mati sejak seminggu, gelap sekali di malam hari.", b"ya"
    )
    for body in (payload("text"), payload("venue"), payload("photo"), yes, yes, payload("edited")):
        assert post(layan_server, body).status_code == 200
    assert post(layan_server, payload("text"), secret="tebakan").status_code == 403
    assert post(layan_server, b'{"update_id": 1, "message": [').status_code == 400

    report = Report.objects.get()
    assert report.channel == Report.Channel.TELEGRAM
    assert report.description.startswith("Lampu penerangan jalan di Jl. Dharmahusada mati")
    assert report.address == "Balai Kota Surabaya, Jl. Taman Surya No.1, Ketabang, Genteng"
    assert (float(report.latitude), float(report.longitude)) == (-7.265757, 112.734146)
    assert report.attachments.get().content_type == "image/jpeg"
    assert InboundMessage.objects.count() == 4
    statuses = sorted(InboundRequest.objects.values_list("status", flat=True))
    assert statuses == ["malformed"] + ["processed"] * 6 + ["rejected"]
    assert provider_api.to(f"/bot{BOT_TOKEN}/getFile?file_id=AgACAgUAAxkBAAIBY2dBq1_large")
    replies = [r.json() for r in provider_api.to(f"/bot{BOT_TOKEN}/sendMessage")]
    assert len(replies) == 4  # photo? summary + confirm, tracking number, and the first "where?"
    assert {r["chat_id"] for r in replies} == {CHAT_ID}
    assert report.tracking_number in replies[-1]["text"]
