"""The public catalogue pages, through Django's test client without JavaScript."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from layan.charter.models import Maklumat
from layan.reports.models import Category

pytestmark = pytest.mark.django_db

LIST = reverse("charter:list")


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_catalogue_lists_only_published_services(client, make_service):
    make_service(code="akta", name="Penerbitan Akta Kelahiran")
    make_service(code="kia", name="Kartu Identitas Anak", is_published=False)
    response = client.get(LIST)
    assert response.status_code == 200
    page = text_of(response)
    assert "Penerbitan Akta Kelahiran" in page
    assert reverse("charter:detail", args=["akta"]) in page
    assert "Kartu Identitas Anak" not in page
    assert "1 layanan" in page
    assert "1 (satu) hari kerja" in page and "Gratis" in page


def test_catalogue_search_and_agency_filter(client, make_service):
    make_service(code="akta", name="Penerbitan Akta Kelahiran")
    make_service(agency="pupr-tuban", code="pbg", name="Persetujuan Bangunan Gedung", product="Dokumen PBG")

    page = text_of(client.get(LIST, {"q": "bangunan"}))
    assert "Persetujuan Bangunan Gedung" in page and "Penerbitan Akta Kelahiran" not in page

    page = text_of(client.get(LIST, {"instansi": "dispendukcapil-sby"}))
    assert "Penerbitan Akta Kelahiran" in page and "Persetujuan Bangunan Gedung" not in page
    assert "Hapus saringan" in page

    page = text_of(client.get(LIST, {"q": "bangunan", "instansi": "dispendukcapil-sby"}))
    assert "0 layanan" in page and "Tidak ada layanan yang cocok" in page


def test_catalogue_explains_an_unknown_agency_and_shows_everything(client, make_service):
    make_service(code="akta")
    response = client.get(LIST, {"instansi": "tidak-ada"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Instansi ini tidak ada di daftar" in page
    assert "1 layanan" in page


def test_agency_filter_offers_only_agencies_with_published_services(client, make_service):
    make_service(code="akta")
    make_service(agency="dlh-sby", code="draft", is_published=False)
    page = text_of(client.get(LIST))
    assert '<option value="dispendukcapil-sby">' in page
    assert 'value="dlh-sby"' not in page


def test_service_page_shows_the_delivery_components(client, make_service):
    category = Category.objects.create(slug="adminduk", name="Administrasi kependudukan")
    service = make_service(
        code="surat-sehat",
        name="Surat Keterangan Sehat",
        time_value=60,
        time_unit="menit",
        cost_amount=50000,
        cost_note="Retribusi sesuai Perda.",
        complaint_handling="Kotak saran di loket.",
        legal_basis="Perda Kabupaten Tuban tentang Retribusi",
    )
    service.categories.add(category)
    response = client.get(reverse("charter:detail", args=["surat-sehat"]))
    assert response.status_code == 200
    page = text_of(response)
    checklist = page.split('<ul class="checklist">')[1].split("</ul>")[0]
    assert checklist.count("<li>") == 3
    assert "<li>Kartu Keluarga</li>" in checklist and "2. Kartu" not in checklist
    steps = page.split('<ol class="steps">')[1].split("</ol>")[0]
    assert [s.split("</li>")[0] for s in steps.split("<li>")[1:]] == ["Isi formulir", "Serahkan berkas", "Ambil akta"]
    assert "60 (enam puluh) menit" in page
    assert "Rp 50.000" in page and "Retribusi sesuai Perda." in page and "Gratis" not in page
    assert "Kutipan akta kelahiran" in page
    assert "Kotak saran di loket." in page
    assert "Administrasi kependudukan" in page
    assert f'href="{reverse("reports:submit")}?type=pengaduan&kabkota=35.78"' in page
    management = page.split('<details class="section">')[1].split("</details>")[0]
    assert "Dasar hukum" in management and "Perda Kabupaten Tuban tentang Retribusi" in management
    assert "Evaluasi kinerja pelaksana" in management


def test_free_service_says_gratis_and_invites_a_report_of_any_charge(client, make_service):
    make_service(code="akta")
    page = text_of(client.get(reverse("charter:detail", args=["akta"])))
    assert "Gratis" in page and "Bila Anda dimintai uang, laporkan." in page


def test_complaint_link_prefills_the_report_form(client, make_service):
    make_service(agency="desa-bektiharjo", code="sktm")
    page = text_of(client.get(reverse("charter:detail", args=["sktm"])))
    url = page.split('class="button primary" href="')[1].split('"')[0]
    form = text_of(client.get(url))
    assert '<option value="35.23" selected>' in form


def test_unpublished_and_unknown_services_are_404(client, make_service):
    make_service(code="kia", is_published=False)
    assert client.get(reverse("charter:detail", args=["kia"])).status_code == 404
    assert client.get(reverse("charter:detail", args=["tidak-ada"])).status_code == 404


def test_service_page_shows_the_agencys_maklumat(client, make_service, demo_agencies):
    make_service(code="akta")
    Maklumat.objects.create(
        agency=demo_agencies["surabaya"],
        place="Surabaya",
        signed_on=dt.date(2025, 1, 6),
        signatory_name="Budi Santoso",
        signatory_position="Wali Kota Surabaya",
    )
    page = text_of(client.get(reverse("charter:detail", args=["akta"])))
    assert "Maklumat pelayanan" in page
    assert "siap menerima sanksi" in page
    assert "Surabaya, " in page and "6 Januari 2025" in page
    assert "Budi Santoso" in page
    assert reverse("charter:maklumat", args=["surabaya"]) in page


def test_maklumat_page_lists_the_agencys_published_services(client, make_service, demo_agencies):
    make_service(code="akta", name="Penerbitan Akta Kelahiran")
    make_service(code="kia", name="Kartu Identitas Anak", is_published=False)
    make_service(agency="pupr-tuban", code="pbg", name="Persetujuan Bangunan Gedung")
    Maklumat.objects.create(
        agency=demo_agencies["dispendukcapil-sby"],
        text="Kami sanggup melayani sesuai standar.\nKami siap menerima sanksi.",
        place="Surabaya",
        signed_on=dt.date(2025, 1, 6),
        signatory_name="Dra. Endah",
        signatory_position="Kepala Dinas",
    )
    response = client.get(reverse("charter:maklumat", args=["dispendukcapil-sby"]))
    assert response.status_code == 200
    page = text_of(response)
    assert "Kami sanggup melayani sesuai standar.<br>Kami siap menerima sanksi." in page
    assert "Dra. Endah" in page and "Kepala Dinas" in page
    assert "Penerbitan Akta Kelahiran" in page
    assert "Kartu Identitas Anak" not in page and "Persetujuan Bangunan Gedung" not in page


def test_maklumat_page_is_404_without_a_maklumat_or_agency(client, demo_agencies):
    assert client.get(reverse("charter:maklumat", args=["dlh-sby"])).status_code == 404
    assert client.get(reverse("charter:maklumat", args=["tidak-ada"])).status_code == 404


def test_site_navigation_links_to_the_catalogue(client, demo_agencies):
    page = text_of(client.get(reverse("home")))
    assert f'<a href="{LIST}">Layanan</a>' in page
