"""WhatsApp Business Cloud API: Meta's documented webhook payloads (tests/payloads/whatsapp_*.json) fed into the
webhook endpoint, and the Graph API calls Layan makes, recorded by the local ``provider_api`` server.

The signatures are computed here, independently of the provider module, exactly as Meta documents them."""

import hashlib
import hmac
import io
import json
from pathlib import Path

import pytest
import requests
from PIL import Image

from layan.channels.contract import Outbound, SendError
from layan.channels.models import InboundMedia, InboundMessage, InboundRequest, OutboundMessage
from layan.channels.providers.whatsapp import WhatsAppProvider
from layan.core import pii

EXCERPT = 256  # LAYAN_CHANNEL_REJECTED_EXCERPT: a refused request keeps its first bytes only

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads"
URL = "/kanal/whatsapp/webhook/"
APP_SECRET = "rahasia-aplikasi-meta"
VERIFY_TOKEN = "token-verifikasi-layan"
ACCESS_TOKEN = "EAAGtoken-uji"
PHONE_NUMBER_ID = "106540352242922"
CITIZEN = "+6281234567001"


def payload(name: str) -> bytes:
    return (PAYLOADS / f"whatsapp_{name}.json").read_bytes()


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def sent_answer(wamid: str) -> dict:
    """The Graph API's documented answer to a sent message."""
    return {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "6281234567001", "wa_id": "6281234567001"}],
        "messages": [{"id": wamid}],
    }


def whatsapp_config(api_url: str, **changes) -> dict:
    config = {
        "enabled": True,
        "verify_token": VERIFY_TOKEN,
        "app_secret": APP_SECRET,
        "access_token": ACCESS_TOKEN,
        "phone_number_id": PHONE_NUMBER_ID,
        "graph_url": f"{api_url}/v21.0",
    }
    return {**config, **changes}


@pytest.fixture
def whatsapp(settings, provider_api):
    """WhatsApp configured against the recorder; returns the recorder."""
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "whatsapp": whatsapp_config(provider_api.url)}
    provider_api.answer(f"/v21.0/{PHONE_NUMBER_ID}/messages", 200, sent_answer("wamid.balasan-1"))
    return provider_api


def deliver(client, body: bytes, *, sign: str | None = None):
    headers = {"X-Hub-Signature-256": sign if sign is not None else signature(body)}
    return client.post(URL, body, content_type="application/json", headers=headers)


# --- handshake ---------------------------------------------------------------------------------------------------


def test_handshake_echoes_the_challenge_for_the_right_token(client, whatsapp):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("token", ["salah", ""])
def test_handshake_refuses_a_wrong_token(client, whatsapp, token):
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    response = client.get(URL, query)
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_handshake_refused_when_no_verify_token_is_configured(client, settings, provider_api):
    settings.LAYAN_CHANNELS = {
        **settings.LAYAN_CHANNELS,
        "whatsapp": whatsapp_config(provider_api.url, verify_token=""),
    }
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "42"})
    assert response.status_code == 403


# --- signature and malformed payloads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sign",
    [
        "",  # missing
        "sha256=" + "0" * 64,
        signature(b"another body"),
        signature(payload("text"), "another-secret"),
        "sha1=" + hmac.new(APP_SECRET.encode(), payload("text"), hashlib.sha1).hexdigest(),
    ],
)
def test_a_bad_signature_is_refused_logged_and_kept(client, whatsapp, sign, caplog):
    body = payload("text")
    response = deliver(client, body, sign=sign)
    assert response.status_code == 403
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.REJECTED
    assert bytes(raw.body) == body[:EXCERPT]  # a short record only (issue 15)
    assert not InboundMessage.objects.exists()
    assert "refused request" in caplog.text


def test_everything_is_refused_when_no_app_secret_is_configured(client, settings, provider_api):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "whatsapp": whatsapp_config(provider_api.url, app_secret="")}
    body = payload("text")
    response = deliver(client, body, sign=signature(body, ""))
    assert response.status_code == 403
    assert InboundRequest.objects.get().status == InboundRequest.Status.REJECTED
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"object": "whatsapp_business_account", "entry": [',
        b'{"object": "page", "entry": []}',
        b'{"object": "whatsapp_business_account", "entry": {"id": "1"}}',
        json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [{"changes": [{"field": "messages", "value": {"messages": [{"type": "text"}]}}]}],
            }
        ).encode(),
        payload("location").replace(b"-7.2819705", b'"utara"'),
        b"\xff\xfe not utf-8",
    ],
)
def test_a_malformed_payload_gets_400_and_is_kept(client, whatsapp, body):
    response = deliver(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_payload"
    assert response.json()["error"]["message"].startswith("Isi permintaan tidak dapat dibaca")
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.MALFORMED
    assert bytes(raw.body) == body
    assert not InboundMessage.objects.exists()


# --- messages -------------------------------------------------------------------------------------------------------


def test_text_message_is_recorded_once_even_when_delivered_twice(client, whatsapp, django_capture_on_commit_callbacks):
    body = payload("text")
    with django_capture_on_commit_callbacks() as queued:
        assert deliver(client, body).status_code == 200
        assert deliver(client, body).status_code == 200
    assert InboundRequest.objects.count() == 2
    assert set(InboundRequest.objects.values_list("status", flat=True)) == {InboundRequest.Status.PROCESSED}
    message = InboundMessage.objects.get()
    assert message.external_id == "wamid.HBgNNjI4MTIzNDU2NzAwMRUCABIYFDNBMDFBNzI5RjQ2RUM3QkUwMDAxAA=="
    assert message.sender == CITIZEN
    assert message.channel == "whatsapp"
    assert message.text.startswith("Jalan di depan SDN Kertajaya 3 berlubang besar")
    assert pii.decrypt(message.parsed["sender_name"]) == "Siti Aminah"
    assert message.parsed["sent_at"] == "2024-11-23T09:00:00+00:00"
    assert len(queued) == 1  # one processing task for the two deliveries


def test_image_message_names_the_media_to_fetch(client, whatsapp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("image")).status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "Ini fotonya"
    media = message.media.get()
    assert (media.provider_id, media.content_type, media.caption) == ("1003383421387256", "image/jpeg", "Ini fotonya")


def test_document_message_keeps_its_file_name(client, whatsapp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("document")).status_code == 200
    media = InboundMedia.objects.get()
    assert (media.name, media.content_type, media.provider_id) == (
        "surat-pengantar-rt.pdf",
        "application/pdf",
        "1590254725232453",
    )
    assert media.message.text == "Surat pengantar RT"


def test_location_message(client, whatsapp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("location")).status_code == 200
    location = InboundMessage.objects.get().parsed["location"]
    assert location == {
        "latitude": -7.2819705,
        "longitude": 112.7799351,
        "name": "SDN Kertajaya 3",
        "address": "Jl. Kertajaya Indah No. 3, Gubeng, Surabaya",
    }


def test_button_reply_is_read_as_its_title(client, whatsapp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("button_reply")).status_code == 200
    assert InboundMessage.objects.get().text == "YA"


def test_unsupported_kinds_reach_the_dialogue_empty_and_reactions_not_at_all(
    client, whatsapp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("sticker")).status_code == 200
        assert deliver(client, payload("reaction")).status_code == 200
    sticker = InboundMessage.objects.get()
    assert sticker.external_id.endswith("MDA1AA==")
    assert (sticker.text, sticker.parsed["media"], sticker.parsed["location"]) == ("", [], None)


# --- status callbacks -------------------------------------------------------------------------------------------


def outbound(wamid: str) -> OutboundMessage:
    return OutboundMessage.objects.create(
        provider="whatsapp",
        channel="whatsapp",
        to=CITIZEN,
        text="Laporan Anda sudah diteruskan.",
        status=OutboundMessage.Status.SENT,
        provider_message_id=wamid,
    )


def test_status_callbacks_update_the_sent_message(client, whatsapp):
    delivered = outbound("wamid.HBgNNjI4MTIzNDU2NzAwMRUCABEYEjQ0QkE4RDM3QjE5QzhGRjZFOAA=")
    failed = outbound("wamid.HBgNNjI4MTIzNDU2NzAwMRUCABEYEjk5QkE4RDM3QjE5QzhGRjZFOAA=")
    other = outbound("wamid.lain")
    assert deliver(client, payload("status_delivered")).status_code == 200
    assert deliver(client, payload("status_failed")).status_code == 200
    delivered.refresh_from_db(), failed.refresh_from_db(), other.refresh_from_db()
    assert delivered.status == OutboundMessage.Status.DELIVERED
    assert failed.status == OutboundMessage.Status.FAILED
    assert "131026" in failed.last_error and "Message undeliverable" in failed.last_error
    assert other.status == OutboundMessage.Status.SENT
    assert not InboundMessage.objects.exists()


# --- the Graph API: media and sending ---------------------------------------------------------------------------


def graph_media(recorder, media_id: str, content: bytes, content_type: str = "image/jpeg"):
    """The two documented steps: ``GET /{media-id}`` answers the media URL, which then serves the bytes."""
    media_url = f"{recorder.url}/whatsapp/media/?mid={media_id}&ext=1732352460"
    recorder.answer(
        f"/v21.0/{media_id}",
        200,
        {
            "messaging_product": "whatsapp",
            "url": media_url,
            "mime_type": content_type,
            "sha256": hashlib.sha256(content).hexdigest(),
            "file_size": str(len(content)),
            "id": media_id,
        },
    )
    recorder.answer("/whatsapp/media/", 200, content, content_type)


def test_fetch_media_downloads_with_the_access_token(whatsapp):
    from layan.channels.contract import Media
    from layan.channels.registry import get_provider

    picture = jpeg()
    graph_media(whatsapp, "1003383421387256", picture)
    media = get_provider("whatsapp").fetch_media(Media(provider_id="1003383421387256"))
    assert media.content == picture
    assert media.content_type == "image/jpeg"
    lookup, download = whatsapp.requests
    assert (lookup.method, lookup.path) == ("GET", "/v21.0/1003383421387256")
    assert download.path.startswith("/whatsapp/media/?mid=1003383421387256")
    assert lookup.headers["Authorization"] == download.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_fetch_media_refuses_a_file_larger_than_an_attachment(whatsapp, settings):
    from layan.channels.contract import Media

    settings.LAYAN_ATTACHMENT_MAX_BYTES = 100
    graph_media(whatsapp, "77", b"x" * 101)
    provider = WhatsAppProvider(settings.LAYAN_CHANNELS["whatsapp"])
    with pytest.raises(SendError) as error:
        provider.fetch_media(Media(provider_id="77"))
    assert error.value.retry is False


def test_send_posts_the_documented_text_message(whatsapp, settings):
    provider = WhatsAppProvider(settings.LAYAN_CHANNELS["whatsapp"])
    wamid = provider.send(Outbound(channel="whatsapp", to=CITIZEN, text="Laporan LYN-2411-0001 sudah diterima."))
    assert wamid == "wamid.balasan-1"
    (sent,) = whatsapp.requests
    assert (sent.method, sent.path) == ("POST", f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert sent.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567001",
        "type": "text",
        "text": {"preview_url": False, "body": "Laporan LYN-2411-0001 sudah diterima."},
    }


def test_send_splits_a_long_text(whatsapp, settings):
    provider = WhatsAppProvider(settings.LAYAN_CHANNELS["whatsapp"])
    text = " ".join(f"kata{i:04d}" for i in range(1000))  # 8999 characters
    provider.send(Outbound(channel="whatsapp", to=CITIZEN, text=text))
    bodies = [r.json()["text"]["body"] for r in whatsapp.requests]
    assert len(bodies) == 3
    assert all(len(body) <= 4096 for body in bodies)
    assert " ".join(bodies) == text


@pytest.mark.parametrize(
    ("status", "code", "retry"),
    [
        (400, 131026, False),  # message undeliverable
        (400, 131047, False),  # more than 24 hours since the citizen last wrote
        (401, 190, False),  # access token expired
        (400, 130429, True),  # throughput rate limit
        (400, 131056, True),  # pair rate limit
        (500, 131000, True),  # something went wrong
        (503, None, True),
    ],
)
def test_send_errors_say_whether_to_retry(whatsapp, settings, status, code, retry):
    error = {"message": f"(#{code}) Galat uji", "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}
    whatsapp.responses.clear()
    whatsapp.answer(f"/v21.0/{PHONE_NUMBER_ID}/messages", status, {"error": error} if code else "Service Unavailable")
    provider = WhatsAppProvider(settings.LAYAN_CHANNELS["whatsapp"])
    with pytest.raises(SendError) as raised:
        provider.send(Outbound(channel="whatsapp", to=CITIZEN, text="Halo"))
    assert raised.value.retry is retry
    assert raised.value.status == status
    if code:
        assert str(code) in raised.value.message


def test_send_to_an_unreachable_api_is_retried(settings):
    config = whatsapp_config("http://127.0.0.1:9")  # the discard port: nothing listens
    with pytest.raises(SendError) as raised:
        WhatsAppProvider(config).send(Outbound(channel="whatsapp", to=CITIZEN, text="Halo"))
    assert raised.value.retry is True


def test_send_refuses_an_address_that_is_not_a_number(whatsapp, settings):
    with pytest.raises(SendError) as raised:
        WhatsAppProvider(settings.LAYAN_CHANNELS["whatsapp"]).send(Outbound(channel="whatsapp", to="budi", text="x"))
    assert raised.value.retry is False
    assert not whatsapp.requests


# --- through a real server process: payloads in, report made, replies out ------------------------------------------


@pytest.fixture
def layan_server_env(provider_api):
    """The server process's WhatsApp settings (through the environment, as in a deployment): the recorder is its
    Graph API."""
    provider_api.answer(f"/v21.0/{PHONE_NUMBER_ID}/messages", 200, sent_answer("wamid.balasan-1"))
    return {
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_GRAPH_URL": f"{provider_api.url}/v21.0",
    }


def post(server: str, body: bytes, *, sign: str | None = None):
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign if sign is not None else signature(body)}
    return requests.post(f"{server}{URL}", data=body, headers=headers, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_guided_report_through_the_running_server(layan_server, provider_api, demo_agencies):
    """Meta verifies the URL, then: text, location, photo, YA (delivered twice), a forged request, a broken one
    and a status callback. One report with the photo; every reply POSTed to the Graph API messages endpoint."""
    from layan.reports.models import Report

    handshake = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    answer = requests.get(f"{layan_server}{URL}", params=handshake, timeout=30)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    graph_media(provider_api, "1003383421387256", jpeg())
    for name in ("text", "location", "image", "button_reply", "button_reply"):  # the last: a redelivered YA
        assert post(layan_server, payload(name)).status_code == 200
    assert post(layan_server, payload("text"), sign=signature(payload("text"), "tebakan")).status_code == 403
    broken = post(layan_server, b'{"object": "whatsapp_business_account", "entry": [')
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "malformed_payload"

    report = Report.objects.get()
    assert report.channel == Report.Channel.WHATSAPP
    assert report.description.startswith("Jalan di depan SDN Kertajaya 3 berlubang besar")
    assert (float(report.latitude), float(report.longitude)) == (-7.28197, 112.779935)
    assert report.region_id == "35.78.08.1001"  # Gubeng, named in the shared location's address
    assert report.reporter.phone == CITIZEN
    assert report.attachments.get().content_type == "image/jpeg"
    assert InboundMessage.objects.count() == 4
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {InboundMessage.Status.HANDLED}
    statuses = sorted(InboundRequest.objects.values_list("status", flat=True))
    assert statuses == ["malformed"] + ["processed"] * 5 + ["rejected"]
    lookup = provider_api.to("/v21.0/1003383421387256")
    assert lookup and lookup[0].headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    replies = provider_api.to(f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert len(replies) == 4  # where? photo? summary + confirm, tracking number
    assert {r.headers["Authorization"] for r in replies} == {f"Bearer {ACCESS_TOKEN}"}
    assert {r.json()["to"] for r in replies} == {"6281234567001"}
    assert report.tracking_number in replies[-1].json()["text"]["body"]

    last = OutboundMessage.objects.get(text__contains=report.tracking_number)
    assert (last.status, last.provider_message_id) == (OutboundMessage.Status.SENT, "wamid.balasan-1")
    delivered = payload("status_delivered").replace(
        b"wamid.HBgNNjI4MTIzNDU2NzAwMRUCABEYEjQ0QkE4RDM3QjE5QzhGRjZFOAA=", b"wamid.balasan-1"
    )
    assert post(layan_server, delivered).status_code == 200
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.DELIVERED).count() == 4
