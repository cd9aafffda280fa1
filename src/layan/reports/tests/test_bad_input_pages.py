"""Bad input never breaks a page (issue 15): ids wider than 64 bits in filters, forms and paths, and dates out of
range, each answered 500 before. A filter of the inbox ignores a value that is not an id, as it ignores any other
invalid value (the rest still applies); a path with such an id is a 404, as any unknown id."""

import pytest
from django.urls import reverse

from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Region
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report

pytestmark = pytest.mark.django_db
HUGE = str(2**64 + 1)


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def new_report():
    return submit_report(
        NewReport(
            title="Saluran air tersumbat di Jl. Tegalsari",
            description="Air meluap ke jalan setiap hujan.",
            region=Region.objects.get(code="35.78.05.1001"),
        ),
        reporter=ReporterInfo(name="Siti Aminah", phone="081234567890"),
    )


@pytest.mark.parametrize("query", [f"agency={HUGE}", f"category={HUGE}", "agency=²"])
def test_inbox_ignores_an_id_too_wide_for_the_database(client, demo_agencies, query):
    new_report()
    response = login(client, "admin.surabaya").get(reverse("reports:inbox") + "?" + query)
    assert response.status_code == 200
    assert "Saluran air tersumbat" in response.content.decode()


@pytest.mark.parametrize(
    "path", [f"/lampiran/{HUGE}/", f"/kinerja/{HUGE}/", f"/kinerja/{HUGE}/unduh.csv", f"/staf/webhook/{HUGE}/"]
)
def test_a_path_with_an_id_too_wide_is_a_404(client, demo_agencies, path):
    assert login(client, "sysadmin").get(path).status_code == 404


def test_agency_action_with_a_wide_disposition_id_is_not_a_500(client, demo_agencies):
    report = new_report()
    login(client, "admin.surabaya")
    url = reverse("reports:act", args=[report.tracking_number, "accept"])
    response = client.post(url, {"version": report.version, "disposition": HUGE, "note": "x"})
    assert response.status_code < 500
    assert Report.objects.get(pk=report.pk).state == report.state


def test_catalogue_filter_with_a_wide_agency_id_is_not_a_500(client, demo_agencies):
    response = client.get(f"/layanan/?instansi={HUGE}")
    assert response.status_code == 200


def test_staff_statistics_with_a_period_out_of_range_falls_back(client, demo_agencies):
    for period in ("0001-Q1", "9999-12", "9999-Q4"):
        response = login(client, "admin.surabaya").get(f"/staf/kinerja/?periode={period}")
        assert response.status_code == 200, period


def test_report_form_with_a_date_in_year_1_is_refused_with_the_range(client, demo_agencies):
    data = {
        "type": "pengaduan",
        "title": "Jalan berlubang di Jl. Tegalsari",
        "description": "Lubang besar di tengah jalan sudah dua minggu, banyak pengendara motor jatuh.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": "35.78.05.1001",
        "privacy": "publik",
        "occurred_on": "0001-01-01",
        "kirim": "1",
    }
    response = client.post(reverse("reports:submit"), data)
    assert response.status_code == 400
    assert "1900-01-01" in response.content.decode()
    assert not Report.objects.exists()
