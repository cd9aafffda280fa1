"""The webhook pages through the test client: scoping by webhook.manage, create / edit / switch off and on,
the secret and its rotation, the test ping, the deliveries and "kirim ulang"."""

import pytest
from django.urls import reverse

from layan.core.demo import DEMO_PASSWORD
from layan.webhooks.models import Delivery, Subscription

from .conftest import agency, subscribe

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_admin_of_one_agency_never_sees_another_agencys_subscriptions(client, receiver, demo_agencies):
    mine = subscribe("surabaya", receiver.url)
    theirs = subscribe("tuban", receiver.url + "?tuban")
    Delivery.objects.create(subscription=theirs, event_type="ping", body="{}", max_attempts=1)
    delivery = theirs.deliveries.get()
    login(client, "admin.surabaya")
    page = client.get(reverse("webhooks:list")).content.decode()
    assert mine.name in page and theirs.name not in page
    assert client.get(reverse("webhooks:detail", args=[mine.pk])).status_code == 200
    for name, args in [
        ("webhooks:detail", [theirs.pk]),
        ("webhooks:edit", [theirs.pk]),
        ("webhooks:deliveries", [theirs.pk]),
        ("webhooks:delivery", [theirs.pk, delivery.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("webhooks:action", args=[theirs.pk, "rahasia"])).status_code == 404
    assert client.post(reverse("webhooks:redeliver", args=[theirs.pk, delivery.pk])).status_code == 404
    # nor through a delivery of another subscription under its own
    assert client.get(reverse("webhooks:delivery", args=[mine.pk, delivery.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.secret == Subscription.objects.get(pk=theirs.pk).secret


def test_staff_without_the_permission_get_403(client, demo_agencies):
    login(client, "penghubung.dlh-sby")
    assert client.get(reverse("webhooks:list")).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert reverse("webhooks:list") not in home
    client.logout()
    assert client.get(reverse("webhooks:list")).status_code == 302  # to the login page


def test_create_shows_secret_and_cannot_pick_another_agency(client, receiver, demo_agencies):
    login(client, "pimpinan.dsdabm-sby")
    assert reverse("webhooks:list") in client.get(reverse("home")).content.decode()  # the nav link
    url = reverse("webhooks:create")
    refused = client.post(
        url, {"agency": agency("tuban").pk, "name": "X", "target_url": receiver.url, "events": ["report.updated"]}
    )
    assert refused.status_code == 200 and not Subscription.objects.exists()
    no_events = client.post(url, {"agency": agency("dsdabm-sby").pk, "name": "X", "target_url": receiver.url})
    assert "harus diisi" in no_events.content.decode() and not Subscription.objects.exists()
    response = client.post(
        url,
        {
            "agency": agency("dsdabm-sby").pk,
            "name": "Tiket DSDABM",
            "target_url": receiver.url,
            "events": ["report.dispatched", "report.escalated"],
        },
        follow=True,
    )
    sub = Subscription.objects.get()
    assert sub.agency.slug == "dsdabm-sby" and sub.events == ["report.dispatched", "report.escalated"]
    assert sub.created_by.username == "pimpinan.dsdabm-sby"
    assert sub.secret in response.content.decode()
    assert len(bytes.fromhex(sub.secret)) >= 32


def test_create_refuses_a_bad_url_with_a_clear_message(client, demo_agencies, settings):
    settings.LAYAN_WEBHOOK_ALLOW_PRIVATE = False
    login(client, "admin.surabaya")
    response = client.post(
        reverse("webhooks:create"),
        {
            "agency": agency("surabaya").pk,
            "name": "X",
            "target_url": "http://127.0.0.1:9/",
            "events": ["report.updated"],
        },
    )
    assert "alamat internal/privat" in response.content.decode()
    assert not Subscription.objects.exists()


def test_edit_rotate_ping_disable_enable(client, receiver, demo_agencies, django_capture_on_commit_callbacks):
    sub = subscribe("surabaya", receiver.url)
    login(client, "admin.surabaya")
    response = client.post(
        reverse("webhooks:edit", args=[sub.pk]),
        {"name": "Nama baru", "target_url": receiver.url + "/v2", "events": ["report.closed"], "include_units": "on"},
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert (sub.name, sub.events, sub.include_units) == ("Nama baru", ["report.closed"], True)
    old = sub.secret
    client.post(reverse("webhooks:action", args=[sub.pk, "rahasia"]))
    sub.refresh_from_db()
    assert sub.secret != old and sub.secret_rotated_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:action", args=[sub.pk, "ping"]), follow=True)
    assert receiver.requests[0].path == "/hook/v2" and receiver.requests[0].headers["X-Layan-Event"] == "ping"
    assert "ping" in response.content.decode() and "Terkirim" in response.content.decode()
    client.post(reverse("webhooks:action", args=[sub.pk, "nonaktifkan"]))
    sub.refresh_from_db()
    assert not sub.is_active and sub.disabled_reason
    refused = client.post(reverse("webhooks:action", args=[sub.pk, "ping"]), follow=True)
    assert "Aktifkan langganan terlebih dahulu" in refused.content.decode() and len(receiver.requests) == 1
    client.post(reverse("webhooks:action", args=[sub.pk, "aktifkan"]))
    sub.refresh_from_db()
    assert sub.is_active and not sub.disabled_reason


def test_deliveries_page_shows_attempts_and_redelivers(
    client, receiver, staff, demo_agencies, django_capture_on_commit_callbacks, settings
):
    from .conftest import dispatch, new_report

    settings.LAYAN_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.script = [500, 503]
    sub = subscribe("dsdabm-sby", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report = dispatch(new_report(), staff("admin.surabaya"), "dsdabm-sby")
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.GAVE_UP
    login(client, "pimpinan.dsdabm-sby")
    listing = client.get(reverse("webhooks:deliveries", args=[sub.pk]) + "?status=gave_up").content.decode()
    assert report.tracking_number in listing and "kode 503" in listing.replace("</span>", "")
    page = client.get(reverse("webhooks:delivery", args=[sub.pk, delivery.pk])).content.decode()
    assert "status 500" in page and "status 503" in page and "Kirim ulang" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:redeliver", args=[sub.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED and delivery.attempts == 3 and len(receiver.requests) == 3
