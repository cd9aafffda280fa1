"""REST API v1 transitions: what each caller may do, performing actions, stale versions, the timeline, and the web
session with its CSRF check."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from layan.core.models import Agency
from layan.reports.models import Disposition, Report

pytestmark = pytest.mark.django_db
S = Report.State


def url(report, suffix=""):
    return f"/api/v1/reports/{report.tracking_number}/{suffix}"


def logged_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def names(response):
    return [(a["action"], a["disposition"]) for a in response.json()["actions"]]


def test_actions_list_what_the_caller_may_do_now(make_report, staff, key_client):
    report = make_report()
    admin = logged_in(staff("admin.surabaya")).get(url(report, "actions/")).json()
    assert admin["version"] == report.version
    assert {a["action"] for a in admin["actions"]} == {"verify", "dispatch", "classify", "pend", "archive", "note"}
    verify = next(a for a in admin["actions"] if a["action"] == "verify")
    assert verify["required_fields"] == ["version"] and "agencies" in verify["optional_fields"]
    assert logged_in(staff("penghubung.dsdabm-sby")).get(url(report, "actions/")).json()["actions"] == []
    assert APIClient().get(url(report, "actions/")).json()["actions"] == []
    key_actions = key_client("surabaya", "report.verify").get(url(report, "actions/")).json()["actions"]
    assert {a["action"] for a in key_actions} == {"verify", "classify", "pend", "archive", "note"}


def test_verify_dispatch_accept_resolve_through_the_api(make_report, staff, key_client):
    report = make_report()
    dsdabm = Agency.objects.get(slug="dsdabm-sby")
    admin = key_client("surabaya", "report.verify", "report.dispatch", "report.view")
    response = admin.post(
        url(report, "actions/verify/"),
        {"version": report.version, "agencies": [dsdabm.pk], "note": "Mohon ditindaklanjuti."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["event"]["action"] == "verify"
    assert body["report"]["state"] == S.TERDISPOSISI
    assert [d["agency"]["slug"] for d in body["report"]["dispositions"]] == ["dsdabm-sby"]

    liaison = logged_in(staff("penghubung.dsdabm-sby"))
    offered = liaison.get(url(report, "actions/")).json()
    disposition = Disposition.objects.get(report=report)
    assert ("accept", disposition.pk) in [(a["action"], a["disposition"]) for a in offered["actions"]]
    # the disposition may be left out: the liaison's agency has exactly one
    response = liaison.post(url(report, "actions/accept/"), {"version": offered["version"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["report"]["state"] == S.DIPROSES
    version = response.json()["report"]["version"]
    response = liaison.post(
        url(report, "actions/resolve/"),
        {"version": version, "disposition": disposition.pk, "note": "Lampu sudah diganti."},
        format="json",
    )
    assert response.json()["report"]["state"] == S.SELESAI
    assert response.json()["event"]["actor"] == "penghubung.dsdabm-sby"


def test_refused_by_role_is_403_and_changes_nothing(make_report, staff, key_client):
    report = make_report()
    for client in (logged_in(staff("penghubung.dsdabm-sby")), key_client("surabaya", "report.view")):
        response = client.post(url(report, "actions/verify/"), {"version": report.version}, format="json")
        assert response.status_code == 403
        assert response.json()["error"] == {
            "code": "action_not_allowed",
            "message": "Anda tidak berwenang melakukan aksi ini pada laporan ini.",
        }
    # another government's admin does not even see a public report's actions as its own
    response = logged_in(staff("admin.tuban")).post(url(report, "actions/archive/"), {"version": 1}, format="json")
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.state, report.version) == (S.BARU, 1)


def test_refused_by_state_is_403_with_the_workflow_message(make_report, staff):
    report = make_report()
    response = logged_in(staff("admin.surabaya")).post(
        url(report, "actions/resolve/"), {"version": report.version}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "action_not_allowed"


def test_stale_version_is_409_and_nothing_is_saved(make_report, staff):
    report = make_report()
    admin = logged_in(staff("admin.surabaya"))
    first = admin.post(url(report, "actions/note/"), {"version": 1, "note": "Dicek dulu."}, format="json")
    assert first.status_code == 200
    response = admin.post(url(report, "actions/pend/"), {"version": 1, "note": "Mohon foto lokasi."}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "concurrent_change"
    report.refresh_from_db()
    assert (report.state, report.version) == (S.BARU, 2)
    assert not report.events.filter(action="pend").exists()


def test_missing_input_of_an_action_is_400(make_report, staff):
    report = make_report()
    admin = logged_in(staff("admin.surabaya"))
    response = admin.post(url(report, "actions/archive/"), {"version": 1, "reason": "bukan"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"reason"}
    response = admin.post(url(report, "actions/dispatch/"), {}, format="json")
    assert set(response.json()["error"]["fields"]) == {"version", "agencies"}
    response = admin.post(url(report, "actions/dispatch/"), {"version": 1, "agencies": [999999]}, format="json")
    assert set(response.json()["error"]["fields"]) == {"agencies"}
    assert Report.objects.get(pk=report.pk).version == 1


def test_archive_as_duplicate_resolves_the_original(make_report, staff):
    original, copy = make_report(), make_report()
    response = logged_in(staff("admin.surabaya")).post(
        url(copy, "actions/archive/"),
        {"version": 1, "reason": "duplikat", "duplicate_of": original.tracking_number.lower()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    copy.refresh_from_db()
    assert (copy.state, copy.duplicate_of) == (S.ARSIP, original)


def test_unknown_action_and_invisible_report_are_404(make_report, staff):
    report = make_report(privacy=Report.Privacy.RAHASIA)
    admin = logged_in(staff("admin.surabaya"))
    response = admin.post(url(report, "actions/explode/"), {"version": 1}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_action")
    assert admin.post(url(report, "actions/auto_close/"), {"version": 1}, format="json").status_code == 404
    response = logged_in(staff("admin.tuban")).post(url(report, "actions/note/"), {"version": 1}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_reporter_acts_with_the_secret(make_report, staff):
    report = make_report()
    admin = logged_in(staff("admin.surabaya"))
    admin.post(url(report, "actions/pend/"), {"version": 1, "note": "Mohon foto lokasi."}, format="json")
    citizen = APIClient(HTTP_X_REPORTER_SECRET=report.secret)
    offered = citizen.get(url(report, "actions/")).json()
    assert [a["action"] for a in offered["actions"]] == ["add_info"]
    response = citizen.post(
        url(report, "actions/add_info/"), {"version": offered["version"], "note": "Lokasi di depan SDN."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["report"]["state"] == S.BARU  # back from tertunda, clocks resumed
    assert (
        APIClient().post(url(report, "actions/add_info/"), {"version": 3, "note": "x"}, format="json").status_code
        == 403
    )


def test_timeline_public_for_the_public_all_for_staff(make_report, staff, key_client):
    report = make_report()
    logged_in(staff("admin.surabaya")).post(
        url(report, "actions/note/"), {"version": 1, "note": "Catatan internal petugas."}, format="json"
    )
    public = APIClient().get(url(report, "timeline/")).json()
    assert [e["action"] for e in public] == ["submit"]
    assert public[0]["actor"] is None
    handling = key_client("surabaya", "report.view").get(url(report, "timeline/")).json()
    assert [e["action"] for e in handling] == ["submit", "note"]
    assert handling[1]["note"] == "Catatan internal petugas." and handling[1]["actor"] == "admin.surabaya"


# --- the web session ----------------------------------------------------------------------------------------------


def test_session_needs_the_csrf_token_for_unsafe_requests(make_report, staff):
    report = make_report()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff("admin.surabaya"))
    assert browser.get(url(report, "actions/")).status_code == 200  # safe methods need no token
    body = {"version": 1, "note": "Dari aplikasi web."}
    response = browser.post(url(report, "actions/note/"), body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert Report.objects.get(pk=report.pk).version == 1
    browser.get("/masuk/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(url(report, "actions/note/"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    # an API key is not a browser: no CSRF token needed
