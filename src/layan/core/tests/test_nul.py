"""A NUL character is refused on every path with a clear 400 (issue 15): query strings, form bodies (urlencoded and
multipart), Open311's form posts, JSON bodies of the API. Before, only Django's forms and the API's text fields
refused it: Open311 and the filters read by hand let it through to the database (PostgreSQL refuses it in text:
a 500) or to SQLite (where it cut the text short)."""

import json

import pytest
from django.test import Client

from layan.api.models import ApiKey
from layan.core.models import Agency
from layan.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/laporan/?q=jalan%00",
        "/laporan/?q%00=jalan",
        "/lacak/?nomor=AB%00",
        "/layanan/?q=%00",
        "/lapor/mirip/?judul=lampu%00mati",
        "/api/v1/reports/?q=%00",
        "/api/v1/regions/?q=a%00",
        "/open311/v2/requests.json?status=open%00",
        "/open311/v2/requests.xml?service_code=%00",
    ],
)
def test_nul_in_a_query_string_is_a_400(demo_agencies, path):
    response = Client().get(path)
    assert response.status_code == 400, path
    assert "NUL" in response.content.decode()


def test_the_refusal_has_the_shape_of_each_surface(demo_agencies):
    api = Client().get("/api/v1/reports/?q=%00").json()
    assert api["error"]["code"] == "nul_character"
    open311 = Client().get("/open311/v2/requests.json?status=%00").json()
    assert open311[0]["code"] == 400
    xml = Client().get("/open311/v2/requests.xml?status=%00")
    assert xml["Content-Type"].startswith("text/xml") and b"<code>400</code>" in xml.content


def test_the_refusal_follows_the_callers_language_on_the_api(demo_agencies):
    indonesian = Client().get("/api/v1/reports/?q=%00").json()["error"]["message"]
    english = Client(headers={"Accept-Language": "en"}).get("/api/v1/reports/?q=%00").json()["error"]["message"]
    assert indonesian != english and "not allowed" in english


def test_open311_form_post_with_nul_is_refused_and_stores_nothing(demo_agencies):
    _key, raw = ApiKey.objects.create_key(
        name="kunci", agency=Agency.objects.get(slug="surabaya"), permissions=["report.intake"]
    )
    form = {
        "api_key": raw,
        "description": "Lubang besar di tengah jalan.\x00 Sudah dua motor jatuh.",
        "lat": "-7.2756",
        "long": "112.7370",
    }
    response = Client().post("/open311/v2/requests.json", form)
    assert response.status_code == 400
    assert not Report.objects.exists()
    multipart = Client().post("/open311/v2/requests.json", {**form, "description": "ok", "first_name": "A\x00"})
    assert multipart.status_code == 400


def test_urlencoded_form_body_with_nul_is_refused(demo_agencies):
    response = Client().post(
        "/open311/v2/requests.json", "api_key=x&description=a%00b", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()[0]["description"]


def test_public_report_form_with_nul_is_refused(demo_agencies):
    client = Client(enforce_csrf_checks=False)
    response = client.post("/lapor/", {"title": "Jalan\x00 rusak", "description": "x"})
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Jalan rusak\u0000", "description": "Lubang besar."},
        {"title": "Jalan rusak", "description": "Lubang besar.", "reporter": {"name": "A\u0000"}},
        {"title": "Jalan rusak", "description": "Lubang besar.", "x\u0000": 1},
    ],
)
def test_json_with_nul_is_refused_by_the_api(demo_agencies, body):
    _key, raw = ApiKey.objects.create_key(
        name="kunci", agency=Agency.objects.get(slug="surabaya"), permissions=["report.intake"]
    )
    response = Client(headers={"Authorization": f"Api-Key {raw}"}).post(
        "/api/v1/reports/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("parse_error", "validation_error")
    assert not Report.objects.exists()


def test_text_without_nul_still_goes_through(demo_agencies):
    assert Client().get("/laporan/?q=jalan").status_code == 200
    assert Client().get("/api/v1/reports/?q=jalan").status_code == 200
