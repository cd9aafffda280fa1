"""User HTML is never rendered: HTML and script typed into every text field of the public form, the reporter's
own page and the staff forms come out escaped on every public and staff page that shows them.

(The audit behind it: no template uses ``|safe`` or ``autoescape off`` on an HTML page, nothing renders markdown;
the three ``mark_safe``/``format_html`` uses in Python escape each value first: ``reports.widgets``,
``deadlines.views._rows_html`` and the channels admin's raw body.)"""

import re

import pytest
from django.urls import reverse

from layan.core.demo import DEMO_PASSWORD
from layan.reports import workflow
from layan.reports.models import Report
from layan.reports.workflow import Actor

pytestmark = pytest.mark.django_db

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">k</a>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
RAW_MARKERS = ("<script>alert", "<img src=x", 'href="javascript:', "onerror=alert(1)>")


def field(name: str) -> str:
    return f"{name} {ATTACK}"


def assert_escaped(body: str, *, expect: int, where: str):
    leaked = [marker for marker in RAW_MARKERS if marker in body]
    assert not leaked, f"{where}: raw HTML {leaked}"
    assert body.count(ESCAPED) >= expect, f"{where}: expected {expect} escaped copies, found {body.count(ESCAPED)}"


def test_html_in_every_text_field_comes_out_escaped(client, staff, demo_agencies):
    response = client.post(
        reverse("reports:submit"),
        {
            "type": "pengaduan",
            "title": field("Judul")[:200],
            "description": field("Isi laporan yang cukup panjang untuk lolos validasi"),
            "kabkota": "35.78",
            "kecamatan": "35.78.05",
            "desa": "35.78.05.1001",
            "address": field("Alamat")[:300],
            "privacy": "publik",
            "name": field("Nama")[:150],
            "phone": "081234567890",
            "email": "warga@example.com",
            "kirim": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    submitted = client.get(response["Location"])
    assert_escaped(submitted.content.decode(), expect=0, where="confirmation page")
    report = Report.objects.get()
    assert ATTACK in report.title and ATTACK in report.description  # stored as typed, escaped when shown
    reporter_link = re.search(r"/lacak/[^\"'<\s]+/", submitted.content.decode()).group(0)

    admin = Actor(user=staff("admin.surabaya"))
    workflow.perform(report, "verify", admin, agencies=[demo_agencies["dsdabm-sby"]], note=field("Catatan admin"))
    liaison = Actor(user=staff("penghubung.dsdabm-sby"))
    disposition = report.dispositions.get()
    workflow.perform(report, "accept", liaison, disposition=disposition)
    workflow.perform(report, "resolve", liaison, disposition=disposition, note=field("Jawaban instansi"))

    # the reporter's own page, and their reply through its form
    page = client.get(reporter_link)
    assert page.status_code == 200
    assert_escaped(page.content.decode(), expect=2, where="reporter page")
    report.refresh_from_db()
    reply = client.post(
        reporter_link,
        {"action": "reopen", "reopen-note": field("Belum selesai"), "version": report.version},
        follow=True,
    )
    assert reply.status_code == 200
    assert_escaped(reply.content.decode(), expect=3, where="reporter page after reply")

    # public pages
    detail = client.get(reverse("reports:public-detail", args=[report.tracking_number]))
    assert detail.status_code == 200
    assert_escaped(detail.content.decode(), expect=2, where="public report page")
    listing = client.get(reverse("reports:public-list"))
    assert_escaped(listing.content.decode(), expect=1, where="public list")

    # staff pages: the inbox and the report page, which also shows the reporter's name and address
    assert client.login(username="admin.surabaya", password=DEMO_PASSWORD)
    inbox = client.get(reverse("reports:inbox") + "?lingkup=semua")
    assert_escaped(inbox.content.decode(), expect=1, where="staff inbox")
    staff_page = client.get(reverse("reports:staff-detail", args=[report.tracking_number]))
    assert staff_page.status_code == 200
    assert_escaped(staff_page.content.decode(), expect=4, where="staff report page")

    # the API answers JSON (no HTML context), and the audit trail escapes what it quotes
    api = client.get(f"/api/v1/reports/{report.tracking_number}/")
    assert api["Content-Type"].startswith("application/json")
    assert_escaped(client.get(reverse("audit-log")).content.decode(), expect=0, where="audit trail")
