"""The Open311 round trip with clients nobody here wrote, against Layan running as a real server process
(the ``layan_server`` fixture: waitress on a loopback port, on this test's database).

- Reading: the ``georeport`` package from PyPI, unchanged, in its JSON and XML modes (services, a service
  definition, requests, one request).
- Writing: plain HTTP form bodies with ``requests``, exactly as the spec shows a POST (and a multipart one with a
  photo). The PyPI ``open311`` package (1.1) would be the other client, but it is Python 2 only (``from api import
  API``): it installs and cannot be imported on Python 3.11, so it is not used.
- A staff member then moves the report through the workflow in this process (verify and dispatch, accept,
  resolve) and the client sees the status and notes change.
"""

import io

import pytest
import requests
import xmltodict
from georeport import GeoReport
from PIL import Image

from layan.api.tests.test_open311 import make_categories
from layan.core.models import Agency
from layan.reports.models import Disposition, Report
from layan.reports.workflow import Actor, perform

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def layan_server_env():
    """The round trips read back, as the public, the request they just posted: this deployment publishes at once."""
    return {"LAYAN_PUBLISH_ON_SUBMIT": "true"}


@pytest.fixture
def open311(layan_server, demo_agencies, make_key):
    """The v2 root of the live server, its categories, and an intake key of Pemkot Surabaya."""
    make_categories()
    _key, raw = make_key("surabaya", "report.intake")
    return {"root": f"{layan_server}/open311/v2", "key": raw}


def post_form(root: str, key: str, fmt: str = "json", files=None, **fields) -> requests.Response:
    """A POST as the spec's example: application/x-www-form-urlencoded (multipart when a file is sent)."""
    form = {
        "api_key": key,
        "jurisdiction_id": "surabaya",
        "service_code": "jalan-drainase",
        "lat": "-7.2756",
        "long": "112.7370",
        "address_string": "Jl. Tegalsari No. 10",
        "email": "siti@example.com",
        "first_name": "Siti",
        "last_name": "Aminah",
        "phone": "081234567890",
        "description": "Lubang besar di tengah jalan. Sudah dua motor jatuh.",
        "attribute[type]": "pengaduan",
        **fields,
    }
    return requests.post(f"{root}/requests.{fmt}", data=form, files=files, timeout=30)


def staff_resolves(report: Report, staff) -> None:
    """What staff do on their pages: verify and dispatch to DSDABM, which accepts and resolves."""
    dsdabm = Agency.objects.get(slug="dsdabm-sby")
    perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[dsdabm], note="Mohon ditangani.")
    liaison = Actor(user=staff("penghubung.dsdabm-sby"))
    disposition = Disposition.objects.get(report=report, agency=dsdabm)
    perform(report, "accept", liaison, disposition=disposition)
    perform(report, "resolve", liaison, disposition=disposition, note="Lubang sudah ditambal aspal.")


def test_georeport_json_round_trip(open311, staff):
    root, key = open311["root"], open311["key"]
    client = GeoReport(root, jurisdiction="surabaya", output_format="json")

    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["infrastruktur", "jalan-drainase", "sampah"]
    definition = client.get_service_definition("jalan-drainase")
    assert [a["code"] for a in definition["attributes"]] == ["type", "privacy", "region", "occurred_on", "title"]
    refusals_in_the_spec_format(root, key)

    response = post_form(root, key)
    assert response.status_code == 200, response.text
    [answer] = response.json()
    number = answer["service_request_id"]
    report = Report.objects.get(tracking_number=number)  # written by the server, read here
    assert report.channel == Report.Channel.OPEN311 and report.admin_agency.slug == "surabaya"

    request = client.get_service_request(number)
    assert request["status"] == "open" and request["service_code"] == "jalan-drainase"
    assert request["description"] == "Lubang besar di tengah jalan. Sudah dua motor jatuh."
    assert request["status_notes"] == "Laporan diterima melalui Open311."
    token = requests.get(f"{root}/tokens/{answer['token']}.json", timeout=30).json()
    assert token == [{"service_request_id": number, "token": answer["token"]}]
    listed = client.get_service_requests(service_code="jalan-drainase,sampah", status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    assert client.get_service_requests(status="closed") == []

    staff_resolves(report, staff)  # in this process, on the same database
    request = client.get_service_request(number)
    assert request["status"] == "closed"
    assert request["status_notes"] == "Lubang sudah ditambal aspal."
    assert request["agency_responsible"] == "Dinas Sumber Daya Air dan Bina Marga Kota Surabaya"
    assert [r["service_request_id"] for r in client.get_service_requests(status="closed")] == [number]


def test_georeport_xml_round_trip(open311, staff):
    root, key = open311["root"], open311["key"]
    client = GeoReport(root, jurisdiction="surabaya", output_format="xml")

    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["infrastruktur", "jalan-drainase", "sampah"]
    assert services[1]["group"] == "Infrastruktur" and services[1]["metadata"] == "true"
    definition = client.get_service_definition("jalan-drainase")
    type_values = definition["attributes"]["attribute"][0]["values"]["value"]
    assert [v["key"] for v in type_values] == ["pengaduan", "aspirasi", "informasi"]

    photo = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(photo, "JPEG")
    response = post_form(root, key, "xml", files={"media": ("lubang.jpg", photo.getvalue(), "image/jpeg")})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    number = xmltodict_request(response.content)["service_request_id"]

    request = client.get_service_request(number)
    assert request["service_request_id"] == number and request["status"] == "open"
    assert request["lat"] == "-7.2756" and request["long"] == "112.737"
    photo_back = requests.get(request["media_url"], timeout=30)
    assert photo_back.status_code == 200 and photo_back.headers["Content-Type"] == "image/jpeg"
    one = client.get_service_requests(service_request_id=number)  # xmltodict: one request is a dict, not a list
    assert one["service_request_id"] == number

    staff_resolves(Report.objects.get(tracking_number=number), staff)
    request = client.get_service_request(number)
    assert request["status"] == "closed" and request["status_notes"] == "Lubang sudah ditambal aspal."


def xmltodict_request(content: bytes) -> dict:
    return xmltodict.parse(content)["service_requests"]["request"]


def refusals_in_the_spec_format(root: str, key: str) -> None:
    response = post_form(root, "", "json")
    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "api_key wajib diisi untuk mengirim laporan."}]
    response = post_form(root, key, "xml", lat="91")
    assert response.status_code == 400
    assert b"<errors><error><code>400</code><description>lat harus angka" in response.content
    english = requests.get(f"{root}/services/tidak-ada.json", headers={"Accept-Language": "en"}, timeout=30)
    assert english.status_code == 404 and english.headers["Content-Language"] == "en"
    with pytest.raises(requests.HTTPError):
        GeoReport(root, jurisdiction="atlantis").get_service_list()
    assert not Report.objects.exists()
