"""The catalogue's rules: what the public sees, how a service is found, and how its standard reads."""

import datetime as dt

import pytest

from layan.charter import services
from layan.charter.models import DEFAULT_MAKLUMAT_TEXT, Maklumat, Service

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "n, words",
    [
        (1, "satu"),
        (11, "sebelas"),
        (14, "empat belas"),
        (20, "dua puluh"),
        (60, "enam puluh"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (115, "seratus lima belas"),
        (250, "dua ratus lima puluh"),
        (1000, "seribu"),
        (2025, "dua ribu dua puluh lima"),
    ],
)
def test_terbilang_writes_numbers_in_indonesian_words(n, words):
    assert services.terbilang(n) == words


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (1, Service.TimeUnit.WORKING_DAYS, "1 (satu) hari kerja"),
        (14, Service.TimeUnit.CALENDAR_DAYS, "14 (empat belas) hari kalender"),
        (60, Service.TimeUnit.MINUTES, "60 (enam puluh) menit"),
        (3, Service.TimeUnit.HOURS, "3 (tiga) jam"),
        (0, Service.TimeUnit.MINUTES, "Selesai saat itu juga"),
        (None, Service.TimeUnit.WORKING_DAYS, "Belum ditetapkan"),
    ],
)
def test_duration_in_words(value, unit, text):
    assert services.duration_in_words(Service(time_value=value, time_unit=unit)) == text


@pytest.mark.parametrize(
    "amount, variable, text, free",
    [
        (0, False, "Gratis", True),
        (50000, False, "Rp 50.000", False),
        (1250000, False, "Rp 1.250.000", False),
        (750, False, "Rp 750", False),
        (0, True, "Dihitung per permohonan", False),
        (100000, True, "Dihitung per permohonan, mulai Rp 100.000", False),
    ],
)
def test_cost_in_words(amount, variable, text, free):
    service = Service(cost_amount=amount, cost_is_variable=variable)
    assert services.cost_in_words(service) == text
    assert service.is_free is free


def test_lines_drop_blank_lines_and_typed_numbering():
    text = "1. Isi formulir\r\n2) Serahkan berkas\n\n- Ambil akta\n   \n• Selesai\nKTP-el 2 lembar"
    assert services.lines(text) == ["Isi formulir", "Serahkan berkas", "Ambil akta", "Selesai", "KTP-el 2 lembar"]


def test_standard_lists_the_14_components_in_the_regulations_order(make_service):
    service = make_service(cost_amount=50000, cost_note="Sesuai Perda 5/2023.", legal_basis="UU 25/2009")
    standard = services.service_standard(service)
    assert [label for label, _value in standard] == [
        "Persyaratan",
        "Sistem, mekanisme dan prosedur",
        "Jangka waktu pelayanan",
        "Biaya/tarif",
        "Produk pelayanan",
        "Penanganan pengaduan, saran dan masukan",
        "Dasar hukum",
        "Sarana, prasarana dan/atau fasilitas",
        "Kompetensi pelaksana",
        "Pengawasan internal",
        "Jumlah pelaksana",
        "Jaminan pelayanan",
        "Jaminan keamanan dan keselamatan pelayanan",
        "Evaluasi kinerja pelaksana",
    ]
    values = dict(standard)
    assert values["Persyaratan"] == "- Surat keterangan lahir\n- Kartu Keluarga\n- KTP-el orang tua"
    assert values["Sistem, mekanisme dan prosedur"] == "1. Isi formulir\n2. Serahkan berkas\n3. Ambil akta"
    assert values["Jangka waktu pelayanan"] == "1 (satu) hari kerja"
    assert values["Biaya/tarif"] == "Rp 50.000\nSesuai Perda 5/2023."
    assert values["Dasar hukum"] == "UU 25/2009"
    assert values["Jumlah pelaksana"] == ""


def test_only_published_services_of_active_agencies_are_public(make_service, demo_agencies):
    shown = make_service(code="shown")
    make_service(code="draft", is_published=False)
    closed = make_service(agency="dlh-sby", code="closed")
    closed.agency.is_active = False
    closed.agency.save()
    assert list(services.published_services()) == [shown]
    assert services.service_for_code("shown") == shown
    assert services.service_for_code("draft") is None
    assert services.service_for_code("closed") is None


def test_search_needs_every_word_and_looks_at_name_product_and_agency(make_service):
    akta = make_service(code="akta", name="Penerbitan Akta Kelahiran")
    ktp = make_service(code="ktp", name="Perekaman KTP-el", product="Kartu Tanda Penduduk elektronik")
    pbg = make_service(agency="pupr-tuban", code="pbg", name="Persetujuan Bangunan Gedung", product="Dokumen PBG")
    assert list(services.published_services(q="akta")) == [akta]
    assert list(services.published_services(q="AKTA kelahiran")) == [akta]
    assert list(services.published_services(q="akta gedung")) == []
    assert list(services.published_services(q="penduduk elektronik")) == [ktp]
    assert list(services.published_services(q="Tuban")) == [pbg]
    assert set(services.published_services(q="  ")) == {akta, ktp, pbg}


def test_agency_filter_includes_the_units_below_it(make_service, demo_agencies):
    akta = make_service(code="akta")  # Dispendukcapil, a unit of Pemkot Surabaya
    make_service(agency="pupr-tuban", code="pbg")
    assert list(services.published_services(agency=demo_agencies["dispendukcapil-sby"])) == [akta]
    assert list(services.published_services(agency=demo_agencies["surabaya"])) == [akta]
    assert list(services.published_services(agency=demo_agencies["dlh-sby"])) == []
    assert list(services.agencies_with_services()) == [demo_agencies["dispendukcapil-sby"], demo_agencies["pupr-tuban"]]


def test_publication_date_is_stamped_on_publishing_and_cleared_on_withdrawal(make_service):
    service = make_service(is_published=False)
    assert service.published_at is None
    service.is_published = True
    service.save(update_fields=["is_published"])
    service.refresh_from_db()
    first = service.published_at
    assert first is not None
    service.save()
    service.refresh_from_db()
    assert service.published_at == first  # saving again keeps the first publication date
    service.is_published = False
    service.save(update_fields=["is_published"])
    service.refresh_from_db()
    assert service.published_at is None


def test_maklumat_defaults_to_the_common_wording_and_covers_units_without_their_own(demo_agencies):
    pemkot = Maklumat.objects.create(
        agency=demo_agencies["surabaya"], signed_on=dt.date(2025, 1, 6), signatory_name="A", signatory_position="B"
    )
    assert pemkot.text == DEFAULT_MAKLUMAT_TEXT
    assert "siap menerima sanksi" in pemkot.text
    assert services.maklumat_for(demo_agencies["dlh-sby"]) == pemkot
    own = Maklumat.objects.create(
        agency=demo_agencies["dlh-sby"], signed_on=dt.date(2025, 1, 6), signatory_name="C", signatory_position="D"
    )
    assert services.maklumat_for(demo_agencies["dlh-sby"]) == own
    assert services.maklumat_for(demo_agencies["pupr-tuban"]) is None


def test_complaint_link_preselects_the_agencys_region(make_service):
    assert services.report_form_prefill(make_service()) == {"type": "pengaduan", "kabkota": "35.78"}
    village = make_service(agency="desa-bektiharjo", code="sktm")
    assert services.report_form_prefill(village) == {
        "type": "pengaduan",
        "kabkota": "35.23",
        "kecamatan": "35.23.15",
        "desa": "35.23.15.2009",
    }
