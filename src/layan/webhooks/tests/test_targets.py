"""The SSRF guard: checked when a subscription is saved and again, on the connected address, at send time."""

import pytest
from django.core.exceptions import ValidationError

from layan.webhooks.delivery import attempt
from layan.webhooks.models import Delivery
from layan.webhooks.services import create_subscription, send_ping
from layan.webhooks.targets import is_public_address, validate_target_url

from .conftest import agency, subscribe


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/hook",  # carrier-grade NAT
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_targets_refused_in_production(url, settings):
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError, match="internal/privat"):
        validate_target_url(url)


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/x", "http:// atau https://"),
        ("javascript:alert(1)", "http:// atau https://"),
        ("http:///nohost", "nama host"),
        ("https://user:pass@93.184.216.34/", "kata sandi"),
        ("http://[::1/", "tidak valid"),
    ],
)
def test_malformed_targets_refused(url, message, settings):
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(ValidationError, match=message):
        validate_target_url(url)


def test_public_address_accepted(settings):
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = False
    assert validate_target_url("https://93.184.216.34/layan") == "https://93.184.216.34/layan"
    assert is_public_address("2606:4700:4700::1111") and not is_public_address("fe80::1")
    assert not is_public_address("224.0.0.1")


def test_private_allowed_only_when_configured(settings):
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = True
    assert validate_target_url("http://127.0.0.1:8000/hook")


@pytest.mark.django_db
def test_subscription_with_private_target_is_not_saved(demo_agencies, settings):
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        create_subscription(
            agency=agency("surabaya"), name="x", target_url="http://10.0.0.5/", events=["report.updated"]
        )
    assert not demo_agencies["surabaya"].webhook_subscriptions.exists()


@pytest.mark.django_db
def test_send_time_check_stops_a_target_that_became_private(receiver, demo_agencies, settings):
    """Saved while allowed (or while its name pointed elsewhere); refused when the request would be made."""
    sub = subscribe("surabaya", receiver.url)
    delivery = send_ping(sub)
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = False
    assert attempt(delivery.pk, 1) == Delivery.State.GAVE_UP
    delivery.refresh_from_db()
    assert "internal/privat" in delivery.last_error and delivery.last_status_code is None
    assert receiver.requests == []


def test_connected_address_is_checked_too(receiver, settings):
    """The session checks the address the socket actually connected to, whatever the name check said before
    (DNS rebinding: a name public at the check and private at the connection gains nothing)."""
    import requests

    from layan.webhooks import targets

    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = False
    with targets.session() as http, pytest.raises(requests.ConnectionError) as caught:
        http.post(receiver.url, data=b"{}", timeout=5)
    assert "internal/privat" in str(caught.value)
    assert receiver.requests == []
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = True
    with targets.session() as http:
        assert http.post(receiver.url, data=b"{}", timeout=5).status_code == 200
