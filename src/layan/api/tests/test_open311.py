"""Open311 GeoReport v2 through Django's test client: every endpoint in JSON and XML, the spec's filters, and
refusals in the spec's error format (in Indonesian, or English on request). The round trip with a real client
against a real server process is in ``test_open311_live.py``."""

import datetime as dt
import io

import pytest
import xmltodict
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from layan.api.open311.intake import title_from
from layan.core.models import Agency, Region
from layan.reports.models import Attachment, Category, Disposition, Report
from layan.reports.workflow import Actor, perform

pytestmark = pytest.mark.django_db
ROOT = "/open311/v2"


def make_categories() -> dict[str, Category]:
    """Two services under one group, one without a group, and a retired category that is no service."""
    infra = Category.objects.create(name="Infrastruktur", slug="infrastruktur")
    return {
        "infrastruktur": infra,
        "jalan": Category.objects.create(
            name="Jalan dan Drainase", slug="jalan-drainase", parent=infra, description="Jalan rusak, saluran mampet."
        ),
        "sampah": Category.objects.create(name="Kebersihan dan Sampah", slug="sampah"),
        "lama": Category.objects.create(name="Kategori Lama", slug="lama", is_active=False),
    }


def spec_form(service_code="jalan-drainase", **fields) -> dict:
    """A POST body as the spec's example shows it (first_name, last_name, lat, long, description...)."""
    form = {
        "service_code": service_code,
        "lat": "-7.2756",
        "long": "112.7370",
        "address_string": "Jl. Tegalsari No. 10, Surabaya",
        "email": "siti@example.com",
        "first_name": "Siti",
        "last_name": "Aminah",
        "phone": "0812 3456 7890",
        "description": "Lubang besar di tengah jalan. Sudah dua motor jatuh minggu ini.",
    }
    form.update(fields)
    return {name: value for name, value in form.items() if value is not None}


def png(name="foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def xml(response) -> dict:
    assert response["Content-Type"].startswith("text/xml")
    return xmltodict.parse(response.content)


def errors(response) -> list[str]:
    """The descriptions of a JSON error answer, after checking its shape: ``[{"code": <status>, ...}]``."""
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(item) == {"code", "description"} and item["code"] == response.status_code for item in body)
    return [item["description"] for item in body]


@pytest.fixture
def services(demo_agencies):
    return make_categories()


@pytest.fixture
def intake_key(make_key):
    return make_key("surabaya", "report.intake")[1]


@pytest.fixture
def post(intake_key):
    def send(fmt="json", key=None, files=None, headers=None, **fields):
        data = {"api_key": intake_key if key is None else key, **spec_form(**fields), **(files or {})}
        data = {name: value for name, value in data.items() if value != ""}
        return Client(headers=headers or {}).post(f"{ROOT}/requests.{fmt}", data)

    return send


# --- discovery and services ------------------------------------------------------------------------------------


def test_discovery_names_the_v2_endpoint_in_both_formats(db, settings):
    body = Client().get("/open311/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == settings.LAYAN_PUBLIC_URL.rstrip("/") + "/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"] and endpoint["type"] == "test"
    assert body["changeset"] and body["contact"] and body["key_service"]
    document = xml(Client().get(f"{ROOT}/discovery.xml"))["discovery"]
    assert document["endpoints"]["endpoint"]["formats"]["format"] == ["text/xml", "application/json"]


def test_services_are_the_active_categories(services):
    body = Client().get(f"{ROOT}/services.json").json()
    assert [s["service_code"] for s in body] == ["infrastruktur", "jalan-drainase", "sampah"]
    jalan = body[1]
    assert jalan == {
        "service_code": "jalan-drainase",
        "service_name": "Jalan dan Drainase",
        "description": "Jalan rusak, saluran mampet.",
        "metadata": True,
        "type": "realtime",
        "keywords": "jalan,drainase,infrastruktur",
        "group": "Infrastruktur",
    }
    listed = xml(Client().get(f"{ROOT}/services.xml"))["services"]["service"]
    assert [s["service_code"] for s in listed] == ["infrastruktur", "jalan-drainase", "sampah"]
    assert listed[1]["metadata"] == "true" and listed[1]["group"] == "Infrastruktur"


def test_service_definition_offers_layans_own_fields(services):
    body = Client().get(f"{ROOT}/services/jalan-drainase.json").json()
    assert body["service_code"] == "jalan-drainase"
    attributes = body["attributes"]
    assert [(a["code"], a["datatype"], a["order"]) for a in attributes] == [
        ("type", "singlevaluelist", 1),
        ("privacy", "singlevaluelist", 2),
        ("region", "string", 3),
        ("occurred_on", "datetime", 4),
        ("title", "string", 5),
    ]
    assert [v["key"] for v in attributes[0]["values"]] == ["pengaduan", "aspirasi", "informasi"]
    assert [v["key"] for v in attributes[1]["values"]] == ["publik", "rahasia", "anonim"]
    assert all(a["variable"] is True and a["required"] is False for a in attributes)
    definition = xml(Client().get(f"{ROOT}/services/jalan-drainase.xml"))["service_definition"]
    region = definition["attributes"]["attribute"][2]
    assert region["code"] == "region" and "35.78.05.1001" in region["datatype_description"]
    privacy = definition["attributes"]["attribute"][1]
    assert [v["key"] for v in privacy["values"]["value"]] == ["publik", "rahasia", "anonim"]


def test_unknown_or_retired_service_is_404_in_the_spec_format(services):
    for code in ("tidak-ada", "lama"):
        response = Client().get(f"{ROOT}/services/{code}.json")
        assert response.status_code == 404
        assert errors(response) == [f"service_code “{code}” tidak dikenal."]
    response = Client().get(f"{ROOT}/services/tidak-ada.xml")
    assert response.status_code == 404
    assert xml(response)["errors"]["error"] == {"code": "404", "description": "service_code “tidak-ada” tidak dikenal."}


def test_jurisdiction_is_a_regional_government_or_the_site(services, settings):
    assert Client().get(f"{ROOT}/services.json", {"jurisdiction_id": "surabaya"}).status_code == 200
    assert Client().get(f"{ROOT}/services.json", {"jurisdiction_id": "127.0.0.1"}).status_code == 200
    for wrong in ("atlantis", "dsdabm-sby"):  # unknown, and an agency that is no regional government
        response = Client().get(f"{ROOT}/services.json", {"jurisdiction_id": wrong})
        assert response.status_code == 404
        assert errors(response) == [f"jurisdiction_id “{wrong}” tidak dikenal."]


# --- posting a request -----------------------------------------------------------------------------------------


def test_post_goes_through_the_intake_as_channel_open311(services, post, make_key):
    response = post(jurisdiction_id="surabaya", account_id="akun-77")
    assert response.status_code == 200
    [answer] = response.json()
    report = Report.objects.get()
    assert answer["service_request_id"] == report.tracking_number
    assert answer["account_id"] == "akun-77" and report.tracking_number in answer["service_notice"]
    assert report.channel == Report.Channel.OPEN311 and report.category == services["jalan"]
    assert report.title == "Lubang besar di tengah jalan."
    assert report.description.endswith("Sudah dua motor jatuh minggu ini.")
    assert (float(report.latitude), float(report.longitude)) == (-7.2756, 112.737)
    assert report.address == "Jl. Tegalsari No. 10, Surabaya"
    assert report.admin_agency.slug == "surabaya"
    assert report.entered_by.api_key.agency.slug == "surabaya"
    assert (report.reporter.name, str(report.reporter.phone), report.reporter.email) == (
        "Siti Aminah",
        "+6281234567890",
        "siti@example.com",
    )
    assert report.events.get().action == "submit"
    assert report.clocks.filter(step="verification").exists()  # the same intake starts the same clocks
    assert answer["token"] and "/lacak/" not in response.content.decode()


def test_a_retried_post_with_the_same_idempotency_key_files_one_request(services, post):
    first = post(headers={"Idempotency-Key": "311-abc"})
    retried = post(headers={"Idempotency-Key": "311-abc"})
    assert first.status_code == retried.status_code == 200
    assert retried.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    assert Report.objects.count() == 1
    assert post(headers={"Idempotency-Key": "311-def"}).status_code == 200
    assert Report.objects.count() == 2


def test_attributes_map_onto_layans_fields(services, post):
    response = post(
        "xml",
        lat=None,
        long=None,
        address_string=None,
        address_id="35.23.15.2009",
        **{
            "attribute[type]": "aspirasi",
            "attribute[privacy]": "anonim",
            "attribute[occurred_on]": "2026-01-05",
            "attribute[title]": "Usul taman bacaan",
        },
    )
    assert response.status_code == 200, response.content
    answer = xml(response)["service_requests"]["request"]
    report = Report.objects.get(tracking_number=answer["service_request_id"])
    assert (report.type, report.privacy, report.title) == ("aspirasi", "anonim", "Usul taman bacaan")
    assert report.occurred_on == dt.date(2026, 1, 5)
    assert report.region_id == "35.23.15.2009" and report.latitude is None
    assert report.admin_agency.slug == "tuban"  # no jurisdiction given: routed by the place, as every channel


def test_title_is_the_first_sentence_within_200_characters():
    assert title_from("Sampah menumpuk! Baunya ke mana-mana.") == "Sampah menumpuk!"
    assert title_from("\nBaris pertama tanpa titik\nbaris kedua") == "Baris pertama tanpa titik"
    long = title_from("kata " * 80)
    assert len(long) <= 200 and long.endswith("kata…")


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"key": "-"}, 403, "api_key wajib diisi untuk mengirim laporan."),
        ({"key": "abc.def"}, 403, "Kunci API tidak valid, sudah dicabut atau kedaluwarsa."),
        ({"service_code": "tidak-ada"}, 400, "service_code “tidak-ada” tidak dikenal."),
        ({"service_code": "-"}, 400, "service_code wajib diisi."),
        ({"lat": "95"}, 400, "lat harus angka antara -90 dan 90."),
        ({"long": "timur"}, 400, "long harus angka antara -180 dan 180."),
        ({"long": "-"}, 400, "Isi lintang dan bujur keduanya, atau kosongkan keduanya."),
        ({"description": "-"}, 400, "description wajib diisi: ceritakan apa yang terjadi."),
        ({"phone": "12"}, 400, "Nomor telepon tidak valid. Contoh: 0812 3456 7890."),
        ({"attribute[privacy]": "bebas"}, 400, "attribute[privacy] harus salah satu dari: publik, rahasia, anonim."),
        ({"attribute[warna]": "merah"}, 400, "Atribut “warna” tidak dikenal."),
        ({"address_id": "99.99"}, 400, "address_id harus kode wilayah Kemendagri yang dikenal, mis. 35.78.05.1001."),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url harus alamat http(s) yang valid."),
        ({"jurisdiction_id": "atlantis"}, 404, "jurisdiction_id “atlantis” tidak dikenal."),
    ],
)
def test_bad_post_is_refused_in_the_spec_format_and_stores_nothing(services, post, fields, status, message):
    fields = {name: ("" if value == "-" else value) for name, value in fields.items()}
    response = post(**fields)
    assert response.status_code == status
    assert message in errors(response)
    assert not Report.objects.exists()


def test_every_problem_is_listed_at_once(services, post):
    response = post(lat=None, long=None, address_string=None, description="", email="bukan-surel")
    assert response.status_code == 400
    problems = errors(response)
    assert len(problems) == 3
    assert "Sebutkan lokasi: lat dan long, address_string, address_id atau attribute[region]." in problems
    assert "description wajib diisi: ceritakan apa yang terjadi." in problems


def test_key_must_hold_intake_and_not_be_revoked(services, post, make_key):
    reader_key, reader = make_key("surabaya", "report.view")
    response = post(key=reader)
    assert response.status_code == 403
    assert errors(response) == ["Kunci API ini tidak berizin mengirim laporan (report.intake)."]
    key, raw = make_key("surabaya", "report.intake")
    key.revoked = True
    key.save()
    response = post("xml", key=raw)
    assert response.status_code == 403
    assert xml(response)["errors"]["error"]["description"] == "Kunci API tidak valid, sudah dicabut atau kedaluwarsa."
    assert not Report.objects.exists()


def test_errors_follow_accept_language(services, post):
    english = post(long="", headers={"Accept-Language": "en"})
    assert "Fill in both latitude and longitude, or leave both empty." in errors(english)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = post(headers={"Accept-Language": "en"}, **{"attribute[occurred_on]": future})
    assert errors(response) == ["The date it happened cannot be in the future."]
    indonesian = post(long="", headers={"Accept-Language": "id"})
    assert "Isi lintang dan bujur keduanya, atau kosongkan keduanya." in errors(indonesian)


def test_media_upload_becomes_a_clean_attachment(services, post):
    response = post(files={"media": png()})
    assert response.status_code == 200, response.content
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "foto.png"
    not_a_photo = SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = post(files={"media": not_a_photo})
    assert response.status_code == 400
    assert errors(response) == ["Berkas foto.png bukan foto (JPEG, PNG, WebP) atau PDF."]
    assert Report.objects.count() == 1


def test_media_url_is_kept_as_a_link(services, post):
    response = post(media_url="https://foto.example.com/lubang.jpg")
    report = Report.objects.get(tracking_number=response.json()[0]["service_request_id"])
    assert report.description.endswith("Tautan media: https://foto.example.com/lubang.jpg")
    assert report.title == "Lubang besar di tengah jalan."


# --- reading requests ------------------------------------------------------------------------------------------


@pytest.fixture
def reports(services, make_report):
    """A public report with a photo in Surabaya, a confidential one there, and a public one in Tuban."""
    jalan = services["jalan"]
    public = make_report(category=jalan, latitude=-7.2756, longitude=112.737, address="Jl. Tegalsari")
    content, content_type, name = _clean_png()
    from layan.reports.attachments import save_attachment

    save_attachment(public, content, content_type, name)
    secret = make_report(privacy=Report.Privacy.RAHASIA, category=jalan, title="Pungutan liar di loket")
    save_attachment(secret, *_clean_png())
    tuban = make_report(region="35.23.15.2009", category=services["sampah"], title="Sampah di Bektiharjo")
    return {"public": public, "secret": secret, "tuban": tuban}


def _clean_png():
    from layan.reports.attachments import clean_upload

    return clean_upload(png())


def ids(response) -> set[str]:
    return {item["service_request_id"] for item in response.json()}


def test_requests_show_what_the_public_may_see(reports, settings):
    response = Client().get(f"{ROOT}/requests.json")
    assert ids(response) == {reports["public"].tracking_number, reports["tuban"].tracking_number}
    item = next(i for i in response.json() if i["service_request_id"] == reports["public"].tracking_number)
    report = reports["public"]
    assert item["status"] == "open" and item["service_code"] == "jalan-drainase"
    assert item["service_name"] == "Jalan dan Drainase"
    assert item["description"] == report.description and item["address"] == "Jl. Tegalsari"
    assert (item["lat"], item["long"]) == (-7.2756, 112.737)
    assert item["address_id"] == "35.78.05.1001" and item["zipcode"] == ""
    assert item["agency_responsible"] == "Pemerintah Kota Surabaya"
    assert item["status_notes"] == "Laporan diterima melalui Situs web."
    assert item["service_notice"] == "Belum Terverifikasi"
    assert item["requested_datetime"] == timezone.localtime(report.created_at).isoformat(timespec="seconds")
    assert item["expected_datetime"] is not None  # the verification clock runs
    attachment = Attachment.objects.get(report=report)
    assert item["media_url"] == f"{settings.LAYAN_PUBLIC_URL.rstrip('/')}/lampiran/{attachment.public_id}/"
    assert "Siti" not in response.content.decode() and report.secret not in response.content.decode()


def test_a_view_key_also_reads_its_confidential_reports_but_never_the_reporter(reports, make_key):
    _key, raw = make_key("surabaya", "report.view")
    response = Client().get(f"{ROOT}/requests.json", {"api_key": raw})
    assert reports["secret"].tracking_number in ids(response)
    secret = next(i for i in response.json() if i["service_request_id"] == reports["secret"].tracking_number)
    assert secret["description"] == reports["secret"].description
    assert secret["media_url"] is None  # the photo's address serves only staff logged in on the web
    body = response.content.decode()
    assert "Siti Aminah" not in body and "+6281234567890" not in body and "siti@example.com" not in body
    _key, tuban = make_key("tuban", "report.view")
    assert reports["secret"].tracking_number not in ids(Client().get(f"{ROOT}/requests.json", {"api_key": tuban}))
    response = Client().get(f"{ROOT}/requests.json", {"api_key": "salah.kunci"})
    assert response.status_code == 403


def test_request_filters(reports):
    def listed(**params):
        response = Client().get(f"{ROOT}/requests.json", params)
        assert response.status_code == 200, response.content
        return ids(response)

    public, tuban = reports["public"].tracking_number, reports["tuban"].tracking_number
    assert listed(service_code="jalan-drainase") == {public}
    assert listed(service_code="jalan-drainase,sampah") == {public, tuban}
    assert listed(jurisdiction_id="tuban") == {tuban}
    assert listed(status="open") == {public, tuban} and listed(status="closed") == set()
    assert listed(status="open,closed") == {public, tuban}
    # service_request_id overrides the other filters, but never what the caller may see
    secret = reports["secret"].tracking_number
    assert listed(service_request_id=f"{tuban},{secret}", service_code="jalan-drainase") == {tuban}
    assert listed(service_request_id=public.lower()) == {public}
    now = timezone.now()
    assert listed(start_date=(now - dt.timedelta(days=1)).isoformat()) == {public, tuban}
    assert listed(end_date=(now - dt.timedelta(days=1)).isoformat()) == set()
    assert listed(start_date="2020-01-01T00:00:00Z", end_date="2020-03-01T00:00:00Z") == set()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "kemarin"}, "start_date harus waktu W3C, mis. 2026-01-01T00:00:00Z."),
        ({"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"}, "paling lama 90 hari"),
        ({"start_date": "2020-02-01T00:00:00Z", "end_date": "2020-01-01T00:00:00Z"}, "tidak boleh sebelum"),
        ({"status": "pending"}, "status harus open, closed"),
    ],
)
def test_bad_filters_are_400(reports, params, message):
    response = Client().get(f"{ROOT}/requests.json", params)
    assert response.status_code == 400
    assert message in errors(response)[0]


def test_one_request_is_an_array_of_one_in_json_and_xml(reports):
    number = reports["public"].tracking_number
    body = Client().get(f"{ROOT}/requests/{number}.json").json()
    assert isinstance(body, list) and [item["service_request_id"] for item in body] == [number]
    request = xml(Client().get(f"{ROOT}/requests/{number}.xml"))["service_requests"]["request"]
    assert request["service_request_id"] == number and request["status"] == "open"
    assert request["lat"] == "-7.2756" and request["zipcode"] is None
    for hidden in (reports["secret"].tracking_number, "ZZZZ-ZZZZ"):
        response = Client().get(f"{ROOT}/requests/{hidden}.json")
        assert response.status_code == 404
        assert errors(response) == [f"Permintaan layanan “{hidden}” tidak ditemukan."]


def test_xml_escapes_what_citizens_write(services, post, settings):
    settings.LAYAN_PUBLISH_ON_SUBMIT = True  # read back by the public
    text = 'Got <b>&</b> "kutip" ]]> di jalan.\x07'
    number = post(description=text).json()[0]["service_request_id"]
    response = Client().get(f"{ROOT}/requests/{number}.xml")
    assert b"<b>" not in response.content
    assert xml(response)["service_requests"]["request"]["description"] == text.replace("\x07", "")


def test_token_gives_back_the_id_and_cannot_be_made_up(services, post):
    answer = post().json()[0]
    body = Client().get(f"{ROOT}/tokens/{answer['token']}.json").json()
    assert body == [{"service_request_id": answer["service_request_id"], "token": answer["token"]}]
    document = xml(Client().get(f"{ROOT}/tokens/{answer['token']}.xml"))
    assert document["service_requests"]["request"]["service_request_id"] == answer["service_request_id"]
    forged = answer["token"][:-1] + ("0" if answer["token"][-1] != "0" else "1")
    response = Client().get(f"{ROOT}/tokens/{forged}.json")
    assert response.status_code == 404 and errors(response) == ["Token tidak dikenal."]


def test_status_follows_the_workflow(reports, staff):
    report = reports["public"]
    dsdabm = Agency.objects.get(slug="dsdabm-sby")
    perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[dsdabm], note="Mohon ditangani.")
    liaison = Actor(user=staff("penghubung.dsdabm-sby"))
    disposition = Disposition.objects.get(report=report)
    perform(report, "accept", liaison, disposition=disposition)

    def current():
        return Client().get(f"{ROOT}/requests/{report.tracking_number}.json").json()[0]

    item = current()
    assert item["status"] == "open" and item["agency_responsible"] == dsdabm.name
    assert item["service_notice"] == "Terdisposisi Sedang Diproses"
    perform(report, "resolve", liaison, disposition=disposition, note="Lubang sudah ditambal aspal.")
    item = current()
    assert item["status"] == "closed" and item["status_notes"] == "Lubang sudah ditambal aspal."
    assert item["service_notice"] == "Terdisposisi Selesai"
    updated = report.events.filter(is_public=True).latest("created_at", "pk").created_at
    assert item["updated_datetime"] == timezone.localtime(updated).isoformat(timespec="seconds")
    closed = Client().get(f"{ROOT}/requests.json", {"status": "closed"})
    assert ids(closed) == {report.tracking_number}


def test_wrong_method_and_unknown_address(db):
    response = Client().delete(f"{ROOT}/services.json")
    assert response.status_code == 405 and errors(response) == ["Metode DELETE tidak didukung di alamat ini."]
    assert response["Allow"] == "GET, HEAD"
    assert Client().head(f"{ROOT}/services.json").status_code == 200
    response = Client().get(f"{ROOT}/laporan.xml")
    assert response.status_code == 404
    assert xml(response)["errors"]["error"]["description"] == "Alamat ini tidak ada di layanan Open311."
    assert Client().get(f"{ROOT}/services.csv").status_code == 404


def test_region_attribute_wins_over_address_id(services, post):
    response = post(address_id="35.23.15.2009", **{"attribute[region]": "35.78.05.1001"})
    report = Report.objects.get(tracking_number=response.json()[0]["service_request_id"])
    assert report.region == Region.objects.get(code="35.78.05.1001")
    assert report.admin_agency.slug == "surabaya"
