"""Bad input never breaks the API: each of these answered 500 on the demo server before (issue 15). Now each is a
400 in the API's own error shape, with a message in the caller's language (Indonesian, or English on request)."""

import json

import pytest
from django.test import Client

from layan.core import inputs

pytestmark = pytest.mark.django_db

HUGE = str(2**64 + 1)  # wider than PostgreSQL's bigint and SQLite's integer
MAX_ID = str(2**63 - 1)


def api_error(response, status=400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/reports/?agency={HUGE}",
        f"/api/v1/reports/?admin_agency={HUGE}",
        f"/api/v1/reports/?agency=-{HUGE}",
        f"/api/v1/agencies/?parent={HUGE}",
        f"/api/v1/services/?agency={HUGE}",
        f"/api/v1/statistics/?admin_agency={HUGE}",
        "/api/v1/reports/?created_after=0001-01-01",
        "/api/v1/reports/?created_after=0001-01-01T00:00:00",
        "/api/v1/reports/?created_before=9999-12-31T23:59:59",
        "/api/v1/reports/?created_before=9999-12-31T23:59:59-12:00",
        "/api/v1/statistics/?period=0001-Q1",
        "/api/v1/statistics/?period=9999-12",
        "/api/v1/statistics/?period=9999-Q4",
    ],
)
def test_out_of_range_filters_are_a_400(demo_agencies, path):
    error = api_error(Client().get(path))
    assert error["code"] == "validation_error"
    assert error["fields"], error


@pytest.mark.parametrize("offset", ["%2B23:42", "-23:59", "%2B14:00", "Z"])
def test_any_iso_offset_is_a_valid_filter(demo_agencies, offset):
    """PostgreSQL refuses offsets beyond 15:59 (a 500 schemathesis found): moments are converted first."""
    response = Client().get(f"/api/v1/reports/?created_before=2252-03-12T21:51:34{offset}&created_after=2000-01-01")
    assert response.status_code == 200
    response = Client().get(f"/open311/v2/requests.json?start_date=2026-01-01T00:00:00{offset}")
    assert response.status_code == 200


def test_the_largest_id_is_still_a_valid_filter(demo_agencies):
    response = Client().get(f"/api/v1/reports/?agency={MAX_ID}")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_out_of_range_messages_follow_the_callers_language(demo_agencies):
    indonesian = api_error(Client().get("/api/v1/reports/?created_after=0001-01-01"))
    english = api_error(Client(headers={"Accept-Language": "en"}).get("/api/v1/reports/?created_after=0001-01-01"))
    assert indonesian["fields"]["created_after"] != english["fields"]["created_after"]
    assert str(inputs.EARLIEST.year) in english["fields"]["created_after"][0]
    period = api_error(Client(headers={"Accept-Language": "en"}).get("/api/v1/statistics/?period=9999-12"))
    assert "period" in period["fields"]


@pytest.mark.parametrize("depth", [100_000, 1_000])
def test_json_nested_100000_levels_deep_is_a_400(key_client, depth):
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = key_client("surabaya", "report.intake").post("/api/v1/reports/", body, content_type="application/json")
    error = api_error(response)
    assert error["code"] == "parse_error"


# --- Open311 ----------------------------------------------------------------------------------------------------


def open311_errors(response) -> list[str]:
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert isinstance(body, list) and all(item["code"] == 400 for item in body)
    return [item["description"] for item in body]


@pytest.mark.parametrize(
    "query",
    [
        "start_date=0001-01-01T00:00:00Z",
        "start_date=0001-01-01",
        "end_date=0001-01-01T00:00:00%2B07:00",
        "end_date=9999-12-31T23:59:59Z",
        "start_date=9999-12-31",
        "end_date=9999-12-31T23:59:59-12:00",
    ],
)
def test_open311_dates_in_year_1_or_9999_are_a_400(demo_agencies, query):
    descriptions = open311_errors(Client().get(f"/open311/v2/requests.json?{query}"))
    assert any("_date" in text for text in descriptions)


@pytest.mark.parametrize("occurred_on", ["0001-01-01", "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-12:00"])
def test_open311_post_with_a_date_in_year_1_or_9999_is_a_400(demo_agencies, make_key, occurred_on):
    from layan.reports.models import Report

    _key, raw = make_key("surabaya", "report.intake")
    form = {
        "api_key": raw,
        "description": "Lubang besar di tengah jalan. Sudah dua motor jatuh minggu ini.",
        "lat": "-7.2756",
        "long": "112.7370",
        "attribute[occurred_on]": occurred_on,
    }
    descriptions = open311_errors(Client().post("/open311/v2/requests.json", form))
    assert any("occurred_on" in text for text in descriptions)
    assert not Report.objects.exists()


def test_rest_occurred_on_in_year_1_is_a_400(key_client):
    body = {"title": "Jalan rusak", "description": "Lubang besar di jalan.", "occurred_on": "0001-01-01"}
    client = key_client("surabaya", "report.intake")
    error = api_error(client.post("/api/v1/reports/", json.dumps(body), content_type="application/json"))
    assert "occurred_on" in error["fields"]


def test_wide_ids_in_an_action_are_a_400_not_a_500(key_client, make_report):
    report = make_report()
    client = key_client("surabaya", "report.view", "report.verify", "report.dispatch")
    url = f"/api/v1/reports/{report.tracking_number}/actions/verify/"
    for body in ({"version": report.version, "agencies": [HUGE]}, {"version": report.version, "disposition": HUGE}):
        error = api_error(client.post(url, json.dumps(body), content_type="application/json"))
        assert error["code"] == "validation_error", body
    stale = client.post(url, json.dumps({"version": HUGE}), content_type="application/json")
    assert api_error(stale, 409)["code"] == "concurrent_change"


# --- what the schema says is what the API does (found by schemathesis) --------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/?state=",
        "/api/v1/services/?q=",
        "/api/v1/regions/?code=&parent=",
        "/api/v1/reports/?agency=1&agency=2",
        "/api/v1/categories/?page_size=false",
        "/api/v1/categories/?page_size=0",
        "/api/v1/categories/?page_size=1.5",
        "/api/v1/reports/?page_size=201",
        "/api/v1/agencies/?page_size=3&page_size=4",
    ],
)
def test_empty_repeated_or_out_of_range_parameters_are_refused(demo_agencies, path):
    assert api_error(Client().get(path))["code"] == "validation_error"


def test_a_bad_cursor_is_the_documented_404(demo_agencies):
    assert api_error(Client().get("/api/v1/categories/?cursor=x"), 404)["code"] == "not_found"
    schema = Client().get("/api/schema/?format=json").json()
    assert "404" in schema["paths"]["/api/v1/categories/"]["get"]["responses"]


@pytest.mark.parametrize(
    "changes",
    [{"address": 12}, {"title": 1.5}, {"latitude": "1.5"}, {"category": ""}, {"reporter": "Siti"}],
)
def test_body_values_of_the_wrong_json_type_are_refused(key_client, changes):
    body = {"title": "Jalan rusak", "description": "Lubang besar di jalan.", **changes}
    client = key_client("surabaya", "report.intake")
    error = api_error(client.post("/api/v1/reports/", json.dumps(body), content_type="application/json"))
    assert set(changes) <= set(error["fields"])


def test_blank_agency_contacts_and_archive_reason_are_in_the_schema(demo_agencies):
    components = Client().get("/api/schema/?format=json").json()["components"]["schemas"]
    assert {"type": "string", "enum": [""]} in components["Agency"]["properties"]["email"]["oneOf"]
    assert {"type": "string", "enum": [""]} in components["Agency"]["properties"]["website"]["oneOf"]
    reason = json.dumps(components["Report"]["properties"]["archive_reason"])
    assert "BlankEnum" in reason
