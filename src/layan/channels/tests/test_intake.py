"""The webhook endpoint and intake with the fake provider: raw first, 403 for a bad signature, 400 kept for a
malformed payload, one message per provider id, status callbacks, and the admin that shows what was kept."""

import json

import pytest

from layan.channels.models import Conversation, InboundMessage, InboundRequest, OutboundMessage
from layan.reports.models import Report

from .fakes import fake_channel  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
URL = "/kanal/fake/webhook/"


def post(client, payload, secret="rahasia"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(URL, body, content_type="application/json", HTTP_X_FAKE_SECRET=secret)


def test_bad_signature_is_refused_logged_and_kept(client, fake_channel, caplog):  # noqa: F811
    response = post(client, {"messages": [{"id": "a", "from": "+6281234567890", "text": "halo"}]}, secret="salah")
    assert response.status_code == 403
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.REJECTED and b'"halo"' in bytes(raw.body)[:256]
    assert not InboundMessage.objects.exists()
    assert "refused request" in caplog.text


def test_malformed_payload_gets_a_clear_error_and_is_kept(client, fake_channel):  # noqa: F811
    response = post(client, b"{not json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_payload" and "Isi permintaan tidak dapat dibaca" in error["message"]
    raw = InboundRequest.objects.get(pk=error["request_id"])
    assert raw.status == InboundRequest.Status.MALFORMED and bytes(raw.body) == b"{not json"


def test_duplicate_delivery_makes_one_report(client, fake_channel, demo_agencies, django_capture_on_commit_callbacks):  # noqa: F811
    payload = {"messages": [{"id": "wamid.X", "from": "+6281234567890", "text": "LAPOR Gubeng#Jalan berlubang"}]}
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, payload).status_code == 200
    assert InboundRequest.objects.count() == 2  # both requests are kept for audit
    assert InboundMessage.objects.count() == 1 and Report.objects.count() == 1
    assert Conversation.objects.get().last_report == Report.objects.get()
    reply = OutboundMessage.objects.get()
    post(client, {"statuses": [{"id": reply.provider_message_id, "status": "delivered"}]})
    reply.refresh_from_db()
    assert reply.provider_message_id == "wamid.1" and reply.status == OutboundMessage.Status.DELIVERED


def test_admin_shows_kept_requests_read_only(admin_client, fake_channel):  # noqa: F811
    post(admin_client, b"\xff\xfe broken body")
    raw = InboundRequest.objects.get()
    page = admin_client.get(f"/admin/channels/inboundrequest/{raw.pk}/change/")
    assert page.status_code == 200 and "broken body" in page.content.decode()
    assert admin_client.get("/admin/channels/inboundrequest/?status=malformed").status_code == 200
    for model in ("inboundmessage", "conversation", "outboundmessage"):
        assert admin_client.get(f"/admin/channels/{model}/").status_code == 200
    assert admin_client.get("/admin/channels/inboundrequest/add/").status_code == 403


def test_status_callbacks_out_of_order_never_move_a_message_back(demo_agencies):
    from layan.channels.contract import StatusUpdate
    from layan.channels.intake import apply_status

    message = OutboundMessage.objects.create(
        provider="whatsapp",
        channel="whatsapp",
        to="+6281234567890",
        text="Laporan Anda diterima.",
        provider_message_id="wamid.9",
    )
    for status, expected in [
        ("read", OutboundMessage.Status.READ),
        ("delivered", OutboundMessage.Status.READ),  # late: read already came
        ("sent", OutboundMessage.Status.READ),
        ("failed", OutboundMessage.Status.READ),
    ]:
        apply_status(StatusUpdate(provider="whatsapp", provider_message_id="wamid.9", status=status))
        message.refresh_from_db()
        assert message.status == expected, status
    other = OutboundMessage.objects.create(
        provider="whatsapp", channel="whatsapp", to="+6281234567890", text="Halo", provider_message_id="wamid.10"
    )
    apply_status(StatusUpdate(provider="whatsapp", provider_message_id="wamid.10", status="sent"))
    apply_status(
        StatusUpdate(provider="whatsapp", provider_message_id="wamid.10", status="failed", error="131026 undeliverable")
    )
    other.refresh_from_db()
    assert other.status == OutboundMessage.Status.FAILED and "131026" in other.last_error


def test_a_stored_message_never_queued_is_queued_again_and_handled_once(demo_agencies):
    import datetime as dt

    from django.utils import timezone

    from layan.channels.tasks import redrive_stuck

    old = timezone.now() - dt.timedelta(minutes=30)
    stuck = InboundMessage.objects.create(
        provider="whatsapp",
        channel="whatsapp",
        external_id="wamid.lost",
        sender="+6281234567890",
        text="BANTUAN",
        received_at=old,
    )
    fresh = InboundMessage.objects.create(
        provider="whatsapp", channel="whatsapp", external_id="wamid.new", sender="+6281234567891", text="BANTUAN"
    )
    assert redrive_stuck() == 1  # the test settings run tasks at once (immediate backend)
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == InboundMessage.Status.HANDLED and fresh.status == InboundMessage.Status.RECEIVED
    assert redrive_stuck() == 0


def test_admin_never_shows_who_wrote(admin_client, fake_channel, demo_agencies, django_capture_on_commit_callbacks):  # noqa: F811
    """The system administrator reads the kept requests and messages, never the sender's identity (issue 15)."""
    payload = {
        "messages": [{"id": "wamid.A", "from": "+6281234567890", "text": "LAPOR Gubeng#Jalan berlubang"}],
        "contacts": [{"profile": {"name": "Siti Aminah"}, "wa_id": "6281234567890"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post(admin_client, payload).status_code == 200
    Conversation.objects.update(name="Siti Aminah")
    raw, message = InboundRequest.objects.get(), InboundMessage.objects.get()
    conversation, reply = Conversation.objects.get(), OutboundMessage.objects.get()
    pages = [
        f"/admin/channels/inboundrequest/{raw.pk}/change/",
        f"/admin/channels/inboundmessage/{message.pk}/change/",
        f"/admin/channels/conversation/{conversation.pk}/change/",
        f"/admin/channels/outboundmessage/{reply.pk}/change/",
        *(f"/admin/channels/{model}/" for model in ("inboundmessage", "conversation", "outboundmessage")),
    ]
    for url in pages:
        page = admin_client.get(url)
        body = page.content.decode()
        assert page.status_code == 200, url
        assert "1234567890" not in body and "Siti" not in body and "Aminah" not in body, url
    assert "Jalan berlubang" in admin_client.get(pages[1]).content.decode()  # the content stays readable
    # nor can one find which report a number made by searching for it
    for model in ("inboundmessage", "conversation", "outboundmessage"):
        assert "+62***890" in admin_client.get(f"/admin/channels/{model}/").content.decode(), model  # masked
        found = admin_client.get(f"/admin/channels/{model}/", {"q": "+6281234567890"}).content.decode()
        assert "+62***890" not in found, model
