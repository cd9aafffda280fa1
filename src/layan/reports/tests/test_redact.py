"""Issue 15: NIK, phone numbers and e-mail addresses citizens type into their text are masked on every public
surface (pages, list, REST API, Open311, webhook payloads at the public's level, the similar-reports hint, public
timeline notes, attachment names), while the staff who handle the report read the original."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from layan.core import pii
from layan.core.models import Agency, Region
from layan.reports import keys, workflow
from layan.reports.models import Report
from layan.reports.redact import redact
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor

NIK_MASK, PHONE_MASK, EMAIL_MASK = "[NIK disembunyikan]", "[nomor telepon disembunyikan]", "[surel disembunyikan]"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hubungi saya di 0812-3456-7890 ya", f"Hubungi saya di {PHONE_MASK} ya"),
        ("WA +62 812 3456 7890.", f"WA {PHONE_MASK}."),
        ("no hp: +6281234567890", f"no hp: {PHONE_MASK}"),
        ("telp 6281234567890", f"telp {PHONE_MASK}"),
        ("HP 0812 3456 789", f"HP {PHONE_MASK}"),
        ("kantor kelurahan (031) 5678901 tidak diangkat", f"kantor kelurahan {PHONE_MASK} tidak diangkat"),
        ("atau 031-5678901", f"atau {PHONE_MASK}"),
        ("nomor 081234567890 - 10 orang antre", f"nomor {PHONE_MASK} - 10 orang antre"),
        ("NIK saya 3578051203900001, tolong dicek", f"NIK saya {NIK_MASK}, tolong dicek"),
        ("NIK 3578 0512 0390 0001", f"NIK {NIK_MASK}"),
        ("KK: 3578-0512-0390-0002.", f"KK: {NIK_MASK}."),
        ("nik 357805-520390-0003", f"nik {NIK_MASK}"),
        (
            "email budi.santoso@gmail.com atau siti_aminah+lapor@kemendagri.go.id",
            f"email {EMAIL_MASK} atau {EMAIL_MASK}",
        ),
        ("foto KTP_3578051203900001.jpg", f"foto KTP_{NIK_MASK}.jpg"),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Laporan K7QM-3XPA dan 2JU7-MK5D belum dijawab",
        "Kejadian tanggal 12-03-2024 jam 08.30 WIB, lalu 05/03/2024 dan 2024-03-05",
        "Diminta bayar Rp 1.500.000, lalu Rp 62.500.000.000 dan Rp. 150.000,00",
        "Dana desa 625.000.000.000 tidak jelas",
        "Di RT 003/RW 005 Kelurahan Tegalsari, RT 03 RW 05",
        "Kode pos 60262, rumah nomor 12, Jl. Kenari 5, lantai 0 gedung B",
        "Sudah 3 bulan, 120 warga terdampak, 15 km jalan rusak",
        "Nomor sertifikat 12.03.05.01.1.00234 dan NPWP 09.254.294.3-407.000",
        "",
    ],
)
def test_what_is_not_personal_data_stays(text):
    assert redact(text) == text


def test_masks_in_the_readers_language():
    from django.utils import translation

    with translation.override("en"):
        masked = redact("NIK 3578051203900001")
    assert "3578051203900001" not in masked and masked.startswith("NIK [")


# --- every public surface -------------------------------------------------------------------------------------

TITLE = "Pungli KTP, hubungi 0812-3456-7890"
DESCRIPTION = (
    "Petugas minta Rp 150.000 untuk KTP saya (NIK 3578051203900001). Kabari saya di siti.aminah@gmail.com "
    "atau WA +62 812 3456 7890. Kejadian 12-03-2024 di RT 003/RW 005."
)
ADDRESS = "Jl. Kenari 5, telp rumah (031) 5678901"
ORIGINALS = ("0812-3456-7890", "3578051203900001", "siti.aminah@gmail.com", "+62 812 3456 7890", "(031) 5678901")


@pytest.fixture
def report(demo_agencies, staff, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = False
    report = submit_report(
        NewReport(
            title=TITLE,
            description=DESCRIPTION,
            address=ADDRESS,
            region=Region.objects.get(code="35.78.05.1001"),
        ),
        reporter=ReporterInfo(name="Siti Aminah", phone="081234567890"),
    )
    admin = Actor(user=staff("admin.surabaya"))
    workflow.perform(report, "verify", admin, agencies=[demo_agencies["dsdabm-sby"]])
    disposition = report.dispositions.get()
    liaison = Actor(user=staff("penghubung.dsdabm-sby"))
    workflow.perform(report, "accept", liaison, disposition=disposition, note="Kami hubungi pelapor di 081234567890.")
    report.refresh_from_db()
    return report


def assert_masked(text: str):
    for original in ORIGINALS:
        assert original not in text
    assert NIK_MASK in text and PHONE_MASK in text and EMAIL_MASK in text
    assert "Rp 150.000" in text and "12-03-2024" in text and "RT 003/RW 005" in text


def assert_original(text: str):
    for original in ORIGINALS:
        assert original in text


@pytest.mark.django_db
def test_public_pages_mask_and_staff_pages_do_not(report, staff):
    client = Client()
    detail = client.get(report.get_absolute_url()).content.decode()
    assert_masked(detail.replace("&#x27;", "'"))
    assert "081234567890" not in detail  # the liaison's public note
    listing = client.get(reverse("reports:public-list")).content.decode()
    assert "0812-3456-7890" not in listing and PHONE_MASK in listing
    reporter = client.get(report.reporter_url(keys.mint(report, "test"))).content.decode()
    assert "3578051203900001" in reporter  # the reporter reads their own text as written
    officer = Client()
    officer.force_login(staff("penghubung.dsdabm-sby"))
    assert_original(officer.get(reverse("reports:staff-detail", args=[report.tracking_number])).content.decode())


@pytest.mark.django_db
def test_similar_hint_masks_titles(report):
    body = Client().get("/lapor/mirip/", {"judul": "Pungli KTP petugas", "isi": DESCRIPTION}).content.decode()
    assert report.tracking_number in body
    assert "0812-3456-7890" not in body and PHONE_MASK in body


@pytest.mark.django_db
def test_rest_api_masks_for_the_public_not_for_the_handling_agency(report, demo_agencies):
    from layan.api.models import ApiKey

    anonymous = APIClient().get(f"/api/v1/reports/{report.tracking_number}/").json()
    assert_masked(anonymous["title"] + " " + anonymous["description"] + " " + anonymous["address"])
    timeline = APIClient().get(f"/api/v1/reports/{report.tracking_number}/timeline/").json()
    assert "081234567890" not in json.dumps(timeline) and PHONE_MASK in json.dumps(timeline)
    listed = APIClient().get("/api/v1/reports/").json()["results"]
    assert "3578051203900001" not in json.dumps(listed)

    _key, raw = ApiKey.objects.create_key(name="k", agency=demo_agencies["dsdabm-sby"], permissions=["report.view"])
    handler = APIClient()
    handler.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    data = handler.get(f"/api/v1/reports/{report.tracking_number}/").json()
    assert_original(data["title"] + " " + data["description"] + " " + data["address"])
    timeline = handler.get(f"/api/v1/reports/{report.tracking_number}/timeline/").json()
    assert "081234567890" in json.dumps(timeline)

    _key, raw = ApiKey.objects.create_key(
        name="k2", agency=Agency.objects.get(slug="tuban"), permissions=["report.view"]
    )
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    data = other.get(f"/api/v1/reports/{report.tracking_number}/").json()
    assert "3578051203900001" not in data["description"]  # another agency reads it as the public does


@pytest.mark.django_db
def test_open311_masks_for_the_public(report, demo_agencies):
    from layan.api.models import ApiKey

    [item] = Client().get("/open311/v2/requests.json").json()
    assert_masked(item["description"] + " " + item["address"] + " 0 " + item["status_notes"])
    assert "081234567890" not in item["status_notes"]
    _key, raw = ApiKey.objects.create_key(name="k", agency=demo_agencies["dsdabm-sby"], permissions=["report.view"])
    [item] = Client().get("/open311/v2/requests.json", {"api_key": raw}).json()
    assert "3578051203900001" in item["description"] and "(031) 5678901" in item["address"]


@pytest.mark.django_db
def test_webhook_payload_masks_for_an_agency_that_does_not_handle_it(report, demo_agencies):
    from layan.webhooks import payloads

    dispositions = list(report.dispositions.all())
    handler = payloads.report_data(report, dispositions, {demo_agencies["dsdabm-sby"].pk}, set())
    assert_original(handler["title"] + handler["description"] + handler["address"])
    outsider = payloads.report_data(report, dispositions, {Agency.objects.get(slug="tuban").pk}, set())
    assert_masked(outsider["title"] + " " + outsider["description"] + " " + outsider["address"])


@pytest.mark.django_db
def test_attachment_names_are_masked_for_the_public(report, staff):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from layan.reports.attachments import clean_upload, save_attachment

    out = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(out, "JPEG")
    photo = save_attachment(report, *clean_upload(SimpleUploadedFile("KTP_3578051203900001.jpg", out.getvalue())))
    response = Client().get(photo.get_absolute_url())
    assert response.status_code == 200 and "3578051203900001" not in response["Content-Disposition"]
    page = Client().get(report.get_absolute_url()).content.decode()
    assert "KTP_3578051203900001" not in page
    officer = Client()
    officer.force_login(staff("admin.surabaya"))
    assert "3578051203900001" in officer.get(photo.get_absolute_url())["Content-Disposition"]


@pytest.mark.django_db
def test_stored_text_is_never_changed(report):
    stored = Report.objects.get(pk=report.pk)
    assert (stored.title, stored.description, stored.address) == (TITLE, DESCRIPTION, ADDRESS)


@pytest.mark.django_db
def test_emails_to_followers_mask_the_title(report, staff, django_capture_on_commit_callbacks):
    from django.core import mail

    from layan.reports.models import Follower

    client = Client()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:follow", args=[report.tracking_number]), {"email": "tetangga@example.com"})
    (confirmation,) = mail.outbox
    assert "0812-3456-7890" not in confirmation.body and PHONE_MASK in confirmation.body
    token = re.search(rf"/laporan/{report.tracking_number}/ikuti/([A-Za-z0-9_-]+)/", confirmation.body)[1]
    client.get(reverse("reports:follow-confirm", args=[report.tracking_number, token]))
    assert Follower.objects.get(email_index=pii.email_index("tetangga@example.com")).confirmed
    mail.outbox.clear()
    liaison = Actor(user=staff("penghubung.dsdabm-sby"))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(
            report,
            "progress",
            liaison,
            disposition=report.dispositions.get(),
            note="Sedang dicek.",
            stage="cek_lapangan",
        )
    [update] = [m for m in mail.outbox if m.to == ["tetangga@example.com"]]
    assert "0812-3456-7890" not in update.body and PHONE_MASK in update.body


@pytest.mark.django_db
def test_the_public_cannot_search_by_someones_number(report, staff, demo_agencies):
    """The search reads the stored text: searching a NIK or phone would tell which public report names them."""
    for query in ("3578051203900001", "0812-3456-7890", "siti.aminah@gmail.com"):
        body = Client().get(reverse("reports:public-list"), {"q": query}).content.decode()
        assert report.tracking_number not in body, query
        results = APIClient().get("/api/v1/reports/", {"q": query}).json()["results"]
        assert results == [], query
    body = Client().get(reverse("reports:public-list"), {"q": "Pungli KTP"}).content.decode()
    assert report.tracking_number in body  # the words of the complaint still find it
    officer = Client()
    officer.force_login(staff("admin.surabaya"))
    results = officer.get("/api/v1/reports/", {"q": "3578051203900001"}).json()["results"]
    assert [r["tracking_number"] for r in results] == [report.tracking_number]  # staff search the original
