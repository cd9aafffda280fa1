"""The webhook endpoint under attack (issue 15): 20 unsigned posts of 2 MB each once added 42 MB to the database,
because each was stored whole before its signature was checked. Now the signature comes first, a refused request
leaves a short record that the worker purges, a body over the cap is refused unread, and a NUL character in a
verified payload is refused as malformed."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from layan.channels.intake import purge_rejected
from layan.channels.models import InboundMessage, InboundRequest

from .fakes import fake_channel  # noqa: F401  (fixture)
from .test_sms import deliver_form, deliver_json, gateway, payload  # noqa: F401  (gateway is a fixture)

pytestmark = pytest.mark.django_db
URL = "/kanal/fake/webhook/"


def post(client, body: bytes, secret="rahasia"):
    return client.post(URL, body, content_type="application/json", HTTP_X_FAKE_SECRET=secret)


def test_unsigned_posts_leave_only_a_short_record(client, fake_channel, settings):  # noqa: F811
    big = json.dumps({"messages": [{"id": "a", "from": "+6281234567890", "text": "x" * 200_000}]}).encode()
    for _ in range(20):
        assert post(client, big, secret="salah").status_code == 403
    kept = sum(len(bytes(raw.body)) for raw in InboundRequest.objects.all())
    assert InboundRequest.objects.filter(status=InboundRequest.Status.REJECTED).count() == 20
    assert kept <= 20 * settings.LAYAN_CHANNEL_REJECTED_EXCERPT
    assert not InboundMessage.objects.exists()


def test_a_body_over_the_cap_is_refused_before_it_is_stored_or_verified(client, fake_channel, settings):  # noqa: F811
    settings.LAYAN_CHANNEL_MAX_BODY_BYTES = 1000
    body = json.dumps({"messages": [{"id": "a", "from": "+6281234567890", "text": "x" * 2000}]}).encode()
    response = post(client, body)
    assert response.status_code == 413
    assert "1000" in response.content.decode()
    assert not InboundRequest.objects.exists()
    small = json.dumps({"messages": [{"id": "b", "from": "+6281234567890", "text": "halo"}]}).encode()
    assert post(client, small).status_code == 200


def test_refused_records_are_purged_after_the_kept_days(client, fake_channel, settings):  # noqa: F811
    settings.LAYAN_CHANNEL_REJECTED_KEEP_DAYS = 7
    assert post(client, b"{}", secret="salah").status_code == 403
    assert post(client, json.dumps({"messages": []}).encode()).status_code == 200
    old = timezone.now() - dt.timedelta(days=8)
    InboundRequest.objects.update(received_at=old)
    assert post(client, b"{}", secret="salah").status_code == 403
    assert purge_rejected() == 1
    statuses = sorted(InboundRequest.objects.values_list("status", flat=True))
    assert statuses == [InboundRequest.Status.PROCESSED, InboundRequest.Status.REJECTED]


@pytest.mark.parametrize(
    "body",
    [
        b'{"from": "+6281234567890", "message": "halo\\u0000dunia", "id": "gw-1"}',
        b'{"from": "+6281234567890", "message": "halo", "id": "gw-1", "x\\u0000": 1}',
    ],
)
def test_a_verified_json_payload_with_nul_is_malformed(client, gateway, body):  # noqa: F811
    response = deliver_json(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_payload"
    assert "NUL" in response.json()["error"]["message"]
    assert not InboundMessage.objects.exists()


def test_a_verified_form_payload_with_nul_is_malformed(client, gateway):  # noqa: F811
    body = payload("gateway_form.txt") + b"&extra=a%00b"
    response = deliver_form(client, body)
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
