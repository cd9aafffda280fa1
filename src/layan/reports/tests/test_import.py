"""Bulk import of historical reports (``layan.reports.importer``, ``layan import-reports``, ``/staf/impor/``):
parsing CSV and XLSX, the dry run listing every bad row, all-or-nothing import, the replayed history (states,
dates, dispositions, stopped clocks), no notifications, idempotent re-import, the command and the page."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from layan.core import pii
from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Agency, Citizen
from layan.deadlines.models import Clock
from layan.notifications.models import Notification
from layan.reports.demo import seed_categories
from layan.reports.importer import (
    COLUMN_NAMES,
    ImportFileError,
    check_import,
    load_table,
    run_import,
    template_csv,
    write_import,
)
from layan.reports.models import Disposition, Follower, Report, ReportEvent

S = Report.State
UTC = dt.UTC
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(demo_agencies):
    seed_categories()
    return demo_agencies


def row(**values):
    base = {
        "nomor_lama": "A-1",
        "tanggal_lapor": "2019-03-05 08:00",
        "isi": "Jalan berlubang di depan sekolah, berbahaya bagi pengendara motor.",
        "kategori": "jalan-saluran",
        "kode_wilayah": "35.78.05.1001",
        "status": "Belum Terverifikasi",
    }
    base.update(values)
    return base


def csv_bytes(rows, delimiter=",", bom=False, columns=None):
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def table(rows, **kw):
    return load_table(csv_bytes(rows, **kw), "laporan.csv")


def surabaya():
    return Agency.objects.get(slug="surabaya")


def counts():
    models = (Report, ReportEvent, Clock, Citizen, Disposition, Follower, Notification)
    return {m.__name__: m.objects.count() for m in models}


CLOSED = row(
    nomor_lama="LPR-2019-7",
    judul="Lubang jalan Tegalsari",
    tanggal_lapor="2019-03-05 08:00",
    status="Selesai dan Ditutup",
    instansi="dsdabm-sby",
    tanggal_disposisi="05/03/2019 13.00",
    tanggal_tanggapan="2019-03-06 09:00",
    tanggapan="Lubang sudah ditambal oleh tim UPTD.",
    tanggal_selesai="2019-03-08",
    tanggal_ditutup="2019-03-20",
    nama_pelapor="Siti Aminah",
    telepon_pelapor="081234567890",
    email_pelapor="Siti@Example.com",
    kanal_asal="Twitter",
)


# --- reading files -------------------------------------------------------------------------------------------------


def test_template_lists_every_column_and_imports_its_examples(setup):
    rows = list(csv.reader(io.StringIO(template_csv())))
    assert rows[0] == COLUMN_NAMES
    result = run_import(load_table(template_csv().encode(), "templat.csv"), admin_agency=surabaya())
    assert result.imported and result.check.errors == []
    states = sorted(Report.objects.values_list("external_id", "state"))
    assert states == [("LPR-2019-0001", S.DITUTUP), ("LPR-2024-0815", S.DIPROSES)]


def test_semicolon_csv_with_bom_and_english_headers(setup):
    rows = [
        {
            "Old ID": "X-9",
            "Reported at": "2019-03-05 08:00",
            "Description": "Lampu jalan mati; gelap sekali",
            "Region code": "3578051001",
            "Status": "new",
            "Latitude": "-7,2650",
            "Longitude": "112,7350",
            "Catatan internal": "kolom tambahan",
        }
    ]
    data = table(rows, delimiter=";", bom=True)
    assert data.headers[0] == "Old ID"  # the BOM is not part of the first column's name
    check = check_import(data, admin_agency=surabaya())
    assert check.errors == []
    assert check.notices == ["Kolom “Catatan internal” tidak dikenal dan diabaikan."]
    plan = check.planned[0]
    assert plan.external_id == "X-9"
    assert plan.new.description == "Lampu jalan mati; gelap sekali"
    assert plan.new.title == "Lampu jalan mati; gelap sekali"  # no title column: taken from the text
    assert plan.new.region.code == "35.78.05.1001"
    assert str(plan.new.latitude) == "-7.265000"
    assert plan.reported_at == dt.datetime(2019, 3, 5, 1, 0, tzinfo=UTC)  # 08:00 WIB


def test_windows_code_page_csv_is_read(setup):
    content = csv_bytes([row(isi="Pelayanan di kantor kelurahan — lambat, “tidak ramah”")]).decode().encode("cp1252")
    check = check_import(load_table(content, "lama.csv"), admin_agency=surabaya())
    assert check.errors == []
    assert check.planned[0].new.description == "Pelayanan di kantor kelurahan — lambat, “tidak ramah”"


def test_xlsx_first_sheet_with_date_cells_and_numbers(setup):
    book = Workbook()
    sheet = book.active
    sheet.append(["nomor_lama", "tanggal_lapor", "isi", "status", "instansi", "tanggal_selesai", "telepon_pelapor"])
    sheet.append(
        [
            1001,
            dt.datetime(2019, 3, 5, 8, 0),
            "Sampah menumpuk",
            "Terdisposisi Selesai",
            "dlh-sby",
            dt.date(2019, 3, 7),
            81234567890,
        ]
    )
    sheet.append([None, None, None, None, None, None, None])  # blank rows are skipped, numbering continues
    sheet.append([1002, "2019-03-09", "Air tidak mengalir", "arsip", None, None, None])
    book.create_sheet("Lain").append(["bukan", "ini"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = load_table(buffer.getvalue(), "ekspor.xlsx")
    assert [number for number, _cells in data.rows] == [2, 4]
    check = check_import(data, admin_agency=surabaya())
    assert check.errors == []
    first, second = check.planned
    assert first.external_id == "1001" and first.reported_at == dt.datetime(2019, 3, 5, 1, 0, tzinfo=UTC)
    assert first.reporter.phone == "+6281234567890"
    assert second.state == S.ARSIP and second.archive_reason == Report.ArchiveReason.LAINNYA


def test_unreadable_files_and_missing_columns_are_refused():
    with pytest.raises(ImportFileError):
        load_table(b"PK\x03\x04 not really a workbook", "x.xlsx")
    with pytest.raises(ImportFileError, match="nama kolom"):
        load_table(b"\n\n", "kosong.csv")
    data = load_table(b"judul,isi\nA,B\n", "x.csv")
    with pytest.raises(ImportFileError, match="nomor_lama, tanggal_lapor, status"):
        check_import(data)


# --- the dry run and all or nothing -------------------------------------------------------------------------------

BAD_ROWS = [
    row(nomor_lama="OK-1"),
    row(nomor_lama="B-2", tanggal_lapor="5 Maret 2019"),
    row(nomor_lama="B-3", kategori="tidak-ada"),
    row(nomor_lama="B-4", kode_wilayah="99.99.99"),
    row(nomor_lama="B-5", status="Terdisposisi Belum Ditindaklanjuti", instansi="dinas-fiktif"),
    row(nomor_lama="B-6", status="Entah"),
    row(nomor_lama="B-7", isi=""),
    row(nomor_lama="OK-1"),
    row(nomor_lama="B-9", lintang="-97.1", bujur="abc"),
    row(nomor_lama="B-10", status="ditutup", instansi="dlh-sby", tanggal_selesai="2019-03-01"),
    row(nomor_lama="B-11", tanggal_lapor="2999-01-01"),
    row(nomor_lama="B-12", telepon_pelapor="12", email_pelapor="bukan-surel"),
]


def test_dry_run_lists_every_bad_row_and_changes_nothing(setup):
    before = counts()
    result = run_import(table(BAD_ROWS), admin_agency=surabaya(), dry_run=True)
    found = {(e.row, e.column) for e in result.check.errors}
    assert found == {
        (3, "tanggal_lapor"),
        (4, "kategori"),
        (5, "kode_wilayah"),
        (6, "instansi"),
        (7, "status"),
        (8, "isi"),
        (9, "nomor_lama"),
        (10, "lintang"),
        (10, "bujur"),
        (11, "tanggal_selesai"),
        (12, "tanggal_lapor"),
        (13, "telepon_pelapor"),
        (13, "email_pelapor"),
    }
    messages = {(e.row, e.column): e.message for e in result.check.errors}
    assert messages[(9, "nomor_lama")] == "Nomor lama “OK-1” sudah dipakai di baris 2."
    assert "tidak dikenali" in messages[(3, "tanggal_lapor")]
    assert "99.99.99" in messages[(5, "kode_wilayah")]
    assert [p.external_id for p in result.check.planned] == ["OK-1"]
    assert result.check.bad_rows == 11
    assert not result.imported and counts() == before


def test_one_bad_row_among_good_ones_imports_nothing(setup):
    before = counts()
    rows = [CLOSED, row(nomor_lama="G-2"), row(nomor_lama="G-3", kode_wilayah="35.78.99")]
    result = run_import(table(rows), admin_agency=surabaya())
    assert not result.imported and result.created == []
    assert [(e.row, e.column) for e in result.check.errors] == [(4, "kode_wilayah")]
    assert counts() == before


def test_row_imported_meanwhile_by_another_process_rolls_back_every_row(setup):
    """Between the check and the write another process imports one of the numbers: the unique constraint stops
    that row, and the rows already written in this run are undone."""
    check = check_import(table([CLOSED, row(nomor_lama="G-2")]), admin_agency=surabaya())
    assert check.ok
    run_import(table([row(nomor_lama="G-2")]), admin_agency=surabaya())  # the other process
    before = counts()
    result = write_import(check)
    assert not result.imported and result.created == []
    assert [(e.row, e.column) for e in result.check.errors] == [(3, "nomor_lama")]
    assert counts() == before


# --- the imported history ------------------------------------------------------------------------------------------


def test_closed_report_gets_its_history_dates_dispositions_and_stopped_clocks(setup):
    result = run_import(table([CLOSED]), admin_agency=surabaya(), source="lapor-2019")
    assert result.imported
    report = Report.objects.get(external_id="LPR-2019-7")
    assert report.import_source == "lapor-2019" and report.admin_agency.slug == "surabaya"
    assert report.state == S.DITUTUP
    assert report.channel == Report.Channel.IMPORT  # "Twitter" is no Layan channel: kept in the import note
    wib = dt.timedelta(hours=7)
    assert report.created_at == dt.datetime(2019, 3, 5, 8, 0, tzinfo=UTC) - wib
    assert report.verified_at == report.dispatched_at == dt.datetime(2019, 3, 5, 13, 0, tzinfo=UTC) - wib
    assert report.first_response_at == dt.datetime(2019, 3, 6, 9, 0, tzinfo=UTC) - wib
    assert report.resolved_at == dt.datetime(2019, 3, 8, tzinfo=UTC) - wib
    assert report.closed_at == dt.datetime(2019, 3, 20, tzinfo=UTC) - wib
    disposition = report.dispositions.get()
    assert disposition.agency.slug == "dsdabm-sby" and disposition.state == Disposition.State.SELESAI
    assert disposition.dispatched_at == report.dispatched_at and disposition.resolved_at == report.resolved_at
    actions = list(report.events.values_list("action", "is_public"))
    assert actions == [
        ("submit", True),
        ("verify", True),
        ("dispatch", True),
        ("accept", True),
        ("resolve", True),
        ("confirm", True),
        ("note", False),
    ]
    answer = report.events.get(action="resolve")
    assert answer.note == "Lubang sudah ditambal oleh tim UPTD." and answer.agency.slug == "dsdabm-sby"
    assert "Kanal asal: Twitter" in report.events.get(action="note").note
    statuses = dict(report.clocks.values_list("step", "status"))
    assert set(statuses.values()) <= {Clock.Status.MET, Clock.Status.LATE}
    assert statuses["first_response"] == Clock.Status.MET  # answered 20 hours after dispatch: within 1x24 hours
    assert not report.clocks.filter(status__in=[Clock.Status.RUNNING, Clock.Status.PAUSED]).exists()
    assert report.reporter.email == "siti@example.com"
    assert Follower.objects.filter(report=report, email_index=pii.email_index("siti@example.com")).exists()
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_open_and_archived_reports(setup):
    rows = [
        row(
            nomor_lama="O-1",
            status="Terdisposisi Sedang Diproses",
            instansi="dlh-sby; Dinas Sosial Kota Surabaya",
            tanggapan="Petugas sudah mengecek lokasi.",
            tanggal_tanggapan="2019-03-06 10:00",
            email_pelapor="a@b.id",
        ),
        row(nomor_lama="O-2", status="arsip", alasan_arsip="duplikat", tanggal_ditutup="2019-03-06"),
        row(nomor_lama="O-3", status="Tertunda", tanggapan="Mohon lengkapi alamatnya."),
        row(nomor_lama="O-4", status="Belum Terverifikasi"),
        row(nomor_lama="O-5", status="Terverifikasi / Terdisposisi Belum Ditindaklanjuti"),
    ]
    assert run_import(table(rows), admin_agency=surabaya()).imported
    busy = Report.objects.get(external_id="O-1")
    assert busy.state == S.DIPROSES
    assert sorted(busy.dispositions.values_list("agency__slug", flat=True)) == ["dinsos-sby", "dlh-sby"]
    running = busy.clocks.filter(status=Clock.Status.RUNNING)
    assert sorted(running.values_list("step", flat=True)) == ["resolution", "resolution"]
    assert all(c.started_at.year == 2019 for c in running)  # from the historical dispatch, not today
    archived = Report.objects.get(external_id="O-2")
    assert archived.state == S.ARSIP and archived.archive_reason == Report.ArchiveReason.DUPLIKAT
    assert not archived.clocks.filter(status=Clock.Status.RUNNING).exists()
    assert Report.objects.get(external_id="O-3").state == S.TERTUNDA
    fresh = Report.objects.get(external_id="O-4")
    assert fresh.state == S.BARU and fresh.clocks.get().status == Clock.Status.RUNNING
    verified = Report.objects.get(external_id="O-5")
    assert verified.state == S.TERVERIFIKASI and verified.clocks.get(status=Clock.Status.RUNNING).step == "dispatch"
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_resolved_long_ago_closes_at_the_end_of_the_confirmation_window(setup):
    rows = [
        row(nomor_lama="R-1", status="Terdisposisi Selesai", instansi="dlh-sby", tanggal_selesai="2019-03-07 10:00"),
    ]
    assert run_import(table(rows), admin_agency=surabaya()).imported
    report = Report.objects.get(external_id="R-1")
    assert report.state == S.DITUTUP
    clock = report.clocks.get(step="confirmation")
    assert clock.status == Clock.Status.MET and report.closed_at == clock.due_at
    assert report.events.filter(action="auto_close").exists()
    assert Notification.objects.count() == 0


def test_region_time_zone_and_explicit_offset(setup):
    rows = [
        row(nomor_lama="T-1", kode_wilayah="51.71.01", tanggal_lapor="2019-03-05 08:00"),  # Bali: WITA
        row(nomor_lama="T-2", kode_wilayah="", tanggal_lapor="2019-03-05T08:00:00+09:00"),
    ]
    plans = {p.external_id: p for p in check_import(table(rows), admin_agency=surabaya()).planned}
    assert plans["T-1"].reported_at == dt.datetime(2019, 3, 5, 0, 0, tzinfo=UTC)
    assert plans["T-2"].reported_at == dt.datetime(2019, 3, 4, 23, 0, tzinfo=UTC)


def test_reimport_of_the_same_file_creates_nothing(setup):
    data = table([CLOSED, row(nomor_lama="G-2")])
    first = run_import(data, admin_agency=surabaya())
    assert len(first.created) == 2
    before = counts()
    again = run_import(data, admin_agency=surabaya())
    assert again.imported and again.created == []
    assert [(s.row, s.external_id) for s in again.check.skipped] == [(2, "LPR-2019-7"), (3, "G-2")]
    assert counts() == before
    other_source = check_import(data, admin_agency=surabaya(), source="sistem-lain")
    assert len(other_source.planned) == 2  # another system's numbers are not these


def test_user_may_only_import_into_their_own_admin_agency(setup, staff):
    rows = [row(nomor_lama="P-1"), row(nomor_lama="P-2", kode_wilayah="35.23.15.2009")]  # Surabaya, Tuban
    check = check_import(table(rows), user=staff("admin.surabaya"))  # admin agency routed by region
    assert [(e.row, e.message) for e in check.errors] == [
        (3, "Anda tidak berwenang mengimpor laporan untuk Pemerintah Kabupaten Tuban.")
    ]


# --- the command ---------------------------------------------------------------------------------------------------


def test_command_dry_run_then_import_then_again(setup, tmp_path):
    path = tmp_path / "lama.csv"
    path.write_bytes(csv_bytes([CLOSED, row(nomor_lama="G-2")], delimiter=";"))
    out = io.StringIO()
    call_command("import-reports", str(path), "--dry-run", "--admin-agency", "surabaya", stdout=out)
    assert "akan dibuat 2" in out.getvalue() and Report.objects.count() == 0
    out = io.StringIO()
    call_command("import-reports", str(path), "--admin-agency", "surabaya", "--user", "admin.surabaya", stdout=out)
    assert "Diimpor 2 laporan" in out.getvalue()
    assert set(Report.objects.values_list("entered_by__username", flat=True)) == {"admin.surabaya"}
    out = io.StringIO()
    call_command("import-reports", str(path), "--admin-agency", "surabaya", stdout=out)
    assert "Diimpor 0 laporan, dilewati (sudah pernah diimpor) 2" in out.getvalue()


def test_command_with_bad_rows_fails_and_imports_nothing(setup, tmp_path):
    path = tmp_path / "lama.csv"
    path.write_bytes(csv_bytes([CLOSED, row(nomor_lama="G-2", status="hilang")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="tidak ada laporan yang diimpor"):
        call_command("import-reports", str(path), "--admin-agency", "surabaya", stdout=out)
    assert "Baris 3, kolom status: Status “hilang” tidak dikenal." in out.getvalue()
    assert Report.objects.count() == 0
    with pytest.raises(CommandError, match="tidak ada atau tidak aktif"):
        call_command("import-reports", str(path), "--admin-agency", "tidak-ada")


# --- the page ------------------------------------------------------------------------------------------------------


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def upload(client, content, name="lama.csv", agency=None, source="lapor-lama"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        "admin_agency": (agency or surabaya()).pk,
        "source": source,
    }
    return client.post(reverse("reports:import"), data)


def test_page_refuses_anonymous_and_liaison_officers(setup, client):
    url = reverse("reports:import")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login(client, "penghubung.dsdabm-sby")
    assert client.get(url).status_code == 403
    assert upload(client, csv_bytes([CLOSED])).status_code == 403
    assert client.get(reverse("reports:import-template")).status_code == 403
    assert Report.objects.count() == 0


def test_page_upload_check_confirm_and_result(setup, client):
    login(client, "admin.surabaya")
    page = client.get(reverse("reports:import"))
    assert page.status_code == 200 and "tanggal_lapor" in page.content.decode()
    template = client.get(reverse("reports:import-template"))
    assert template.content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMN_NAMES)

    response = upload(client, csv_bytes([CLOSED, row(nomor_lama="G-2")]))
    assert response.status_code == 302
    check_url = response["Location"]
    page = client.get(check_url)
    html = page.content.decode()
    assert page.status_code == 200 and "Impor 2 laporan" in html
    assert Report.objects.count() == 0  # the check wrote nothing

    response = client.post(check_url)
    assert response.status_code == 302 and response["Location"] == reverse("reports:import-result")
    assert Report.objects.filter(import_source="lapor-lama").count() == 2
    result = client.get(response["Location"]).content.decode()
    number = Report.objects.get(external_id="G-2").tracking_number
    assert reverse("reports:staff-detail", args=[number]) in result
    assert client.post(check_url).status_code == 404  # the checked file is gone once imported
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_page_shows_bad_rows_and_the_confirmation_imports_nothing(setup, client):
    login(client, "admin.surabaya")
    response = upload(client, csv_bytes([CLOSED, row(nomor_lama="G-2", kategori="tidak-ada")]))
    check_url = response["Location"]
    html = client.get(check_url).content.decode()
    assert "Kategori “tidak-ada” tidak ada di Layan." in html
    assert re.search(r"<td>3</td><td><code>kategori</code></td>", html)
    assert "Impor 1 laporan" not in html  # no confirmation button
    response = client.post(check_url)  # a forged confirmation
    assert response.status_code == 400 and Report.objects.count() == 0


def test_admin_of_one_government_cannot_import_into_another(setup, client, staff):
    login(client, "admin.surabaya")
    response = upload(client, csv_bytes([CLOSED]), agency=Agency.objects.get(slug="tuban"))
    assert response.status_code == 400 and Report.objects.count() == 0
    login(client, "admin.tuban")
    response = upload(
        client,
        csv_bytes([row(nomor_lama="T-1", kode_wilayah="35.23.15.2009")]),
        agency=Agency.objects.get(slug="tuban"),
    )
    check_url = response["Location"]
    other = client.__class__()
    login(other, "admin.surabaya")
    assert other.get(check_url).status_code == 404  # the checked file belongs to the user who uploaded it
    assert other.post(check_url).status_code == 404
    assert Report.objects.count() == 0


def test_page_rejects_an_unreadable_file(setup, client):
    login(client, "admin.surabaya")
    response = upload(client, b"PK\x03\x04rusak", name="lama.xlsx")
    assert response.status_code == 400
    assert "Berkas XLSX tidak dapat dibaca" in response.content.decode()
