"""REST API v1 lists: report filters, cursor pagination, reference data, statistics; errors in both languages,
throttling, unknown addresses."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from layan.charter.models import Service
from layan.core.models import Agency, Region
from layan.deadlines.publication import publish
from layan.deadlines.stats import Period
from layan.reports.models import Category, Report
from layan.reports.services import NewReport, submit_report
from layan.reports.workflow import Actor, perform

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


def numbers(response):
    assert response.status_code == 200, response.json()
    return {r["tracking_number"] for r in response.json()["results"]}


def walk(client, url):
    """Every page of a cursor-paginated list, following ``next``."""
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        seen += body["results"]
        url, pages = body["next"], pages + 1
    return seen, pages


@pytest.fixture
def spread(make_report, staff, settings):
    """Reports in several places, states and channels (all public at once)."""
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    jalan = Category.objects.create(name="Jalan dan Drainase", slug="jalan")
    old = submit_report(
        NewReport(title="Jembatan retak", description="Retak besar.", region=Region.objects.get(code="35.78.08.1001")),
        channel=Report.Channel.WHATSAPP,
        at=timezone.now() - dt.timedelta(days=30),
    )
    tegalsari = make_report(category=jalan)
    tuban = make_report(region="35.23.15.2009", title="Air PDAM keruh")
    dispatched = make_report(title="Drainase mampet")
    perform(dispatched, "verify", Actor(user=staff("admin.surabaya")), agencies=[Agency.objects.get(slug="dsdabm-sby")])
    return {"old": old, "tegalsari": tegalsari, "tuban": tuban, "dispatched": dispatched}


def test_filters(spread, api):
    r = {name: report.tracking_number for name, report in spread.items()}
    assert numbers(api.get(URL, {"region": "35.78"})) == {r["old"], r["tegalsari"], r["dispatched"]}
    assert numbers(api.get(URL, {"region": "35.78.05"})) == {r["tegalsari"], r["dispatched"]}
    assert numbers(api.get(URL, {"state": "terdisposisi"})) == {r["dispatched"]}
    assert numbers(api.get(URL, {"public_status": "terverifikasi"})) == {r["dispatched"]}
    assert numbers(api.get(URL, {"public_status": "baru"})) == {r["old"], r["tegalsari"], r["tuban"]}
    assert numbers(api.get(URL, {"category": "jalan"})) == {r["tegalsari"]}
    assert numbers(api.get(URL, {"channel": "whatsapp"})) == {r["old"]}
    dsdabm = Agency.objects.get(slug="dsdabm-sby").pk
    assert numbers(api.get(URL, {"agency": dsdabm})) == {r["dispatched"]}
    tuban = Agency.objects.get(slug="tuban").pk
    assert numbers(api.get(URL, {"admin_agency": tuban})) == {r["tuban"]}
    week_ago = (timezone.now() - dt.timedelta(days=7)).isoformat()
    assert numbers(api.get(URL, {"created_before": week_ago})) == {r["old"]}
    assert r["old"] not in numbers(api.get(URL, {"created_after": week_ago}))
    assert numbers(api.get(URL, {"created_after": (timezone.localdate() - dt.timedelta(days=40)).isoformat()})) == set(
        r.values()
    )
    assert numbers(api.get(URL, {"overdue": "true"})) == {r["old"]}
    assert numbers(api.get(URL, {"q": "PDAM keruh"})) == {r["tuban"]}
    assert numbers(api.get(URL, {"q": r["old"]})) == {r["old"]}


def test_invalid_filters_are_400_with_the_field(api, demo_agencies):
    response = api.get(URL, {"region": "jawa", "state": "hilang", "created_after": "kemarin"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"region", "state", "created_after"}


def test_cursor_pagination_walks_every_report_once(make_report, api):
    made = {make_report(title=f"Laporan nomor {i}").tracking_number for i in range(7)}
    seen, pages = walk(api, f"{URL}?page_size=3")
    assert pages == 3
    assert [r["tracking_number"] for r in seen if r["tracking_number"] in made] == [r["tracking_number"] for r in seen]
    assert len(seen) == 7 and {r["tracking_number"] for r in seen} == made
    created = [r["created_at"] for r in seen]
    assert created == sorted(created, reverse=True)
    assert api.get(URL, {"cursor": "rusak"}).json()["error"]["code"] == "not_found"


# --- reference data -----------------------------------------------------------------------------------------------


def test_regions_for_cascading_selects(api, regions):
    provinces = api.get("/api/v1/regions/", {"level": "provinsi"}).json()["results"]
    assert [p["code"] for p in provinces] == ["35", "51", "91"]
    children = api.get("/api/v1/regions/", {"parent": "35.78"}).json()["results"]
    assert {c["code"] for c in children} == {
        "35.78.05",
        "35.78.08",
        "35.78.12",
        "35.78.13",
        "35.78.15",
        "35.78.16",
        "35.78.17",
    }
    assert all(c["parent"] == "35.78" and c["level"] == "kecamatan" for c in children)
    below, pages = walk(api, "/api/v1/regions/?code=35.78&page_size=4")
    assert pages == 3 and len(below) == 11 and below[0]["code"] == "35.78"
    one = api.get("/api/v1/regions/35.78.05.1002/").json()
    assert one == {
        "code": "35.78.05.1002",
        "name": "Dr. Soetomo",
        "level": "desa",
        "parent": "35.78.05",
        "timezone": "Asia/Jakarta",
    }
    assert api.get("/api/v1/regions/", {"q": "gubeng"}).json()["results"][0]["code"] == "35.78.08"


def test_agencies_and_categories(api, demo_agencies):
    units = api.get("/api/v1/agencies/", {"parent": Agency.objects.get(slug="tuban").pk}).json()["results"]
    assert "pupr-tuban" in {a["slug"] for a in units} and "surabaya" not in {a["slug"] for a in units}
    serving = {a["slug"] for a in walk(api, "/api/v1/agencies/?region=35.78.05.1001")[0]}
    assert "surabaya" in serving and "tuban" not in serving
    one = api.get(f"/api/v1/agencies/{Agency.objects.get(slug='inspektorat-sby').pk}/").json()
    assert one["is_oversight"] is True and one["kind"] == "inspektorat"
    Category.objects.create(name="Kesehatan", slug="kesehatan")
    Category.objects.create(name="Lama", slug="lama", is_active=False)
    assert [c["slug"] for c in api.get("/api/v1/categories/").json()["results"]] == ["kesehatan"]
    assert api.get("/api/v1/categories/lama/").status_code == 404


def test_services_unpublished_only_for_their_agency_staff(api, key_client, demo_agencies):
    dispendukcapil = Agency.objects.get(slug="dispendukcapil-sby")
    Service.objects.create(
        agency=dispendukcapil, code="akta-lahir", name="Akta Kelahiran", is_published=True, time_value=1
    )
    Service.objects.create(agency=dispendukcapil, code="kia", name="Kartu Identitas Anak")
    assert [x["code"] for x in api.get("/api/v1/services/").json()["results"]] == ["akta-lahir"]
    assert api.get("/api/v1/services/kia/").status_code == 404
    own = key_client("surabaya", "report.view")  # the government and every unit below it
    assert {x["code"] for x in own.get("/api/v1/services/").json()["results"]} == {"akta-lahir", "kia"}
    other = key_client("tuban", "report.view")
    assert other.get("/api/v1/services/kia/").status_code == 404
    service = api.get("/api/v1/services/akta-lahir/").json()
    assert service["is_free"] is True and service["agency"]["slug"] == "dispendukcapil-sby"


# --- statistics ---------------------------------------------------------------------------------------------------


def test_statistics_counts_and_non_responders(spread, api, key_client, staff):
    period = Period.containing(timezone.localdate())
    body = api.get("/api/v1/statistics/", {"period": period.code}).json()
    assert body["period"]["code"] == period.code
    counts = body["reports"]
    in_period = Report.objects.filter(created_at__gte=period.bounds()[0]).count()
    assert counts["total"] == in_period
    by_status = {row["code"]: row["count"] for row in counts["by_public_status"]}
    assert by_status["terverifikasi"] == 1 and sum(by_status.values()) == in_period
    assert [(row["agency"]["slug"], row["count"]) for row in counts["by_agency"]] == [("dsdabm-sby", 1)]
    assert body["non_responders"] is None  # nothing published yet for the public
    live = key_client("surabaya", "stats.view").get("/api/v1/statistics/").json()["non_responders"]
    assert live["source"] == "live"
    assert [row["name"] for row in live["agencies"]] == [Agency.objects.get(slug="dsdabm-sby").name]
    publish(period, staff("sysadmin"), None)
    published = api.get("/api/v1/statistics/").json()["non_responders"]
    assert published["source"] == "published" and published["agencies"][0]["received"] == 1
    tuban = Agency.objects.get(slug="tuban").pk
    assert api.get("/api/v1/statistics/", {"admin_agency": tuban}).json()["reports"]["total"] == 1


def test_statistics_bad_period(api, demo_agencies):
    response = api.get("/api/v1/statistics/", {"period": "2026-Q5"})
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"period"}


# --- errors: languages, throttling, addresses ---------------------------------------------------------------------


def test_errors_follow_accept_language(key_client, make_report, staff):
    client = key_client("surabaya", "report.intake")
    indonesian = client.post(URL, {"description": "x"}, format="json")
    assert indonesian["Content-Language"] == "id"
    assert indonesian.json()["error"]["fields"]["title"] == ["Bidang ini harus diisi."]
    english = client.post(URL, {"description": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert english.json()["error"]["fields"]["title"] == ["This field is required."]
    report = make_report()
    admin = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(staff("admin.surabaya"))
    admin.post(f"{URL}{report.tracking_number}/actions/note/", {"version": 1, "note": "a"}, format="json")
    stale = admin.post(f"{URL}{report.tracking_number}/actions/note/", {"version": 1, "note": "b"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"] == {
        "code": "concurrent_change",
        "message": "Someone else has just changed this report. Reload the page and try again.",
    }


def test_throttled_is_429_with_retry_after(api, demo_agencies):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "layan_anon": "2/minute"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        assert api.get("/api/v1/categories/").status_code == 200
        assert api.get("/api/v1/categories/").status_code == 200
        response = api.get("/api/v1/categories/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert "Terlalu banyak permintaan" in response.json()["error"]["message"]


def test_unknown_address_and_method(api, demo_agencies):
    response = api.get("/api/v1/tidak-ada/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/categories").status_code == 301
    response = api.delete("/api/v1/categories/")
    assert response.status_code == 405
    assert response.json()["error"] == {
        "code": "method_not_allowed",
        "message": "Metode DELETE tidak didukung di alamat ini.",
    }
