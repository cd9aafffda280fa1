"""Twilio SMS: Twilio's documented webhook requests (tests/payloads/sms_twilio_*) fed into the webhook endpoint,
and the REST API calls Layan makes, recorded by the local ``provider_api`` server.

Every signature here is computed by Twilio's own ``twilio.request_validator.RequestValidator`` (the ``twilio``
package, a test dependency), independently of the provider module."""

import base64
import io
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from PIL import Image
from twilio.request_validator import RequestValidator

from layan.channels.contract import Media, Outbound, SendError
from layan.channels.models import InboundMedia, InboundMessage, InboundRequest, OutboundMessage
from layan.channels.providers import sms
from layan.channels.providers.twilio import EMPTY_TWIML, TwilioProvider

EXCERPT = 256  # LAYAN_CHANNEL_REJECTED_EXCERPT: a refused request keeps its first bytes only

PAYLOADS = Path(__file__).parent / "payloads"
PATH = "/kanal/twilio/webhook/"
ACCOUNT_SID = "AC5ef872f6da5a21de157d80997a64bd33"
AUTH_TOKEN = "9f2c6b1e8d4a7c3f5e0b2d9a6c4e8f17"
FROM_NUMBER = "+14155238886"
CITIZEN = "+6281234567001"
MESSAGES = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


def payload(name: str, api_url: str | None = None) -> bytes:
    """A documented request body; its media URLs point at ``api_url`` (the recorder) instead of api.twilio.com."""
    body = (PAYLOADS / f"sms_twilio_{name}").read_bytes().strip()
    if api_url:
        body = body.replace(b"https%3A%2F%2Fapi.twilio.com", urlencode({"": api_url})[1:].encode())
    return body


def params(body: bytes) -> dict:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def sign(url: str, body: bytes, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params(body))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (30, 200, 30)).save(out, "JPEG")
    return out.getvalue()


def twilio_config(api_url: str, **changes) -> dict:
    config = {
        "enabled": True,
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "from_number": FROM_NUMBER,
        "api_url": api_url,
        "webhook_url": "",
    }
    return {**config, **changes}


@pytest.fixture
def twilio(settings, provider_api):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "twilio": twilio_config(provider_api.url)}
    settings.LAYAN_CHANNEL_SENDERS = {**settings.LAYAN_CHANNEL_SENDERS, "sms": "twilio"}
    settings.LAYAN_PUBLIC_URL = "https://lapor.example.go.id"
    provider_api.answer(MESSAGES, 201, (PAYLOADS / "sms_twilio_sent.json").read_bytes())
    return provider_api


def deliver(client, body: bytes, *, signature: str | None = None, url: str = f"http://testserver{PATH}"):
    headers = {"X-Twilio-Signature": signature if signature is not None else sign(url, body)}
    return client.post(PATH, body, content_type="application/x-www-form-urlencoded", headers=headers)


# --- signature ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forge",
    [
        lambda body: ("", body),  # no signature at all
        lambda body: (sign(f"http://testserver{PATH}", body, token="token-lain"), body),
        lambda body: (sign(f"http://testserver{PATH}", body), body.replace(b"lampu", b"LAMPU")),  # body changed
        lambda body: (sign("http://testserver/kanal/sms/webhook/", body), body),  # signed for another URL
        lambda body: (sign(f"http://testserver{PATH}", body).lower(), body),
    ],
)
def test_a_bad_signature_is_refused_and_kept(client, twilio, forge, caplog):
    signature, body = forge(payload("inbound.txt"))
    response = deliver(client, body, signature=signature)
    assert response.status_code == 403
    raw = InboundRequest.objects.get()
    assert (raw.status, bytes(raw.body)) == (InboundRequest.Status.REJECTED, body[:EXCERPT])  # short (issue 15)
    assert not InboundMessage.objects.exists()
    assert "refused request" in caplog.text


@pytest.mark.django_db
def test_everything_is_refused_when_no_auth_token_is_configured(client, settings, provider_api):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "twilio": twilio_config(provider_api.url, auth_token="")}
    body = payload("inbound.txt")
    assert deliver(client, body, signature=sign(f"http://testserver{PATH}", body, token="")).status_code == 403


@pytest.mark.django_db
def test_behind_a_proxy_the_configured_public_url_is_what_twilio_signed(client, settings, twilio):
    public = "https://lapor.example.go.id/kanal/twilio/webhook/"
    settings.LAYAN_CHANNELS["twilio"]["webhook_url"] = public
    body = payload("inbound.txt")
    assert deliver(client, body, signature=sign(f"http://testserver{PATH}", body)).status_code == 403
    assert deliver(client, body, signature=sign(public, body)).status_code == 200
    # Twilio's back end sometimes signs the URL with the scheme's port: accepted as its validator does
    with_port = sign("https://lapor.example.go.id:443/kanal/twilio/webhook/", body)
    assert deliver(client, body, signature=with_port).status_code == 200


@pytest.mark.django_db
def test_the_query_string_is_part_of_the_signed_url(client, twilio):
    body = payload("status_delivered.txt")
    url = f"http://testserver{PATH}?kind=status"
    response = client.post(
        f"{PATH}?kind=status",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": sign(url, body)},
    )
    assert response.status_code == 200
    wrong = client.post(
        f"{PATH}?kind=other",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": sign(url, body)},
    )
    assert wrong.status_code == 403


# --- malformed requests -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda p: {k: v for k, v in p.items() if k not in ("MessageSid", "SmsMessageSid", "SmsSid")},
        lambda p: {k: v for k, v in p.items() if k != "From"},
        lambda p: {**p, "From": "whatsapp:+6281234567001"},
        lambda p: {**p, "NumMedia": "dua"},
        lambda p: {**p, "NumMedia": "1"},  # no MediaUrl0
        lambda p: {**p, "NumMedia": "99"},
    ],
)
def test_a_malformed_request_gets_400_and_is_kept(client, twilio, change):
    body = urlencode(change(params(payload("inbound.txt")))).encode()
    response = deliver(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_payload"
    raw = InboundRequest.objects.get()
    assert (raw.status, bytes(raw.body)) == (InboundRequest.Status.MALFORMED, body)
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_json_body_is_not_a_twilio_sms_webhook(client, twilio):
    body = b'{"MessageSid": "SM1", "From": "+6281234567001", "Body": "x"}'
    url = f"http://testserver{PATH}"
    response = client.post(PATH, body, content_type="application/json", headers={"X-Twilio-Signature": sign(url, b"")})
    assert response.status_code == 400
    assert InboundRequest.objects.get().status == InboundRequest.Status.MALFORMED


# --- incoming messages and status callbacks ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_sms_is_recorded_once_even_when_delivered_twice(client, twilio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        first = deliver(client, payload("inbound.txt"))
        assert deliver(client, payload("inbound.txt")).status_code == 200
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/xml")
    assert first.content.decode() == EMPTY_TWIML
    assert InboundRequest.objects.count() == 2
    message = InboundMessage.objects.get()
    assert (message.provider, message.channel) == ("twilio", "sms")
    assert (message.external_id, message.sender) == ("SM1f0e8ae6ade43cb3c0ce4525424e404f", CITIZEN)
    assert message.text == "LAPOR Jl Kenjeran 12#lampu jalan mati"
    assert len(queued) == 1


@pytest.mark.django_db
def test_an_mms_names_each_picture_by_its_url(client, twilio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver(client, payload("mms.txt")).status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "Tiang lampunya yang ini"
    media = list(InboundMedia.objects.order_by("pk").values_list("content_type", "url", "name"))
    base = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM8f3a1c2b4d5e6f708192a3b4c5d6e7f8/Media"
    assert media == [
        ("image/jpeg", f"{base}/ME27be8a6d5c4f3e2d1c0b9a8f7e6d5c4b", "ME27be8a6d5c4f3e2d1c0b9a8f7e6d5c4b.jpg"),
        ("application/pdf", f"{base}/ME38cf9b7e6d5c4f3e2d1c0b9a8f7e6d5c", "ME38cf9b7e6d5c4f3e2d1c0b9a8f7e6d5c.pdf"),
    ]


@pytest.mark.django_db
def test_status_callbacks_update_the_message_sent(client, twilio):
    sent = OutboundMessage.objects.create(
        provider="twilio",
        channel="sms",
        to=CITIZEN,
        text="Laporan Anda sudah diterima.",
        status=OutboundMessage.Status.SENT,
        provider_message_id="SM9a8b7c6d5e4f30211a2b3c4d5e6f7081",
    )
    response = deliver(client, payload("status_delivered.txt"))
    assert (response.status_code, response.content.decode()) == (200, EMPTY_TWIML)
    sent.refresh_from_db()
    assert sent.status == OutboundMessage.Status.DELIVERED
    assert deliver(client, payload("status_undelivered.txt")).status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.last_error) == (OutboundMessage.Status.FAILED, "Twilio 30003")
    assert not InboundMessage.objects.exists()


# --- the REST API: media and sending ------------------------------------------------------------------------------


def test_fetch_media_downloads_with_the_account_credentials(twilio, settings):
    picture = jpeg()
    media_path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1"
    twilio.answer(media_path, 200, picture, "image/jpeg")
    provider = TwilioProvider(settings.LAYAN_CHANNELS["twilio"])
    media = provider.fetch_media(Media(content_type="image/jpeg", url=f"{twilio.url}{media_path}"))
    assert (media.content, media.content_type) == (picture, "image/jpeg")
    (download,) = twilio.requests
    assert (download.method, download.path, download.headers["Authorization"]) == ("GET", media_path, BASIC)


def test_send_creates_a_message_resource_with_basic_auth(twilio, settings):
    provider = TwilioProvider(settings.LAYAN_CHANNELS["twilio"])
    sid = provider.send(Outbound(channel="sms", to="081234567001", text="Laporan Anda sudah diterima."))
    assert sid == "SM9a8b7c6d5e4f30211a2b3c4d5e6f7081"
    (sent,) = twilio.requests
    assert (sent.method, sent.path) == ("POST", MESSAGES)
    assert sent.headers["Authorization"] == BASIC
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.form() == {"To": CITIZEN, "From": FROM_NUMBER, "Body": "Laporan Anda sudah diterima."}


def test_a_long_reply_is_one_body_fitted_to_the_cap_keeping_the_link(twilio, settings):
    link = "https://lapor.example.go.id/lacak/K7QM-3XPA/3f9c2a7d1e8b4c6f9a0d2e4b6c8a1f3e/"
    text = "Laporan K7QM-3XPA: Selesai\n" + "Lampu jalan sudah diganti oleh petugas. " * 40 + "\n" + link
    TwilioProvider({**settings.LAYAN_CHANNELS["twilio"], "max_segments": 4}).send(
        Outbound(channel="sms", to=CITIZEN, text=text)
    )
    body = twilio.requests[0].form()["Body"]
    assert "(1/" not in body  # Twilio concatenates the parts itself: no numbering
    assert sms.segment_count(body) == 4
    assert body.startswith("Laporan K7QM-3XPA: Selesai\n")
    assert body.endswith("...\n" + link)


@pytest.mark.parametrize(
    ("status", "answer", "retry", "code"),
    [
        (400, (PAYLOADS / "sms_twilio_error_21211.json").read_text(), False, "21211"),
        (
            400,
            {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400},
            False,
            "21610",
        ),
        (401, {"code": 20003, "message": "Authenticate", "status": 401}, False, "20003"),
        (429, {"code": 20429, "message": "Too Many Requests", "status": 429}, True, "20429"),
        (503, "Service Unavailable", True, "503"),
    ],
)
def test_send_errors_say_whether_to_retry(twilio, settings, status, answer, retry, code):
    twilio.responses.clear()
    twilio.answer(MESSAGES, status, answer)
    with pytest.raises(SendError) as raised:
        TwilioProvider(settings.LAYAN_CHANNELS["twilio"]).send(Outbound(channel="sms", to=CITIZEN, text="x"))
    assert (raised.value.retry, raised.value.status) == (retry, status)
    assert f"Twilio {code}" in raised.value.message
    assert AUTH_TOKEN not in raised.value.message


def test_send_without_credentials_is_not_retried():
    with pytest.raises(SendError) as raised:
        TwilioProvider({"api_url": "http://127.0.0.1:9"}).send(Outbound(channel="sms", to=CITIZEN, text="x"))
    assert raised.value.retry is False


# --- the whole conversation ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feature_phone_report_with_a_picture_over_twilio(
    client, twilio, demo_agencies, django_capture_on_commit_callbacks
):
    """An MMS ``LAPOR lokasi#isi`` with a photo makes one report with the photo (its redelivery nothing more);
    the reply with the tracking number goes out through the Messages resource; its status callback lands on it."""
    from layan.reports.models import Report

    pairs = params(payload("mms.txt", twilio.url))
    pairs.update(Body="LAPOR Jl Kenjeran 12#lampu jalan mati", NumMedia="1")
    body = urlencode(pairs).encode()
    media_path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM8f3a1c2b4d5e6f708192a3b4c5d6e7f8/Media/"
    twilio.answer(media_path, 200, jpeg(), "image/jpeg")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver(client, body).status_code == 200
    report = Report.objects.get()
    assert (report.channel, report.description, report.region.name) == ("sms", "lampu jalan mati", "Kenjeran")
    assert report.reporter.phone == CITIZEN
    assert report.attachments.get().content_type == "image/jpeg"
    (download,) = twilio.to(media_path)
    assert download.headers["Authorization"] == BASIC
    (reply,) = twilio.to(MESSAGES)
    assert reply.form()["To"] == CITIZEN
    assert report.tracking_number in reply.form()["Body"]
    deliver(client, payload("status_delivered.txt"))
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.DELIVERED


# --- the same through a running server --------------------------------------------------------------------------------


@pytest.fixture
def layan_server_env(provider_api):
    """Twilio's settings of the ``layan_server`` process, through its environment; SMS replies go out by Twilio."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_URL": provider_api.url,
        "TWILIO_WEBHOOK_URL": "",
        "SMS_SENDER": "twilio",
    }


@pytest.mark.django_db(transaction=True)
def test_a_running_server_takes_twilio_webhooks(layan_server, provider_api, demo_agencies):
    """Twilio's requests, signed by Twilio's validator for the server's own URL, posted over HTTP to Layan running
    as a server process: a forged one refused, an MMS report delivered twice made once with its photo, the reply
    sent through the Messages resource, and that reply's status callback applied."""
    import requests

    from layan.reports.models import Report

    provider_api.answer(MESSAGES, 201, (PAYLOADS / "sms_twilio_sent.json").read_bytes())
    media_path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM8f3a1c2b4d5e6f708192a3b4c5d6e7f8/Media/"
    provider_api.answer(media_path, 200, jpeg(), "image/jpeg")
    url = f"{layan_server}{PATH}"

    def post(body: bytes, signature: str | None = None) -> requests.Response:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature if signature is not None else sign(url, body),
        }
        return requests.post(url, data=body, headers=headers, timeout=30)

    pairs = params(payload("mms.txt", provider_api.url))
    pairs.update(Body="LAPOR Jl Kenjeran 12#lampu jalan mati", NumMedia="1")
    report_sms = urlencode(pairs).encode()
    assert post(report_sms, signature=sign(url, report_sms, token="token-lain")).status_code == 403
    malformed = urlencode({**pairs, "NumMedia": "dua"}).encode()
    assert post(malformed).status_code == 400
    for _ in range(2):
        answer = post(report_sms)
        assert (answer.status_code, answer.text) == (200, EMPTY_TWIML)
        assert answer.headers["Content-Type"].startswith("text/xml")

    report = Report.objects.get()
    assert (report.channel, report.description, report.region.name) == ("sms", "lampu jalan mati", "Kenjeran")
    assert report.reporter.phone == CITIZEN
    assert report.attachments.get().content_type == "image/jpeg"
    assert [d.headers["Authorization"] for d in provider_api.to(media_path)] == [BASIC]
    (reply,) = provider_api.to(MESSAGES)
    assert reply.headers["Authorization"] == BASIC
    assert (reply.form()["To"], reply.form()["From"]) == (CITIZEN, FROM_NUMBER)
    assert report.tracking_number in reply.form()["Body"]

    assert post(payload("status_delivered.txt")).status_code == 200
    outbound = OutboundMessage.objects.get()
    assert (outbound.provider, outbound.status) == ("twilio", OutboundMessage.Status.DELIVERED)
    statuses = list(InboundRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["rejected", "malformed", "processed", "processed", "processed"]
