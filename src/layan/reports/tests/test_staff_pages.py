"""The staff pages through the Django test client: inbox per role, filters and ordering, the report page with one
form per action (each round trip for the right role), stale pages, bulk actions, call-centre intake and lookup."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Region
from layan.deadlines.models import Clock
from layan.reports.models import Attachment, Disposition, Report, ReportEvent
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.tests.links import working_reporter_link_in
from layan.reports.workflow import Actor, perform

S, DS = Report.State, Disposition.State
pytestmark = pytest.mark.django_db


def new_report(title="Saluran air tersumbat di Jl. Tegalsari", description="Air meluap ke jalan setiap hujan.", **kw):
    return submit_report(
        NewReport(title=title, description=description, region=Region.objects.get(code="35.78.05.1001"), **kw),
        reporter=ReporterInfo(name="Siti Aminah", phone="081234567890"),
    )


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def dispatched_to(report, staff, agency):
    perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[agency])
    report.refresh_from_db()
    return report


def jpeg(name="bukti.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def detail_url(report):
    return reverse("reports:staff-detail", args=[report.tracking_number])


def act_url(report, action):
    return reverse("reports:act", args=[report.tracking_number, action])


def act(client, report, action, disposition=None, **data):
    report.refresh_from_db()
    payload = {"version": report.version, **data}
    if disposition is not None:
        payload["disposition"] = disposition.pk
    return client.post(act_url(report, action), payload)


def active_disposition(report, agency):
    return report.dispositions.get(agency=agency, state__in=Disposition.ACTIVE_STATES)


# --- inbox -------------------------------------------------------------------------------------------------------


def test_inbox_needs_login_and_report_view(client, staff):
    assert client.get(reverse("reports:inbox")).status_code == 302
    login(client, "callcenter.surabaya")
    assert client.get(reverse("reports:inbox")).status_code == 403
    assert client.get(reverse("reports:staff-detail", args=["ABCD-EFGH"])).status_code == 403


def test_admin_inbox_shows_new_reports_of_surabaya(client, staff):
    report = new_report()
    body = login(client, "admin.surabaya").get(reverse("reports:inbox")).content.decode()
    assert report.tracking_number in body and report.title in body
    assert "Belum Terverifikasi" in body and "Verifikasi paling lambat" in body
    assert 'name="reports"' in body  # bulk checkboxes for platform admins
    body = login(client, "admin.tuban").get(reverse("reports:inbox")).content.decode()
    assert report.tracking_number not in body


def test_agency_inbox_shows_only_its_own_dispositions(client, staff, demo_agencies):
    report = dispatched_to(new_report(), staff, demo_agencies["dsdabm-sby"])
    body = login(client, "penghubung.dsdabm-sby").get(reverse("reports:inbox")).content.decode()
    assert report.tracking_number in body
    assert 'name="reports"' not in body  # no bulk actions for agency staff
    for view in ("tugas", "semua"):
        body = login(client, "penghubung.dlh-sby").get(reverse("reports:inbox"), {"lingkup": view}).content.decode()
        assert report.tracking_number not in body


def test_the_inbox_lists_the_admins_agencies_and_wider_ones_not_every_unit_of_other_governments(
    client, staff, demo_agencies, monkeypatch
):
    body = login(client, "admin.surabaya").get(reverse("reports:inbox")).content.decode()
    for slug in ("dsdabm-sby", "dlh-sby", "tuban", "kominfo-jatim"):  # own units, another government, province OPD
        assert demo_agencies[slug].name in body, slug
    assert demo_agencies["dinkes-tuban"].name not in body  # a unit of another government: its report page has it
    from layan.reports import forms_staff

    monkeypatch.setattr(forms_staff, "LISTED_SCOPE", 1)  # a scope too big to list: only the wider agencies
    body = client.get(reverse("reports:inbox")).content.decode()
    assert demo_agencies["tuban"].name in body and demo_agencies["dlh-sby"].name not in body


def test_filtering_the_inbox_by_a_government_finds_what_its_units_hold(client, staff, demo_agencies):
    report = dispatched_to(new_report(), staff, demo_agencies["dsdabm-sby"])
    login(client, "admin.surabaya")
    for slug, found in (("surabaya", True), ("dsdabm-sby", True), ("dlh-sby", False), ("tuban", False)):
        query = {"lingkup": "semua", "agency": demo_agencies[slug].pk}
        body = client.get(reverse("reports:inbox"), query).content.decode()
        assert (report.tracking_number in body) is found, slug


def test_oversight_can_read_but_has_no_action_forms(client, staff, demo_agencies):
    report = dispatched_to(new_report(), staff, demo_agencies["dsdabm-sby"])
    login(client, "pengawas.inspektorat-sby")
    assert report.tracking_number in client.get(reverse("reports:inbox")).content.decode()
    response = client.get(detail_url(report))
    body = response.content.decode()
    assert response.status_code == 200 and report.description in body
    assert "/aksi/" not in body and "Tidak ada tindakan" in body
    assert act(client, report, "note", note="Catatan pengawas").status_code == 403
    assert not report.events.filter(action="note").exists()


def test_inbox_puts_overdue_reports_first(client, staff):
    older = new_report(title="Laporan lama tepat waktu")
    newer = new_report(title="Laporan baru tapi terlambat")
    Clock.objects.filter(report=newer).update(due_at=timezone.now() - dt.timedelta(hours=1))
    body = login(client, "admin.surabaya").get(reverse("reports:inbox")).content.decode()
    assert body.index(newer.tracking_number) < body.index(older.tracking_number)
    assert "terlambat" in body
    body = client.get(reverse("reports:inbox"), {"overdue": "on"}).content.decode()
    assert newer.tracking_number in body and older.tracking_number not in body


def test_inbox_filters_by_status_and_words_and_keeps_them_in_pager(client, staff):
    verified = new_report(title="Lampu jalan padam")
    perform(verified, "verify", Actor(user=staff("admin.surabaya")))
    fresh = new_report(title="Sampah menumpuk di pasar")
    login(client, "admin.surabaya")
    body = client.get(reverse("reports:inbox"), {"status": S.TERVERIFIKASI}).content.decode()
    assert verified.tracking_number in body and fresh.tracking_number not in body
    body = client.get(reverse("reports:inbox"), {"q": "sampah"}).content.decode()
    assert fresh.tracking_number in body and verified.tracking_number not in body
    gubeng = submit_report(
        NewReport(title="Trotoar rusak", description="Berlubang.", region=Region.objects.get(code="35.78.08.1001"))
    )
    body = client.get(reverse("reports:inbox"), {"region": "35.78.05", "channel": "web"}).content.decode()
    assert fresh.tracking_number in body and verified.tracking_number in body and gubeng.tracking_number not in body
    body = client.get(reverse("reports:inbox"), {"region": "35.78.08"}).content.decode()
    assert gubeng.tracking_number in body and fresh.tracking_number not in body
    for i in range(25):
        new_report(title=f"Sampah nomor {i}")
    body = client.get(reverse("reports:inbox"), {"q": "sampah", "status": S.BARU}).content.decode()
    assert "26 laporan" in body
    assert "q=sampah&amp;status=baru&amp;page=2" in body


def test_inbox_prefetches_clocks_without_n_plus_one(client, staff, django_assert_max_num_queries):
    for _i in range(3):
        new_report()
    login(client, "admin.surabaya")
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("reports:inbox"))
    for _i in range(10):
        new_report()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:inbox"))


# --- the report page ---------------------------------------------------------------------------------------------


def test_detail_is_404_outside_scope(client, staff, demo_agencies):
    report = dispatched_to(new_report(), staff, demo_agencies["dsdabm-sby"])
    login(client, "penghubung.dlh-sby")
    assert client.get(detail_url(report)).status_code == 404
    assert client.get(reverse("reports:staff-detail", args=["ZZZZ-ZZZZ"])).status_code == 404
    assert act(client, report, "note", note="x").status_code == 404
    login(client, "admin.tuban")
    assert client.get(detail_url(report)).status_code == 404


def test_detail_shows_everything_for_the_handler(client, staff, demo_agencies):
    report = new_report()
    perform(report, "note", Actor(user=staff("admin.surabaya")), note="Cek dulu ke lapangan.")
    body = login(client, "admin.surabaya").get(detail_url(report)).content.decode()
    assert "Tegalsari, Tegalsari, Kota Surabaya, Jawa Timur" in body
    assert "Siti Aminah" in body and "+6281234567890" in body
    assert "Cek dulu ke lapangan." in body and ">internal<" in body
    for action in ("verify", "dispatch", "classify", "pend", "archive", "note"):
        assert f'action="{act_url(report, action)}#aksi-{action}"' in body
    assert f'name="version" value="{report.version}"' in body


def test_anonymous_reporter_is_hidden(client, staff):
    report = new_report(privacy=Report.Privacy.ANONIM)
    body = login(client, "admin.surabaya").get(detail_url(report)).content.decode()
    assert "Anonim" in body and "Siti Aminah" not in body and "+6281234567890" not in body


def test_verify_and_dispatch_through_the_page(client, staff, demo_agencies):
    report = new_report()
    login(client, "admin.surabaya")
    dsdabm = demo_agencies["dsdabm-sby"]
    body = client.get(detail_url(report)).content.decode()
    assert f'value="{dsdabm.pk}"' in body and "Lingkup Pemkot Surabaya" in body
    response = act(client, report, "verify", agencies=[dsdabm.pk], weight=Report.Weight.RINGAN, note="Lengkap.")
    assert response.status_code == 302 and response["Location"].startswith(detail_url(report))
    report.refresh_from_db()
    assert report.state == S.TERDISPOSISI and report.weight == Report.Weight.RINGAN
    assert report.dispositions.get().agency == dsdabm
    body = client.get(response["Location"]).content.decode()
    assert "berhasil disimpan" in body and "Menunggu tanggapan" in body


def test_dispatch_to_a_second_agency(client, staff, demo_agencies):
    report = dispatched_to(new_report(), staff, demo_agencies["dsdabm-sby"])
    login(client, "admin.surabaya")
    assert act(client, report, "dispatch", agencies=[demo_agencies["dlh-sby"].pk]).status_code == 302
    assert report.dispositions.filter(state=DS.MENUNGGU).count() == 2


def test_agency_accepts_posts_progress_with_photo_and_resolves(client, staff, demo_agencies):
    dsdabm = demo_agencies["dsdabm-sby"]
    report = dispatched_to(new_report(), staff, dsdabm)
    disposition = active_disposition(report, dsdabm)
    login(client, "penghubung.dsdabm-sby")
    body = client.get(detail_url(report)).content.decode()
    assert f'name="disposition" value="{disposition.pk}"' in body and 'enctype="multipart/form-data"' in body

    assert act(client, report, "accept", disposition).status_code == 302
    disposition.refresh_from_db()
    assert disposition.state == DS.DITERIMA

    report.refresh_from_db()
    payload = {"version": report.version, "disposition": disposition.pk, "stage": "cek_lapangan"}
    payload.update(note="Petugas sudah cek lokasi.", photos=jpeg())
    response = client.post(act_url(report, "progress"), payload)
    assert response.status_code == 302
    event = report.events.get(action="progress")
    photo = Attachment.objects.get(event=event)
    assert photo.by_staff and photo.content_type == "image/jpeg"
    assert f"/lampiran/{photo.public_id}/" in client.get(detail_url(report)).content.decode()

    assert act(client, report, "resolve", disposition, note="Saluran sudah dibersihkan.").status_code == 302
    report.refresh_from_db()
    assert report.state == S.SELESAI


def test_a_bad_photo_changes_nothing(client, staff, demo_agencies):
    dsdabm = demo_agencies["dsdabm-sby"]
    report = dispatched_to(new_report(), staff, dsdabm)
    disposition = active_disposition(report, dsdabm)
    login(client, "penghubung.dsdabm-sby")
    fake = SimpleUploadedFile("virus.jpg", b"MZ not a picture at all", content_type="image/jpeg")
    payload = {"version": report.version, "disposition": disposition.pk, "stage": "pengerjaan"}
    response = client.post(act_url(report, "progress"), {**payload, "note": "Sedang dikerjakan.", "photos": fake})
    body = response.content.decode()
    assert response.status_code == 400
    assert "bukan foto" in body and "Sedang dikerjakan." in body
    assert not report.events.filter(action="progress").exists() and not Attachment.objects.exists()
    report.refresh_from_db()
    assert report.state == S.TERDISPOSISI


def test_forward_to_another_agency(client, staff, demo_agencies):
    dsdabm, dlh = demo_agencies["dsdabm-sby"], demo_agencies["dlh-sby"]
    report = dispatched_to(new_report(), staff, dsdabm)
    login(client, "penghubung.dsdabm-sby")
    response = act(client, report, "forward", active_disposition(report, dsdabm), agency=dlh.pk, note="Urusan DLH.")
    assert response.status_code == 302
    assert active_disposition(report, dlh).forwarded_from.agency == dsdabm
    assert login(client, "penghubung.dlh-sby").get(detail_url(report)).status_code == 200


def test_return_to_admin(client, staff, demo_agencies):
    dsdabm = demo_agencies["dsdabm-sby"]
    report = dispatched_to(new_report(), staff, dsdabm)
    disposition = active_disposition(report, dsdabm)
    login(client, "penghubung.dsdabm-sby")
    assert act(client, report, "return", disposition, note="Salah disposisi.").status_code == 302
    disposition.refresh_from_db()
    report.refresh_from_db()
    assert disposition.state == DS.DIKEMBALIKAN and report.state == S.TERVERIFIKASI


def test_pend_archive_and_note_by_admin(client, staff):
    login(client, "admin.surabaya")
    pended = new_report()
    assert act(client, pended, "pend", note="Mohon kirim foto lokasi.").status_code == 302
    pended.refresh_from_db()
    assert pended.state == S.TERTUNDA
    body = client.get(reverse("reports:inbox"), {"status": S.TERTUNDA}).content.decode()
    assert pended.tracking_number in body and "dihentikan sementara" in body

    archived = new_report()
    response = act(
        client, archived, "archive", reason=Report.ArchiveReason.DUPLIKAT, duplicate_of=pended.tracking_number
    )
    assert response.status_code == 302
    archived.refresh_from_db()
    assert archived.state == S.ARSIP and archived.duplicate_of == pended

    noted = new_report()
    assert act(client, noted, "note", note="Pelapor menelepon lagi.").status_code == 302
    event = noted.events.get(action="note")
    assert not event.is_public


def test_invalid_input_is_shown_with_what_was_typed(client, staff, demo_agencies):
    report = dispatched_to(new_report(), staff, demo_agencies["dsdabm-sby"])
    login(client, "penghubung.dsdabm-sby")
    disposition = active_disposition(report, demo_agencies["dsdabm-sby"])
    response = act(client, report, "forward", disposition, note="Bukan urusan kami, mohon dicek.")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Pilih instansi tujuan." in body and "Bukan urusan kami, mohon dicek." in body
    assert re.search(r'<details id="aksi-forward-\d+" open', body)
    assert act(client, report, "pend", note="x").status_code == 403  # an admin action for agency staff


def test_stale_version_shows_reload_message_and_changes_nothing(client, staff):
    report = new_report()
    login(client, "admin.surabaya")
    stale = report.version
    perform(report, "note", Actor(user=staff("admin.surabaya")), note="Perubahan orang lain.")
    response = client.post(act_url(report, "pend"), {"version": stale, "note": "Mohon lengkapi alamat."})
    body = response.content.decode()
    assert response.status_code == 409
    assert "baru saja diubah oleh orang lain" in body
    assert "Mohon lengkapi alamat." in body  # typed input kept, with the fresh version for a second try
    report.refresh_from_db()
    assert report.state == S.BARU and not report.events.filter(action="pend").exists()
    assert f'name="version" value="{report.version}"' in body


# --- bulk actions ------------------------------------------------------------------------------------------------


def test_bulk_verify_and_dispatch(client, staff, demo_agencies):
    first, second = new_report(), new_report(title="Jalan berlubang")
    archived = new_report(title="Sudah diarsipkan")
    perform(archived, "archive", Actor(user=staff("admin.surabaya")), reason="umum")
    dsdabm = demo_agencies["dsdabm-sby"]
    login(client, "admin.surabaya")
    values = [f"{r.tracking_number}:{r.version}" for r in (first, second)] + [archived.tracking_number]
    response = client.post(
        reverse("reports:bulk-action"),
        {"operation": "verifikasi_disposisi", "reports": values, "agencies": [dsdabm.pk], "next": "/staf/laporan/"},
        follow=True,
    )
    body = response.content.decode()
    assert "2 berhasil, 1 gagal: " + archived.tracking_number in body
    for report in (first, second):
        report.refresh_from_db()
        assert report.state == S.TERDISPOSISI and report.dispositions.get().agency == dsdabm


def test_bulk_archive_needs_a_reason_and_verify_permission(client, staff):
    report = new_report()
    login(client, "admin.surabaya")
    client.post(reverse("reports:bulk-action"), {"operation": "arsipkan", "reports": [report.tracking_number]})
    report.refresh_from_db()
    assert report.state == S.BARU
    client.post(
        reverse("reports:bulk-action"),
        {"operation": "arsipkan", "reports": [report.tracking_number], "reason": "format"},
    )
    report.refresh_from_db()
    assert report.state == S.ARSIP and report.archive_reason == "format"
    login(client, "penghubung.dsdabm-sby")
    assert client.post(reverse("reports:bulk-action"), {"operation": "arsipkan"}).status_code == 403


# --- call centre -------------------------------------------------------------------------------------------------


def test_intake_by_call_centre_and_lookup_by_phone(client, staff):
    login(client, "callcenter.surabaya")
    page = client.get(reverse("reports:intake")).content.decode()
    assert 'value="35.78.05.1001"' in page and 'value="35.23' not in page  # only Surabaya's regions
    response = client.post(
        reverse("reports:intake"),
        {
            "channel": "telepon",
            "name": "Pak Slamet",
            "phone": "0812-3456-7899",
            "type": "pengaduan",
            "title": "Pohon tumbang menutup jalan",
            "description": "Pohon besar tumbang di depan sekolah sejak pagi.",
            "region": "35.78.05.1002",
            "privacy": "publik",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get(title="Pohon tumbang menutup jalan")
    assert report.channel == Report.Channel.TELEPON and report.entered_by == staff("callcenter.surabaya")
    assert str(report.reporter.phone) == "+6281234567899" and report.reporter.name == "Pak Slamet"
    assert ReportEvent.objects.get(report=report).actor_kind == "intake"
    body = client.get(response["Location"]).content.decode()
    assert report.tracking_number in body and working_reporter_link_in(body, report)

    body = client.get(reverse("reports:lookup"), {"q": "0812 3456 7899"}).content.decode()
    assert report.tracking_number in body and "Belum Terverifikasi" in body and "Verifikasi paling lambat" in body
    assert "/staf/laporan/" + report.tracking_number not in body  # the call centre cannot open the full page


def test_intake_rejects_bad_phone_and_other_channels(client, staff):
    login(client, "callcenter.surabaya")
    data = {"channel": "whatsapp", "phone": "123", "type": "pengaduan", "title": "x", "description": "y"}
    response = client.post(reverse("reports:intake"), {**data, "region": "35.78.05.1001", "privacy": "publik"})
    body = response.content.decode()
    assert response.status_code == 400 and "Nomor telepon tidak valid" in body
    assert not Report.objects.exists()
    login(client, "penghubung.dsdabm-sby")
    assert client.get(reverse("reports:intake")).status_code == 403


def test_lookup_hides_confidential_content_from_the_call_centre(client, staff):
    secret = new_report(title="Pungli di kantor kelurahan", privacy=Report.Privacy.RAHASIA)
    login(client, "callcenter.surabaya")
    body = client.get(reverse("reports:lookup"), {"q": secret.tracking_number.lower()}).content.decode()
    assert secret.tracking_number in body and "Pungli" not in body and "rahasia" in body
    login(client, "admin.surabaya")
    body = client.get(reverse("reports:lookup"), {"q": "081234567890"}).content.decode()
    assert "Pungli" in body and detail_url(secret) in body
    assert login(client, "penghubung.dlh-sby").get(reverse("reports:lookup")).status_code == 200


@pytest.mark.django_db
def test_lookup_by_phone_never_reveals_anonymous_reports(demo_agencies, staff):
    from layan.reports.services import find_for_caller

    anonymous = new_report(privacy=Report.Privacy.ANONIM)
    officer = staff("callcenter.surabaya")
    assert anonymous.reporter.phone  # the phone is kept for the reporter's own updates ...
    assert not find_for_caller("081234567890", officer).filter(pk=anonymous.pk).exists()  # ... never searchable
    assert find_for_caller(anonymous.tracking_number, officer).filter(pk=anonymous.pk).exists()
