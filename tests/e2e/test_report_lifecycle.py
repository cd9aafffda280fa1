"""End to end, in a real browser: a citizen reports a broken road with a photo, the Surabaya admin verifies and
dispatches it, the roads agency (DSDABM) accepts, posts progress with an evidence photo and resolves it, and the
citizen confirms and rates it through the secret link. Every page visited is saved as a screenshot.

Fields are found as a person finds them: by their labels, headings and button names on the real pages.
"""

import io
import re

import pytest
from PIL import ExifTags, Image, ImageDraw

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "layan-demo"
ADMIN = "admin.surabaya"
AGENCY_USER = "penghubung.dsdabm-sby"
AGENCY_NAME = "Dinas Sumber Daya Air dan Bina Marga Kota Surabaya"
CATEGORY = "Jalan, trotoar dan saluran"
TITLE = "Jalan berlubang besar di Jl. Tegalsari"
TRACKING = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")

BELUM = "Belum Terverifikasi"
TERVERIFIKASI = "Terverifikasi / Terdisposisi Belum Ditindaklanjuti"
DIPROSES = "Terdisposisi Sedang Diproses"
SELESAI = "Terdisposisi Selesai"


def htmx_settled(page):
    """Wait until htmx has swapped the new selects in and bound their events (it settles ~20 ms after a swap);
    a select changed before that sends no request. A person is never that fast, a test is."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
    page.wait_for_timeout(50)


def make_photo(path, *, text: str, colour, gps: bool):
    """A small JPEG that looks like a photo; with ``gps`` it carries a camera make and a GPS position in EXIF."""
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((220, 260, 580, 420), fill=(45, 40, 35))
    draw.text((24, 24), text, fill=(255, 255, 255))
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "LayanCam"
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "S"
        info[ExifTags.GPS.GPSLatitude] = (7.0, 15.0, 27.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (112.0, 45.0, 7.5)
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


# --- helpers: what a person sees ---------------------------------------------------------------------------------


def expect_reporter_status(page, status: str):
    from playwright.sync_api import expect

    expect(page.locator("p").filter(has_text=re.compile(r"^\s*Status:"))).to_have_text(f"Status: {status}")


def expect_image_shown(image) -> None:
    """The <img> is visible and its picture really loaded (not a broken icon)."""
    from playwright.sync_api import expect

    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    width = image.evaluate("async img => { await img.decode(); return img.naturalWidth; }")
    assert width > 0


def action(page, label: str):
    """The collapsible form of one action on the staff report page (``<details>`` whose summary is ``label``),
    opened."""
    summary = page.locator("summary").filter(has_text=re.compile(rf"^\s*{re.escape(label)}(\s|$)"))
    details = page.locator("details").filter(has=summary)
    if details.get_attribute("open") is None:
        summary.click()
    return details


def expect_saved(page, label: str):
    from playwright.sync_api import expect

    expect(page.get_by_role("status")).to_contain_text(f"“{label}” berhasil disimpan.")


def log_in(context, username: str, shoot, who: str):
    """Open the staff inbox, get sent to the login page, log in and land back on the inbox."""
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto("/staf/laporan/")
    expect(page.get_by_role("heading", name="Masuk untuk staf")).to_be_visible()
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    shoot(page, f"{who}-login")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Menunggu tindakan Anda")).to_be_visible()
    return page


# --- the test ----------------------------------------------------------------------------------------------------


def test_report_lifecycle_in_browser(live_server, demo_agencies, new_context, screenshot, tmp_path):
    from playwright.sync_api import expect

    from layan.reports.models import Category, Report

    category = Category.objects.create(name=CATEGORY, slug="jalan-trotoar-saluran")
    category.default_agencies.set([demo_agencies["dsdabm-sby"]])
    road_photo = make_photo(tmp_path / "jalan-berlubang.jpg", text="Jl. Tegalsari", colour=(120, 115, 105), gps=True)
    evidence_photo = make_photo(tmp_path / "cek-lapangan.jpg", text="Cek lapangan", colour=(70, 110, 150), gps=False)

    # --- the citizen fills in the report form ---------------------------------------------------------------------
    citizen = new_context().new_page()
    citizen.goto("/lapor/")
    expect(citizen.get_by_role("heading", name="Buat laporan", level=1)).to_be_visible()
    citizen.get_by_label("Pengaduan").check()
    citizen.get_by_label("Judul laporan").fill(TITLE)
    citizen.get_by_label("Isi laporan").fill(
        "Sejak dua minggu ada lubang sedalam kira-kira 20 cm di depan SD Negeri Tegalsari. "
        "Sudah dua pengendara motor jatuh. Mohon segera ditambal."
    )
    citizen.get_by_label("Kategori").select_option(label=CATEGORY)
    # the chained region selects: htmx reloads the next list in place after each choice
    citizen.get_by_label("Kabupaten/kota").select_option(label="Kota Surabaya")
    htmx_settled(citizen)
    citizen.get_by_label("Kecamatan").select_option(label="Tegalsari")  # waits until the list has it
    htmx_settled(citizen)
    citizen.get_by_label("Desa/kelurahan").select_option(label="Tegalsari")
    expect(citizen.get_by_label("Desa/kelurahan")).to_have_value("35.78.05.1001")
    citizen.get_by_label("Alamat atau patokan lokasi").fill("Jl. Tegalsari No. 50, depan SD Negeri Tegalsari")
    citizen.get_by_label("Lampiran foto atau dokumen").set_input_files(str(road_photo))
    citizen.get_by_label("Publik").check()
    citizen.get_by_label(re.compile(r"^Nama\b")).fill("Siti Rahayu")
    screenshot(citizen, "citizen-report-form")
    citizen.get_by_role("button", name="Kirim laporan").click()

    # --- the confirmation: tracking number and the secret link -----------------------------------------------------
    expect(citizen.get_by_role("heading", name="Laporan Anda sudah terkirim")).to_be_visible()
    number = citizen.locator(".tracking").inner_text().strip()
    assert TRACKING.match(number), number
    expect(citizen.get_by_label(f"Nomor laporan {number}")).to_be_visible()
    secret_link = citizen.get_by_label("Tautan rahasia laporan Anda").input_value()
    assert f"/lacak/{number}/" in secret_link
    screenshot(citizen, "citizen-confirmation")

    report = Report.objects.get(tracking_number=number)
    assert (report.title, report.state, report.category_id, report.region_id, report.channel) == (
        TITLE,
        Report.State.BARU,
        category.pk,
        "35.78.05.1001",
        Report.Channel.WEB,
    )
    assert report.attachments.count() == 1

    # the citizen opens the secret link: status "Belum Terverifikasi", the photo shown, its GPS position stripped
    citizen.goto(secret_link)
    expect(citizen.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect_reporter_status(citizen, BELUM)
    photo = citizen.get_by_role("img", name="Foto lampiran 1")
    expect_image_shown(photo)
    served = citizen.request.get(photo.get_attribute("src"))
    assert served.ok and served.headers["content-type"] == "image/jpeg"
    exif = Image.open(io.BytesIO(served.body())).getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif
    screenshot(citizen, "citizen-reporter-page-new")

    # --- the admin verifies, then dispatches to the roads agency ---------------------------------------------------
    admin = log_in(new_context(), ADMIN, screenshot, "admin")
    screenshot(admin, "admin-inbox")
    admin.get_by_role("link", name=number).click()
    expect(admin.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect_image_shown(admin.get_by_role("img", name="Foto jalan-berlubang.jpg"))
    screenshot(admin, "admin-report-new")

    verify = action(admin, "Verifikasi")
    verify.get_by_role("textbox", name=re.compile(r"^Catatan\b")).fill("Laporan lengkap, lokasi jelas.")
    verify.get_by_role("button", name="Verifikasi").click()
    expect_saved(admin, "Verifikasi")
    screenshot(admin, "admin-report-verified")

    dispatch = action(admin, "Disposisi")
    dispatch.get_by_label(AGENCY_NAME).check()
    dispatch.get_by_role("textbox", name=re.compile(r"^Catatan disposisi")).fill(
        "Mohon dicek dan ditambal sebelum musim hujan."
    )
    dispatch.get_by_role("button", name="Disposisikan").click()
    expect_saved(admin, "Disposisi")
    disposition_list = admin.locator("section").filter(has=admin.get_by_role("heading", name="Disposisi"))
    expect(disposition_list).to_contain_text(AGENCY_NAME)
    screenshot(admin, "admin-report-dispatched")

    report.refresh_from_db()
    assert report.state == Report.State.TERDISPOSISI
    assert list(report.dispositions.values_list("agency__slug", flat=True)) == ["dsdabm-sby"]

    citizen.reload()
    expect_reporter_status(citizen, TERVERIFIKASI)
    screenshot(citizen, "citizen-reporter-page-dispatched")

    # --- the agency accepts, posts progress with evidence, and resolves --------------------------------------------
    agency = log_in(new_context(), AGENCY_USER, screenshot, "agency")
    screenshot(agency, "agency-inbox")
    agency.get_by_role("link", name=number).click()
    expect(agency.get_by_role("heading", name=f"Sebagai {AGENCY_NAME}")).to_be_visible()
    screenshot(agency, "agency-report-dispatched")

    accept = action(agency, "Terima")
    accept.get_by_label("Tanggapan pertama untuk pelapor").fill("Laporan diterima, tim akan meninjau lokasi.")
    accept.get_by_role("button", name="Terima").click()
    expect_saved(agency, "Terima")
    screenshot(agency, "agency-report-accepted")

    citizen.reload()
    expect_reporter_status(citizen, DIPROSES)
    expect(citizen.get_by_text("Laporan diterima, tim akan meninjau lokasi.")).to_be_visible()
    screenshot(citizen, "citizen-reporter-page-accepted")

    progress = action(agency, "Kirim perkembangan")
    progress.get_by_label("Tahap").select_option(label="Cek lapangan")
    progress.get_by_label("Perkembangan tindak lanjut").fill("Tim sudah mengukur lubang; penambalan dijadwalkan.")
    progress.get_by_label("Foto bukti").set_input_files(str(evidence_photo))
    progress.get_by_role("button", name="Kirim perkembangan").click()
    expect_saved(agency, "Kirim perkembangan")
    expect(agency.locator("#linimasa")).to_contain_text("Cek lapangan")
    screenshot(agency, "agency-report-progress")

    resolve = action(agency, "Tandai selesai")
    resolve.get_by_label("Tindak lanjut yang telah dilakukan").fill("Lubang sudah ditambal dengan aspal hotmix.")
    resolve.get_by_role("button", name="Tandai selesai").click()
    expect_saved(agency, "Tandai selesai")
    screenshot(agency, "agency-report-resolved")

    report.refresh_from_db()
    assert report.state == Report.State.SELESAI

    # --- the citizen comes back by the secret link, confirms and rates 5 -------------------------------------------
    citizen.goto(secret_link)
    expect_reporter_status(citizen, SELESAI)
    expect(citizen.get_by_text("Tahap: Cek lapangan")).to_be_visible()
    expect_image_shown(citizen.get_by_role("img", name="Foto lampiran 2"))  # the agency's evidence photo
    screenshot(citizen, "citizen-reporter-page-resolved")

    confirm = citizen.locator("section").filter(has=citizen.get_by_role("heading", name="Sudah selesai?"))
    confirm.get_by_label("5: Sangat puas").check()
    confirm.get_by_label("Komentar").fill("Cepat sekali, terima kasih!")
    confirm.get_by_role("button", name="Ya, laporan sudah selesai").click()
    expect(citizen.get_by_role("status")).to_contain_text("Laporan Anda telah dikonfirmasi selesai.")
    expect_reporter_status(citizen, SELESAI)
    expect(citizen.get_by_text("Penilaian Anda: 5 dari 5.")).to_be_visible()
    screenshot(citizen, "citizen-reporter-page-confirmed")

    report.refresh_from_db()
    assert (report.state, report.rating, report.rating_comment) == (
        Report.State.DITUTUP,
        5,
        "Cepat sekali, terima kasih!",
    )

    # the public page shows the outcome too, without the reporter's identity
    citizen.get_by_role("link", name="halaman publik laporan ini").click()
    expect(citizen.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(citizen.get_by_text(SELESAI, exact=True).first).to_be_visible()
    expect(citizen.get_by_text("Siti Rahayu")).to_have_count(0)
    expect_image_shown(citizen.get_by_role("img", name="Foto lampiran 1"))
    screenshot(citizen, "public-report-page")
