"""The staff page, publication, the public pages, the exports and the admin of the deadlines app."""

import csv
import io

import pytest
from django.urls import reverse

from layan.deadlines.models import DeadlinePolicy, PublishedPeriodReport

from .test_stats import quarter  # noqa: F401 - the hand-computed Triwulan III 2026 fixture

STAFF_URL = reverse("deadlines:staff-stats") + "?periode=2026-Q3"


def names(response):
    return [row["short_name"] for row in response.context["data"]["agencies"]]


@pytest.fixture
def login(client, staff):
    def as_(username):
        client.force_login(staff(username))
        return client

    return as_


@pytest.mark.usefixtures("quarter")
def test_staff_page_needs_stats_permission(client, login):
    assert client.get(STAFF_URL).status_code == 302  # to the login page
    assert login("penghubung.dlh-sby").get(STAFF_URL).status_code == 403


@pytest.mark.parametrize(
    "username, expected",
    [
        ("pimpinan.dlh-sby", ["DLH Surabaya"]),
        # a government's admin and its inspectorate see every agency its reports went to, PDAM included
        ("admin.surabaya", ["PDAM Surya Sembada", "DLH Surabaya", "DSDABM Surabaya"]),
        ("pengawas.inspektorat-sby", ["PDAM Surya Sembada", "DLH Surabaya", "DSDABM Surabaya"]),
        ("admin.tuban", ["DPUPR Tuban"]),
        ("sysadmin", ["PDAM Surya Sembada", "DLH Surabaya", "DPUPR Tuban", "DSDABM Surabaya"]),
    ],
)
@pytest.mark.usefixtures("quarter")
def test_staff_page_is_scoped(login, username, expected):
    response = login(username).get(STAFF_URL)
    assert response.status_code == 200
    assert names(response) == expected
    assert "Triwulan III 2026" in response.content.decode()


@pytest.mark.usefixtures("quarter")
def test_staff_page_names_non_responders_first(login):
    page = login("admin.surabaya").get(STAFF_URL).content.decode()
    assert "Instansi yang tidak merespons" in page
    assert page.index("Perumda Air Minum Surya Sembada") < page.index("Dinas Sumber Daya Air")
    assert 'name="agency"' in page  # the publish form, for the admin


@pytest.mark.usefixtures("quarter")
def test_exports(login):
    client = login("sysadmin")
    url = reverse("deadlines:staff-export", args=["csv"]) + "?periode=2026-Q3"
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kinerja-2026-Q3.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0].endswith("Triwulan III 2026")
    assert rows[2] == ["Instansi"] and rows[3][:3] == ["Peringkat", "Nama", "Diterima"]
    assert rows[4][:4] == ["1", "Perumda Air Minum Surya Sembada Kota Surabaya", "2", "0.0"]

    from openpyxl import load_workbook

    response = client.get(reverse("deadlines:staff-export", args=["xlsx"]) + "?periode=2026-Q3")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Instansi", "Kabupaten-Kota"]
    sheet = workbook["Instansi"]
    assert [c.value for c in sheet[3]][:3] == [1, "Perumda Air Minum Surya Sembada Kota Surabaya", 2]
    assert workbook["Kabupaten-Kota"].cell(3, 2).value == "Kota Surabaya"

    response = client.get(reverse("deadlines:staff-export", args=["pdf"]) + "?periode=2026-Q3")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(reverse("deadlines:staff-export", args=["doc"])).status_code == 404


@pytest.mark.usefixtures("quarter")
def test_publish_and_public_pages(client, login, staff):
    publish = reverse("deadlines:publish")
    assert login("pimpinan.dlh-sby").post(publish, {"periode": "2026-Q3", "agency": ""}).status_code == 403
    admin = login("admin.surabaya")
    surabaya = staff("admin.surabaya").memberships.get().agency
    assert admin.post(publish, {"periode": "2026-Q3", "agency": ""}).status_code == 403  # not platform-wide
    response = admin.post(publish, {"periode": "2026-Q3", "agency": str(surabaya.pk)})
    published = PublishedPeriodReport.objects.get()
    assert response.status_code == 302 and response["Location"] == published.get_absolute_url()
    assert published.agency == surabaya and published.period_kind == "quarter"
    assert [r["short_name"] for r in published.rows["agencies"]][0] == "PDAM Surya Sembada"
    admin.post(publish, {"periode": "2026-Q3", "agency": str(surabaya.pk)})
    assert PublishedPeriodReport.objects.count() == 1  # republished: replaced
    login("sysadmin").post(publish, {"periode": "2026-Q3", "agency": ""})
    everything = PublishedPeriodReport.objects.get(agency=None)
    assert len(everything.rows["agencies"]) == 4

    client.logout()
    listing = client.get(reverse("deadlines:published-list")).content.decode()
    assert "Triwulan III 2026" in listing and "Seluruh instansi" in listing
    detail = client.get(reverse("deadlines:published-detail", args=[published.pk])).content.decode()
    assert "Instansi yang tidak merespons" in detail and "Perumda Air Minum Surya Sembada" in detail
    pdf = client.get(reverse("deadlines:published-export", args=[published.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF") and "kinerja-2026-Q3-surabaya.pdf" in pdf["Content-Disposition"]


def test_admin_pages(login, demo_agencies):
    client = login("sysadmin")
    DeadlinePolicy.objects.create(step="first_response", amount=48, unit="calendar_hours")
    for name in ("deadlinepolicy", "publishedperiodreport", "clock", "sweeprun"):
        assert client.get(reverse(f"admin:deadlines_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:deadlines_deadlinepolicy_add")).content.decode()
    assert "Tangga eskalasi" in page
