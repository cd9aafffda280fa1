"""Rate limits where a script can flood (issue 15): the report form, the follow form (per client and per target
address: 10 requests once queued 10 e-mails to one inbox), Open311 POST (it went around the REST API's throttle)
and the channel webhooks. Each answers 429 with Retry-After and a clear message; a page keeps what was typed."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from layan.api.models import ApiKey
from layan.core.models import Agency, Region
from layan.reports.models import Category, Follower, Report
from layan.reports.services import NewReport, ReporterInfo, submit_report

pytestmark = pytest.mark.django_db
VILLAGE = "35.78.05.1001"


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def form_data(**overrides):
    data = {
        "type": "pengaduan",
        "title": "Jalan berlubang di Jl. Tegalsari",
        "description": "Lubang besar di tengah jalan sudah dua minggu, banyak pengendara motor jatuh.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": VILLAGE,
        "address": "Depan SD Negeri Tegalsari 1",
        "privacy": "publik",
        "name": "Siti Aminah",
        "email": "siti@example.com",
        "kirim": "1",
    }
    return {**data, **overrides}


def public_report():
    with override_settings(LAYAN_PUBLISH_ON_SUBMIT=True):  # public at once: only a public report can be followed
        return submit_report(
            NewReport(
                title="Lampu PJU mati di Jl. Tegalsari",
                description="Sudah tiga malam lampu jalan mati, rawan kecelakaan.",
                region=Region.objects.get(code=VILLAGE),
            ),
            reporter=ReporterInfo(name="Siti Aminah"),
        )


def test_report_form_is_limited_per_client_and_keeps_what_was_typed(client, demo_agencies, rates):
    rates(layan_report_form="3/hour")
    for n in range(3):
        response = client.post(reverse("reports:submit"), form_data(title=f"Jalan berlubang nomor {n}"))
        assert response.status_code == 302, response.content[:300]
    response = client.post(reverse("reports:submit"), form_data(title="Judul yang diketik keempat"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Terlalu banyak kiriman" in page and "Judul yang diketik keempat" in page
    assert Report.objects.count() == 3
    other = Client(REMOTE_ADDR="10.1.2.3")  # another client is not affected
    assert other.post(reverse("reports:submit"), form_data()).status_code == 302


def test_an_invalid_form_does_not_use_up_the_limit(client, demo_agencies, rates):
    rates(layan_report_form="1/hour")
    for _ in range(3):
        assert client.post(reverse("reports:submit"), form_data(title="")).status_code == 400
    assert client.post(reverse("reports:submit"), form_data()).status_code == 302


def test_follow_is_limited_per_target_address(demo_agencies, rates, django_capture_on_commit_callbacks):
    rates(layan_follow="100/hour", layan_follow_address="2/day")
    report = public_report()
    url = reverse("reports:follow", args=[report.tracking_number])
    mail.outbox.clear()
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):  # ten clients, one inbox
            statuses.append(
                Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(url, {"email": "korban@example.com"}).status_code
            )
    assert statuses[:2] == [302, 302] and set(statuses[2:]) == {429}
    assert len([m for m in mail.outbox if m.to == ["korban@example.com"]]) <= 2
    page = Client(REMOTE_ADDR="10.0.0.99").post(url, {"email": "korban@example.com"})
    assert page.status_code == 429 and "korban@example.com" in page.content.decode()  # what was typed stays
    assert Client(REMOTE_ADDR="10.0.0.99").post(url, {"email": "lain@example.com"}).status_code == 302


def test_follow_is_limited_per_client(client, demo_agencies, rates):
    rates(layan_follow="2/hour", layan_follow_address="100/day")
    report = public_report()
    url = reverse("reports:follow", args=[report.tracking_number])
    statuses = [client.post(url, {"email": f"warga{n}@example.com"}).status_code for n in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert Follower.objects.filter(report=report, is_reporter=False).count() == 2


def test_open311_post_is_limited_per_key(demo_agencies, rates):
    rates(layan_create="2/minute")
    _key, raw = ApiKey.objects.create_key(
        name="kunci", agency=Agency.objects.get(slug="surabaya"), permissions=["report.intake"]
    )
    Category.objects.create(name="Jalan dan Drainase", slug="jalan-drainase")
    form = {
        "api_key": raw,
        "service_code": "jalan-drainase",
        "description": "Lubang besar di tengah jalan.",
        "lat": "-7.2756",
        "long": "112.7370",
    }
    statuses = [Client().post("/open311/v2/requests.json", form).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = Client().post("/open311/v2/requests.json", form)
    assert int(response["Retry-After"]) > 0
    assert response.json()[0]["code"] == 429
    assert Report.objects.count() == 2


def test_open311_reading_shares_the_api_throttle(demo_agencies, rates):
    rates(layan_anon="2/minute")
    statuses = [Client().get("/open311/v2/requests.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Client().get("/api/v1/categories/").status_code == 429  # the same counter as the REST API


def test_channel_webhook_is_limited_per_client(client, demo_agencies, rates):
    rates(layan_webhook="2/minute")
    statuses = [
        client.post("/kanal/sms/webhook/", b"{}", content_type="application/json").status_code for _ in range(3)
    ]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
