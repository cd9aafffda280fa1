"""SMS through a generic HTTP gateway: segmentation (GSM 03.38), the gateway's callbacks (form and JSON,
tests/payloads/sms_gateway_*) fed into the webhook endpoint, and the gateway calls Layan makes, recorded by the
local ``provider_api`` server."""

import json
from pathlib import Path

import pytest

from layan.channels.contract import MalformedPayload, Outbound, SendError
from layan.channels.models import InboundMessage, InboundRequest, OutboundMessage
from layan.channels.providers import sms
from layan.channels.providers.sms import GenericSmsProvider
from layan.reports.tests.links import working_reporter_link_in

EXCERPT = 256  # LAYAN_CHANNEL_REJECTED_EXCERPT: a refused request keeps its first bytes only

PAYLOADS = Path(__file__).parent / "payloads"
URL = "/kanal/sms/webhook/"
SECRET = "rahasia-gateway-sms"
SEND_TOKEN = "token-kirim-sms"
LINK = "https://lapor.example.go.id/lacak/K7QM-3XPA/3f9c2a7d1e8b4c6f9a0d2e4b6c8a1f3e/"


def payload(name: str) -> bytes:
    return (PAYLOADS / f"sms_{name}").read_bytes().strip()


def gateway_config(api_url: str, **changes) -> dict:
    config = {
        "enabled": True,
        "inbound_secret": SECRET,
        "send_url": f"{api_url}/api/sms/send",
        "send_token": SEND_TOKEN,
        "sender_id": "LAYAN",
    }
    return {**config, **changes}


@pytest.fixture
def gateway(settings, provider_api):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "sms": gateway_config(provider_api.url)}
    settings.LAYAN_CHANNEL_SENDERS = {**settings.LAYAN_CHANNEL_SENDERS, "sms": "sms"}
    settings.LAYAN_PUBLIC_URL = "https://lapor.example.go.id"
    provider_api.answer("/api/sms/send", 200, {"status": "queued", "message_id": "gw-out-1"})
    return provider_api


def deliver_form(client, body: bytes, *, token: str | None = SECRET):
    headers = {"X-Layan-Token": token} if token is not None else {}
    return client.post(URL, body, content_type="application/x-www-form-urlencoded", headers=headers)


def deliver_json(client, body, *, token: str | None = SECRET):
    body = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


# --- segmentation ---------------------------------------------------------------------------------------------------


def test_the_gsm_03_38_tables():
    """128 basic positions less the escape to the extension table; ten extension characters."""
    assert len(sms.GSM7_BASIC) == 127
    assert len(sms.GSM7_EXTENSION) == 10
    assert not sms.GSM7_BASIC & sms.GSM7_EXTENSION
    assert "\x1b" not in sms.GSM7_BASIC and "`" not in sms.GSM7_BASIC and "$" in sms.GSM7_BASIC


@pytest.mark.parametrize(
    ("text", "coding", "size"),
    [
        ("Lampu jalan mati di Jl. Kenjeran 12, sudah 3 hari.", sms.GSM7, 50),
        ("Biaya Rp50.000 @ loket: 100% pungli? #tolak", sms.GSM7, 43),
        ("Harga [€5] {x} ~ ^ | \\", sms.GSM7, 22 + 9),  # nine extension characters count twice
        ("Jalan rusak 🚧", sms.UCS2, 14),  # an emoji outside the BMP: two UCS-2 units
        ("Terima kasih 🙏🏽", sms.UCS2, 17),  # emoji plus skin tone modifier: four units
        ("Façade", sms.UCS2, 6),  # ç is not GSM-7 (only Ç is)
        ("Ibu Siti ’lapor’", sms.UCS2, 16),
    ],
)
def test_encoding_and_units(text, coding, size):
    assert sms.encoding(text) == coding
    assert sms.units(text) == size


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("{" * 80, 1),  # 160 septets
        ("{" * 81, 2),
        ("é" * 160, 1),  # é is in the GSM 03.38 basic table
        ("ą" * 70, 1),  # UCS-2: 70 per single SMS
        ("ą" * 71, 2),
        ("🚧" * 35, 1),  # 70 units
        ("🚧" * 36, 2),
        ("a" * 153 * 3, 3),
        ("a" * (153 * 3 + 1), 4),
        ("a" * 152 + "€" + "a" * 152, 3),  # the escape and the euro sign are never split across two parts
    ],
)
def test_segment_count_as_the_network_bills(text, parts):
    assert sms.segment_count(text) == parts


def test_a_short_reply_is_one_sms_without_numbering():
    text = "Terima kasih. Laporan Anda tercatat dengan nomor K7QM-3XPA."
    assert sms.split(text) == [text]


def test_long_gsm7_reply_is_numbered_parts_of_at_most_153_cut_between_words():
    words = "Petugas Dinas Sumber Daya Air dan Bina Marga sudah meninjau lokasi".split()
    text = " ".join(words * 6)  # 402 characters
    parts = sms.split(text)
    assert len(parts) == 3
    assert [p[:6] for p in parts] == ["(1/3) ", "(2/3) ", "(3/3) "]
    assert all(sms.units(p) <= 153 for p in parts)
    assert " ".join(p[6:] for p in parts) == text  # nothing lost, no word cut in two


def test_ucs2_reply_is_split_in_67_units_and_never_inside_an_emoji():
    text = " ".join(["Jalan 🚧 rusak parah"] * 12)
    parts = sms.split(text)
    assert len(parts) == 5
    assert all(sms.encoding(p) == sms.UCS2 and sms.units(p) <= 67 for p in parts)
    assert "".join(p.split(") ", 1)[1] for p in parts).count("🚧") == 12


def test_extension_characters_count_twice_when_splitting():
    text = " ".join(["{a}"] * 60)  # 239 characters, 359 septets
    parts = sms.split(text)
    assert all(sms.units(p) <= 153 for p in parts)
    assert len(parts) == 3


def test_the_numbering_prefix_grows_with_ten_or_more_parts():
    text = " ".join(["kata"] * 400)
    parts = sms.split(text)
    assert len(parts) >= 10
    assert parts[0].startswith(f"(1/{len(parts)}) ")
    assert parts[9].startswith(f"(10/{len(parts)}) ")
    assert all(sms.units(p) <= 153 for p in parts)


def test_segments_cap_keeps_the_tracking_number_and_the_link():
    note = "Petugas sudah meninjau lokasi dan akan memperbaiki lampu jalan minggu depan. " * 20
    text = f"Laporan K7QM-3XPA: Sedang ditindaklanjuti\n{note}\n{LINK}"
    parts = sms.segments(text, 6)
    assert len(parts) == 6
    assert all(sms.encoding(p) == sms.GSM7 and sms.units(p) <= 153 for p in parts)
    assert "K7QM-3XPA" in parts[0]
    assert parts[-1].endswith(LINK)
    assert "...\n" in parts[-1]  # three dots: the ellipsis character would make the whole reply UCS-2


def test_segments_cap_brings_back_a_tracking_number_that_was_cut():
    help_link = "https://lapor.example.go.id/bantuan/"
    text = "Pembaruan laporan. " * 60 + "Nomor laporan Anda K7QM-3XPA, bantuan di " + help_link
    (only,) = sms.segments(text, 1)
    assert sms.units(only) <= 160
    assert only.startswith("Pembaruan laporan. Pembaruan")
    assert only.endswith(f"...\nK7QM-3XPA {help_link}")
    assert "...." not in only


def test_each_part_has_the_room_of_its_own_encoding():
    """An emoji in the citizen's words makes its part UCS-2 (67 units); the link's part stays GSM-7 (153), so the
    link is not cut in pieces that no phone would put back together."""
    text = "Terima kasih 🙏 " + "lampu jalan sudah diperbaiki " * 20 + LINK
    parts = sms.segments(text, 3)
    assert len(parts) == 3
    assert (sms.encoding(parts[0]), sms.encoding(parts[-1])) == (sms.UCS2, sms.GSM7)
    assert all(sms.units(p) <= (67 if sms.encoding(p) == sms.UCS2 else 153) for p in parts)
    assert parts[-1].endswith("...\n" + LINK)


def test_typographic_punctuation_does_not_force_ucs2():
    text = "Laporan “lampu mati” – sudah ditinjau… Terima kasih, Bu Siti’s"
    (only,) = sms.segments(text, 6)
    assert only == 'Laporan "lampu mati" - sudah ditinjau... Terima kasih, Bu Siti\'s'
    assert sms.encoding(only) == sms.GSM7


def test_max_length_is_what_the_cap_can_carry():
    assert GenericSmsProvider({}).max_length() == 6 * (153 - 6)
    assert GenericSmsProvider({"max_segments": 1}).max_length() == 160
    assert GenericSmsProvider({"max_segments": 12}).max_length() == 12 * (153 - 8)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("14155238886", "+14155238886"),
        ("(031) 5312144", "+62315312144"),
    ],
)
def test_numbers_are_normalised_to_e164(raw, number):
    assert sms.e164(raw) == number


@pytest.mark.parametrize("raw", ["", "LAYAN", "12", "+62"])
def test_a_sender_that_is_no_phone_number_is_malformed(raw):
    with pytest.raises(MalformedPayload):
        sms.e164(raw)


# --- the gateway's callbacks --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Layan-Token": "salah"},
        {"X-Layan-Token": SECRET + "x"},
        {"Authorization": f"Basic {SECRET}"},
        {"Authorization": "Bearer salah"},
    ],
)
def test_a_wrong_or_missing_token_is_refused_and_kept(client, gateway, headers, caplog):
    body = payload("gateway_form.txt")
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded", headers=headers)
    assert response.status_code == 403
    raw = InboundRequest.objects.get()
    assert (raw.status, bytes(raw.body)) == (InboundRequest.Status.REJECTED, body[:EXCERPT])  # short (issue 15)
    assert not InboundMessage.objects.exists()
    assert "refused request" in caplog.text


@pytest.mark.django_db
def test_everything_is_refused_when_no_secret_is_configured(client, settings, provider_api):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "sms": gateway_config(provider_api.url, inbound_secret="")}
    assert deliver_form(client, payload("gateway_form.txt"), token="").status_code == 403
    assert InboundRequest.objects.get().status == InboundRequest.Status.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"from": "081234567002", "text": ', "application/json"),
        (b'{"text": "tanpa pengirim", "id": "1"}', "application/json"),
        (b'{"from": "081234567002", "id": "1"}', "application/json"),
        (b'{"from": "081234567002", "text": 42, "id": "1"}', "application/json"),
        (b'{"from": "LAYAN", "text": "promo", "id": "1"}', "application/json"),
        (b'{"from": "081234567002", "text": "x", "timestamp": "kemarin"}', "application/json"),
        (b"[]", "application/json"),
        (b'["teks"]', "application/json"),
        (b"", "application/x-www-form-urlencoded"),
        (b"to=LAYAN&text=tanpa+pengirim", "application/x-www-form-urlencoded"),
    ],
)
def test_a_malformed_callback_gets_400_and_is_kept(client, gateway, body, content_type):
    response = client.post(URL, body, content_type=content_type, headers={"X-Layan-Token": SECRET})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_payload"
    raw = InboundRequest.objects.get()
    assert (raw.status, bytes(raw.body)) == (InboundRequest.Status.MALFORMED, body)
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_form_callback_is_recorded_once_even_when_delivered_twice(client, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert deliver_form(client, payload("gateway_form.txt")).status_code == 200
        assert deliver_form(client, payload("gateway_form.txt")).status_code == 200
    assert InboundRequest.objects.count() == 2
    message = InboundMessage.objects.get()
    assert (message.provider, message.channel, message.external_id) == ("sms", "sms", "gw-20241123-000142")
    assert (message.sender, message.text) == ("+6281234567002", "STATUS K7QM-3XPA")
    assert message.parsed["sent_at"] == "2024-11-23T09:00:00+00:00"
    assert len(queued) == 1


@pytest.mark.django_db
def test_json_callback_with_other_field_names_and_a_bearer_token(client, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert deliver_json(client, payload("gateway_json.json")).status_code == 200
    message = InboundMessage.objects.get()
    assert (message.external_id, message.sender) == ("b6f0c1de-6a51-4f0e-9d3c-1f7e2a9c4d21", "+6281234567002")
    assert message.text == "LAPOR Jl Kenjeran 12#lampu jalan mati"
    assert message.parsed["sent_at"] == "2024-11-23T16:00:00+07:00"


@pytest.mark.django_db
def test_a_batch_of_messages_in_one_callback(client, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert deliver_json(client, payload("gateway_batch.json")).status_code == 200
    rows = list(InboundMessage.objects.order_by("external_id").values_list("external_id", "sender", "text"))
    assert rows == [
        ("420001", "+6281234567003", "Jalan berlubang di depan pasar"),
        ("420002", "+6281234567003", "Di Jl. Bubutan 3"),
    ]
    assert len(queued) == 2


@pytest.mark.django_db
def test_without_an_id_the_timestamp_makes_a_redelivery_recognisable(
    client, gateway, django_capture_on_commit_callbacks
):
    sent = {"from": "081234567002", "text": "YA", "timestamp": 1732352400}
    later = {**sent, "timestamp": 1732352999}
    with django_capture_on_commit_callbacks():
        for body in (sent, sent, later):
            assert deliver_json(client, body).status_code == 200
    ids = list(InboundMessage.objects.values_list("external_id", flat=True))
    assert len(ids) == 2
    assert all(i.startswith("sha256-") for i in ids)


@pytest.mark.django_db
def test_without_an_id_nor_a_timestamp_every_callback_is_a_new_message(
    client, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        for _ in range(2):
            assert deliver_json(client, {"from": "081234567002", "text": "YA"}).status_code == 200
    assert InboundMessage.objects.count() == 2


# --- sending through the gateway ----------------------------------------------------------------------------------


def test_send_posts_json_with_the_bearer_token(gateway, settings):
    provider = GenericSmsProvider(settings.LAYAN_CHANNELS["sms"])
    sent_id = provider.send(Outbound(channel="sms", to="+6281234567002", text="Laporan Anda sudah diterima."))
    assert sent_id == "gw-out-1"
    (sent,) = gateway.requests
    assert (sent.method, sent.path) == ("POST", "/api/sms/send")
    assert sent.headers["Authorization"] == f"Bearer {SEND_TOKEN}"
    assert sent.json() == {"to": "+6281234567002", "from": "LAYAN", "text": "Laporan Anda sudah diterima."}


def test_send_posts_one_request_per_numbered_part(gateway, settings):
    provider = GenericSmsProvider({**settings.LAYAN_CHANNELS["sms"], "max_segments": 3})
    text = "Laporan K7QM-3XPA: Selesai\n" + "Lampu jalan sudah diganti oleh petugas. " * 30 + "\n" + LINK
    provider.send(Outbound(channel="sms", to="+6281234567002", text=text))
    texts = [r.json()["text"] for r in gateway.to("/api/sms/send")]
    assert [t[:6] for t in texts] == ["(1/3) ", "(2/3) ", "(3/3) "]
    assert all(sms.units(t) <= 153 for t in texts)
    assert texts[-1].endswith(LINK)


@pytest.mark.parametrize(("status", "retry"), [(500, True), (503, True), (429, True), (400, False), (401, False)])
def test_send_errors_say_whether_to_retry(gateway, settings, status, retry):
    gateway.responses.clear()
    gateway.answer("/api/sms/send", status, {"error": "gagal"})
    with pytest.raises(SendError) as raised:
        GenericSmsProvider(settings.LAYAN_CHANNELS["sms"]).send(Outbound(channel="sms", to="+6281234567002", text="x"))
    assert (raised.value.retry, raised.value.status) == (retry, status)


def test_send_without_a_send_url_is_not_retried():
    with pytest.raises(SendError) as raised:
        GenericSmsProvider({"send_url": ""}).send(Outbound(channel="sms", to="+6281234567002", text="x"))
    assert raised.value.retry is False


# --- the whole conversation: feature-phone keywords in, report made, replies out --------------------------------------


@pytest.mark.django_db
def test_feature_phone_report_and_status_over_the_gateway(
    client, gateway, demo_agencies, django_capture_on_commit_callbacks
):
    """``LAPOR lokasi#isi`` makes the report at once (its redelivery does not make another); ``STATUS nomor``
    answers with its status; every reply is a POST to the gateway for the citizen's number."""
    from layan.reports.models import Report

    for _ in range(2):  # the gateway delivers the same SMS twice
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver_json(client, payload("gateway_json.json")).status_code == 200
    report = Report.objects.get()
    assert report.channel == Report.Channel.SMS
    assert (report.description, report.address) == ("lampu jalan mati", "Jl Kenjeran 12")
    assert report.region.name == "Kenjeran"
    assert report.reporter.phone == "+6281234567002"
    status_sms = payload("gateway_form.txt").replace(b"K7QM-3XPA", report.tracking_number.encode())
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_form(client, status_sms).status_code == 200
    replies = [r.json() for r in gateway.to("/api/sms/send")]
    assert {(r["to"], r["from"]) for r in replies} == {("+6281234567002", "LAYAN")}
    assert report.tracking_number in replies[0]["text"]
    assert f"Laporan {report.tracking_number}:" in replies[-1]["text"]
    assert all(sms.units(r["text"]) <= 160 for r in replies)
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT, provider="sms").count() == len(replies)


# --- the same through a running server --------------------------------------------------------------------------------


@pytest.fixture
def layan_server_env(provider_api):
    """The generic gateway's settings of the ``layan_server`` process, through its environment."""
    return {
        "SMS_INBOUND_SECRET": SECRET,
        "SMS_SEND_URL": f"{provider_api.url}/api/sms/send",
        "SMS_SEND_TOKEN": SEND_TOKEN,
        "SMS_SENDER_ID": "LAYAN",
        "SMS_SENDER": "sms",
    }


@pytest.mark.django_db(transaction=True)
def test_a_running_server_takes_the_gateway_callbacks(layan_server, provider_api, demo_agencies):
    """Bad token, malformed body, a report sent twice and a status request, posted over HTTP to Layan running as
    a server process; its replies reach the gateway recorder."""
    import requests

    from layan.reports.models import Report

    provider_api.answer("/api/sms/send", 200, {"status": "queued", "message_id": "gw-out-1"})
    url = f"{layan_server}{URL}"
    as_json = {"Content-Type": "application/json"}
    refused = requests.post(
        url, data=payload("gateway_json.json"), headers={**as_json, "X-Layan-Token": "x"}, timeout=30
    )
    assert refused.status_code == 403
    broken = requests.post(url, data=b'{"from": "0812', headers={**as_json, "X-Layan-Token": SECRET}, timeout=30)
    assert (broken.status_code, broken.json()["error"]["code"]) == (400, "malformed_payload")
    for _ in range(2):
        sent = requests.post(
            url, data=payload("gateway_json.json"), headers={**as_json, "Authorization": f"Bearer {SECRET}"}, timeout=30
        )
        assert sent.status_code == 200
    report = Report.objects.get()
    assert (report.channel, report.description, report.region.name) == ("sms", "lampu jalan mati", "Kenjeran")
    status_sms = payload("gateway_form.txt").replace(b"K7QM-3XPA", report.tracking_number.encode())
    form = {"Content-Type": "application/x-www-form-urlencoded", "X-Layan-Token": SECRET}
    assert requests.post(url, data=status_sms, headers=form, timeout=30).status_code == 200

    statuses = list(InboundRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["rejected", "malformed", "processed", "processed", "processed"]
    assert InboundMessage.objects.count() == 2
    replies = provider_api.to("/api/sms/send")
    assert {r.headers["Authorization"] for r in replies} == {f"Bearer {SEND_TOKEN}"}
    texts = [r.json()["text"] for r in replies if r.json()["to"] == "+6281234567002"]
    assert len(texts) == len(replies) >= 2
    assert report.tracking_number in texts[0]
    assert working_reporter_link_in(texts[0], report) and f"{layan_server}/lacak/{report.tracking_number}/" in texts[0]
    assert texts[-1].startswith(f"Laporan {report.tracking_number}:")
