"""REST API v1 reports: key scoping, visibility of content and reporter, intake, errors."""

import datetime as dt

import pytest
from django.utils import timezone

from layan.core.models import Citizen
from layan.deadlines.models import Clock, Step
from layan.reports import keys
from layan.reports.models import Report
from layan.reports.services import ReporterInfo

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


def detail(report, suffix=""):
    return f"{URL}{report.tracking_number}/{suffix}"


# --- API-key scoping ----------------------------------------------------------------------------------------------


def test_key_of_another_agency_gets_404_for_a_confidential_report(make_report, key_client):
    secret_report = make_report(privacy=Report.Privacy.RAHASIA)  # verified by Pemkot Surabaya
    response = key_client("tuban", "report.view").get(detail(secret_report))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Data yang diminta tidak ditemukan."}}
    # the same answer as for a number that does not exist: existence is not leaked
    assert key_client("tuban", "report.view").get(f"{URL}ZZZZ-ZZZZ/").json() == response.json()


def test_key_of_the_handling_agency_reads_the_confidential_report(make_report, key_client):
    secret_report = make_report(privacy=Report.Privacy.RAHASIA)
    response = key_client("surabaya", "report.view").get(detail(secret_report))
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Lampu PJU mati di Jl. Tegalsari"
    assert body["content_hidden"] is False
    assert body["reporter"] == {"name": "Siti Aminah", "phone": "+6281234567890", "email": "siti@example.com"}
    assert body["public_url"] is None
    assert secret_report.secret not in str(body)  # the reporter's secret is never read back


def test_key_of_a_unit_below_reaches_only_what_is_dispatched_to_it(make_report, key_client, staff):
    from layan.core.models import Agency
    from layan.reports.workflow import Actor, perform

    report = make_report(privacy=Report.Privacy.RAHASIA)
    dsdabm = key_client("dsdabm-sby", "report.view")
    assert dsdabm.get(detail(report)).status_code == 404
    perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[Agency.objects.get(slug="dsdabm-sby")])
    assert dsdabm.get(detail(report)).status_code == 200


def test_key_without_report_view_sees_only_public_reports(make_report, key_client):
    public = make_report(title="Jalan berlubang di Jl. Gubeng")
    secret_report = make_report(privacy=Report.Privacy.RAHASIA)
    client = key_client("surabaya", "report.intake")
    assert client.get(detail(secret_report)).status_code == 404
    listed = [r["tracking_number"] for r in client.get(URL).json()["results"]]
    assert listed == [public.tracking_number]
    body = client.get(detail(public)).json()
    assert body["reporter"] is None
    assert body["title"] == "Jalan berlubang di Jl. Gubeng"


def test_list_for_a_scoped_key_adds_its_confidential_reports(make_report, key_client):
    public = make_report()
    mine = make_report(privacy=Report.Privacy.RAHASIA)
    theirs = make_report(privacy=Report.Privacy.RAHASIA, region="35.23.15.2009")  # Tuban's
    listed = {r["tracking_number"] for r in key_client("surabaya", "report.view").get(URL).json()["results"]}
    assert listed == {public.tracking_number, mine.tracking_number}
    assert theirs.tracking_number not in listed


@pytest.mark.parametrize("how", ["revoked", "expired", "garbage"])
def test_invalid_key_is_401_with_the_error_json(make_key, api, how):
    key, raw = make_key("surabaya", "report.view")
    if how == "revoked":
        key.revoked = True
        key.save()
    elif how == "expired":
        key.expiry_date = timezone.now() - dt.timedelta(minutes=1)
        key.save()
    else:
        raw = raw[:-3] + "xyz"
    response = api.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["message"] == "Kunci API tidak valid, sudah dicabut atau kedaluwarsa."


def test_x_api_key_header_works_too(make_report, make_key, api):
    report = make_report(privacy=Report.Privacy.RAHASIA)
    _key, raw = make_key("surabaya", "report.view")
    assert api.get(detail(report), HTTP_X_API_KEY=raw).status_code == 200


# --- what the public sees -----------------------------------------------------------------------------------------


def test_public_never_sees_the_reporter_nor_confidential_or_archived_reports(make_report, api, staff):
    from layan.reports.workflow import Actor, perform

    public = make_report()
    hidden = make_report(privacy=Report.Privacy.RAHASIA)
    archived = make_report(title="Spam")
    perform(archived, "archive", Actor(user=staff("admin.surabaya")), reason="sara")
    body = api.get(detail(public)).json()
    assert body["reporter"] is None
    assert body["public_status"]["code"] == "baru"
    assert body["public_url"].endswith(f"/laporan/{public.tracking_number}/")
    assert api.get(detail(hidden)).status_code == 404
    assert api.get(detail(archived)).status_code == 404
    assert [r["tracking_number"] for r in api.get(URL).json()["results"]] == [public.tracking_number]


def test_anonymous_report_hides_the_reporter_even_from_the_handling_agency(make_report, key_client):
    report = make_report(privacy=Report.Privacy.ANONIM)
    body = key_client("surabaya", "report.view").get(detail(report)).json()
    assert body["reporter"] is None
    assert body["title"]  # the content stays public


def test_reporter_secret_header_shows_the_own_confidential_report(make_report, api):
    report = make_report(privacy=Report.Privacy.RAHASIA)
    assert api.get(detail(report), HTTP_X_REPORTER_SECRET="salah").status_code == 404
    response = api.get(detail(report), HTTP_X_REPORTER_SECRET=report.secret)
    assert response.status_code == 200
    assert response.json()["title"] == report.title
    assert response.json()["reporter"] is None  # the reporter sees the report, not a staff view of it


# --- intake -------------------------------------------------------------------------------------------------------

NEW = {
    "title": "Saluran air tersumbat",
    "description": "Saluran di depan SDN Tegalsari tersumbat sampah sejak seminggu.",
    "region": "35.78.05.1001",
    "type": "pengaduan",
    "latitude": -7.2681234567,
    "longitude": 112.7371234567,
    "reporter": {"name": "Budi", "phone": "0812-3456-7891", "email": "budi@example.com"},
}


def test_create_with_an_intake_key(key_client, make_key, api):
    key, raw = make_key("surabaya", "report.intake")
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    response = api.post(URL, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    report = Report.objects.get(tracking_number=body["tracking_number"])
    assert report.channel == Report.Channel.API
    assert report.entered_by == key.service_user
    assert report.admin_agency.slug == "surabaya"
    assert str(report.latitude) == "-7.268123"
    assert report.reporter.phone == "+6281234567891"
    secret = body["reporter_secret"]
    assert keys.matches(report, secret)  # a working key, stored only as its digest
    assert body["reporter_url"].endswith(f"/lacak/{report.tracking_number}/{secret}/")
    assert response["Location"].endswith(f"{URL}{report.tracking_number}/")
    clock = Clock.objects.get(report=report)
    assert (clock.step, clock.status) == (Step.VERIFICATION, Clock.Status.RUNNING)
    assert report.events.get().action == "submit"
    # shown once: reading it again never returns the secret
    again = api.get(detail(report)).json()
    assert "reporter_secret" not in again and secret not in str(again)


def test_a_retried_create_with_the_same_idempotency_key_files_one_report(make_key, api):
    _key, raw = make_key("surabaya", "report.intake")
    _other, other_raw = make_key("surabaya", "report.intake")
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    first = api.post(URL, NEW, format="json", headers={"Idempotency-Key": "kirim-7f3a"})
    retried = api.post(URL, NEW, format="json", headers={"Idempotency-Key": "kirim-7f3a"})
    assert (first.status_code, retried.status_code) == (201, 200)
    assert retried.json()["tracking_number"] == first.json()["tracking_number"]
    assert Report.objects.count() == 1
    assert api.post(URL, NEW, format="json", headers={"Idempotency-Key": "kirim-lain"}).status_code == 201
    assert api.post(URL, NEW, format="json").status_code == 201  # no key: every POST is a report
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_raw}")  # another client's same key is its own
    theirs = api.post(URL, NEW, format="json", headers={"Idempotency-Key": "kirim-7f3a"})
    assert theirs.status_code == 201 and theirs.json()["tracking_number"] != first.json()["tracking_number"]
    assert Report.objects.count() == 4
    too_long = api.post(URL, NEW, format="json", headers={"Idempotency-Key": "x" * 256})
    assert too_long.status_code == 400 and Report.objects.count() == 4


def test_create_by_a_logged_in_citizen_links_their_account(api, demo_agencies, django_user_model):
    citizen = django_user_model.objects.create_user("warga", email="warga@example.com", first_name="Warga")
    api.force_login(citizen)
    response = api.post(
        URL, {"title": "Sampah", "description": "Sampah menumpuk.", "region": "35.78.08"}, format="json"
    )
    assert response.status_code == 201, response.json()
    report = Report.objects.get(tracking_number=response.json()["tracking_number"])
    assert report.reporter.user == citizen and report.entered_by is None
    assert report.reporter.email == "warga@example.com"
    # and the citizen reads their own confidential report through the session
    report.privacy = Report.Privacy.RAHASIA
    report.save()
    assert api.get(detail(report)).status_code == 200


def test_create_needs_a_key_with_intake_or_a_login(api, key_client, demo_agencies):
    assert api.post(URL, NEW, format="json").json()["error"]["code"] == "not_authenticated"
    assert api.post(URL, NEW, format="json").status_code == 401
    response = key_client("surabaya", "report.view").post(URL, NEW, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Report.objects.exists()


def test_invalid_report_is_400_with_fields_and_stores_nothing(key_client):
    client = key_client("surabaya", "report.intake")
    bad = {**NEW, "title": "", "region": "99.99", "reporter": {"phone": "12", "nik": "123"}, "latitude": 95}
    response = client.post(URL, bad, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Data yang dikirim tidak valid. Periksa isian yang ditandai."
    assert set(error["fields"]) == {"title", "region", "reporter.phone", "reporter.nik", "latitude"}
    assert error["fields"]["reporter.phone"] == ["Nomor telepon tidak valid."]
    assert not Report.objects.exists() and not Citizen.objects.exists()


def test_malformed_json_and_wrong_media_type(key_client):
    client = key_client("surabaya", "report.intake")
    response = client.post(URL, "{not json", content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "parse_error")
    response = client.post(URL, "title=x", content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["error"]["code"]) == (415, "unsupported_media_type")


def test_intake_reporter_info_is_optional(key_client):
    response = key_client("surabaya", "report.intake").post(
        URL, {"title": "Pohon tumbang", "description": "Pohon tumbang menutup jalan."}, format="json"
    )
    assert response.status_code == 201
    assert Report.objects.get().reporter is None


def test_reporter_info_is_shown_to_staff_of_a_report_made_by_key(key_client, make_report):
    report = make_report(reporter=ReporterInfo(name="Ani", phone="+6281211112222"))
    body = key_client("surabaya", "report.view").get(detail(report)).json()
    assert body["reporter"]["name"] == "Ani"
