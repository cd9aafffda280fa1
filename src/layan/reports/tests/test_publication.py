"""Issue 15, what the public sees: a report is public only once verified (unless the deployment publishes at
submission), by one rule (``Report.objects.public()`` / ``Report.is_public``) that every public surface follows;
an attachment is public exactly when its report is, under an address nobody can guess; the confirmation page says
the truth about publication. Each test goes through the real intake, pages, API and Open311."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from layan.core.models import Region
from layan.reports import workflow
from layan.reports.attachments import clean_upload, save_attachment
from layan.reports.models import Attachment, Report
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor

pytestmark = pytest.mark.django_db
VILLAGE = "35.78.05.1001"


def jpeg(name="foto.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue())


def submit(title="Lampu PJU mati di Jl. Tegalsari", description=None, privacy=Report.Privacy.PUBLIC, photo=True):
    report = submit_report(
        NewReport(
            title=title,
            description=description or "Sudah tiga malam lampu jalan mati di depan sekolah, rawan kecelakaan.",
            region=Region.objects.get(code=VILLAGE),
            privacy=privacy,
            latitude=-7.2756,
            longitude=112.737,
            attachments=[clean_upload(jpeg())] if photo else [],
        ),
        reporter=ReporterInfo(name="Siti Aminah", phone="081234567890"),
    )
    report.refresh_from_db()
    return report


def verify(report, staff, demo_agencies):
    workflow.perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies["dsdabm-sby"]])
    report.refresh_from_db()
    return report


def public_view(report) -> dict:
    """What an anonymous visitor gets of ``report`` on each public surface."""
    client, api = Client(), APIClient()
    photo = report.attachments.get()
    api_list = api.get("/api/v1/reports/").json()
    open311 = client.get("/open311/v2/requests.json").json()
    return {
        "list": report.tracking_number in client.get(reverse("reports:public-list")).content.decode(),
        "detail": client.get(report.get_absolute_url()).status_code,
        "track": client.get(reverse("reports:track"), {"nomor": report.tracking_number}).status_code,
        "api_list": any(item["tracking_number"] == report.tracking_number for item in api_list["results"]),
        "api_detail": api.get(f"/api/v1/reports/{report.tracking_number}/").status_code,
        "open311": any(item["service_request_id"] == report.tracking_number for item in open311),
        "photo": client.get(photo.get_absolute_url()).status_code,
        "similar": report.tracking_number
        in client.get("/lapor/mirip/", {"judul": report.title, "isi": report.description}).content.decode(),
    }


HIDDEN = {
    "list": False,
    "detail": 404,
    "track": 200,
    "api_list": False,
    "api_detail": 404,
    "open311": False,
    "photo": 404,
    "similar": False,
}
SHOWN = {
    "list": True,
    "detail": 200,
    "track": 302,
    "api_list": True,
    "api_detail": 200,
    "open311": True,
    "photo": 200,
    "similar": True,
}


def test_a_new_report_is_public_only_once_verified(demo_agencies, staff):
    report = submit()
    assert not report.is_public and report.published_at is None
    assert not Report.objects.public().filter(pk=report.pk).exists()
    assert public_view(report) == HIDDEN  # no surface shows it, nor its photo or its coordinates
    admin = Client()
    admin.force_login(staff("admin.surabaya"))  # the staff who verify it see it, photo included
    assert admin.get(report.attachments.get().get_absolute_url()).status_code == 200
    assert admin.get(reverse("reports:staff-detail", args=[report.tracking_number])).status_code == 200

    report = verify(report, staff, demo_agencies)
    assert report.is_public and report.published_at == report.verified_at
    assert public_view(report) == SHOWN


def test_a_deployment_may_publish_at_submission(demo_agencies, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    report = submit()
    assert report.is_public and report.published_at == report.created_at
    assert public_view(report) == SHOWN
    confidential = submit(title="Pungutan liar di loket KTP", privacy=Report.Privacy.RAHASIA)
    assert not confidential.is_public and not Report.objects.public().filter(pk=confidential.pk).exists()


def test_queryset_and_property_agree(demo_agencies, staff, settings):
    """``Report.objects.public()`` and ``Report.is_public`` are the same rule, for every kind of report."""
    settings.LAYAN_PUBLISH_ON_SUBMIT = False
    waiting = submit(photo=False)
    verified = verify(submit(photo=False), staff, demo_agencies)
    secret = verify(submit(privacy=Report.Privacy.RAHASIA, photo=False), staff, demo_agencies)
    held = submit(title="Petugas goblok", description="KTP saya belum jadi juga, dasar anjing.", photo=False)
    archived = submit(photo=False)
    workflow.perform(archived, "archive", Actor(user=staff("admin.surabaya")), reason="umum")
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    published_held = submit(title="Petugas goblok", description="KTP saya belum jadi juga, dasar anjing.", photo=False)
    everyone = [waiting, verified, secret, held, archived, published_held]
    for report in everyone:
        report.refresh_from_db()
    assert held.held_for_review and published_held.held_for_review  # the real abuse screen held them
    public = set(Report.objects.public().values_list("pk", flat=True))
    assert public == {verified.pk}
    assert {r.pk for r in everyone if r.is_public} == public


def test_attachment_of_a_held_report_is_not_public(demo_agencies, staff, settings):
    """The photo of a report the abuse screen holds was public although the report was not."""
    settings.LAYAN_PUBLISH_ON_SUBMIT = True  # even where reports are public at once
    report = submit(title="Petugas goblok", description="KTP saya belum jadi juga, dasar anjing.")
    assert report.held_for_review and not report.is_public
    url = report.attachments.get().get_absolute_url()
    assert Client().get(url).status_code == 404
    assert Client().get(url, {"k": report.secret}).status_code == 200  # the reporter
    admin = Client()
    admin.force_login(staff("admin.surabaya"))
    assert admin.get(url).status_code == 200


def test_attachment_of_an_archived_report_is_not_public(demo_agencies, staff, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    report = submit()
    url = report.attachments.get().get_absolute_url()
    assert Client().get(url).status_code == 200
    workflow.perform(report, "archive", Actor(user=staff("admin.surabaya")), reason="umum")
    response = Client().get(url)
    assert response.status_code == 404


def test_attachment_addresses_cannot_be_guessed(demo_agencies, staff):
    report = verify(submit(), staff, demo_agencies)
    first = report.attachments.get()
    second = save_attachment(report, *clean_upload(jpeg("kedua.jpg")))
    for item in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", item.public_id)
        assert item.get_absolute_url() == f"/lampiran/{item.public_id}/"
        assert f"/{item.pk}/" not in item.get_absolute_url()
    assert first.public_id != second.public_id
    assert Client().get(f"/lampiran/{first.pk}/").status_code == 404  # the sequential id opens nothing
    body = Client().get(report.get_absolute_url()).content.decode()
    assert first.get_absolute_url() in body and f"/lampiran/{first.pk}/" not in body
    api = APIClient().get(f"/api/v1/reports/{report.tracking_number}/").json()
    assert [a["url"].rsplit("/lampiran/", 1)[1] for a in api["attachments"]] == [
        f"{first.public_id}/",
        f"{second.public_id}/",
    ]
    assert Attachment.objects.filter(public_id=first.public_id).count() == 1


# --- the confirmation page -----------------------------------------------------------------------------------


def confirmation(report) -> str:
    response = Client().get(reverse("reports:submitted", args=[report.tracking_number, report.secret]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_confirmation_says_a_normal_report_is_public_after_verification(demo_agencies):
    body = confirmation(submit())
    assert "tampil di halaman publik, tanpa identitas Anda, setelah admin memverifikasinya" in body
    assert "sudah tampil di" not in body


def test_confirmation_never_announces_a_held_report_as_public(demo_agencies, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    held = "Petugas goblok", "KTP saya belum jadi juga, dasar anjing."
    body = confirmation(submit(*held))
    assert "perlu diperiksa admin lebih dulu, jadi belum tampil di halaman publik" in body
    assert "Jika admin menyetujuinya, laporan tampil" in body and "sudah tampil di" not in body
    settings.LAYAN_PUBLISH_ON_SUBMIT = False
    body = confirmation(submit(*held))
    assert "Jika admin menyetujui dan memverifikasinya, laporan tampil" in body and "sudah tampil di" not in body


def test_confirmation_says_a_confidential_report_is_never_public(demo_agencies, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    body = confirmation(submit(privacy=Report.Privacy.RAHASIA))
    assert "tidak akan pernah tampil di halaman publik" in body and "halaman publik</a>" not in body


def test_confirmation_says_public_at_once_where_the_deployment_publishes(demo_agencies, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    report = submit()
    body = confirmation(report)
    assert f'sudah tampil di <a href="{report.get_absolute_url()}">halaman publik</a>' in body
