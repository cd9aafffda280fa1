"""Issue 15: uploads that could hurt. A PDF carrying a script, an embedded file and its author's name is stored as
pictures of its pages only; an image with too many pixels is refused from its header, before it is decoded; every
upload is served so that it cannot run."""

import io
import resource
import struct
import zlib

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from layan.core.models import Region
from layan.reports.attachments import clean_upload, save_attachment
from layan.reports.models import Report
from layan.reports.services import NewReport, submit_report

VILLAGE = "35.78.05.1001"


def pdf_bytes(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A well-formed PDF (with a correct cross-reference table) of the given objects, object 1 the catalogue."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    )
    return out.getvalue()


def hostile_pdf(pages: int = 2) -> bytes:
    """What the attacker uploaded: a script run on opening, page actions, an embedded executable, the author's
    name in /Info and in XMP metadata, and visible text on each page."""
    content = b"BT /F1 24 Tf 72 720 Td (Bukti pungutan liar) Tj ET"
    xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>Siti Aminah Rahasia</dc:creator></x:xmpmeta>"
    kids = " ".join(f"{9 + i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R /Names << /EmbeddedFiles 4 0 R /JavaScript 7 0 R >>"
        b" /Metadata 8 0 R /AA << /WC 3 0 R >> >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.exportDataObject\\({cName: 'virus.exe'}\\);) >>",
        b"<< /Names [(virus.exe) 5 0 R] >>",
        b"<< /Type /Filespec /F (virus.exe) /EF << /F 6 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 13 >>\nstream\nMZ-executable\nendstream",
        b"<< /Names [(init) 3 0 R] >>",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp + b"\nendstream",
    ]
    font = 9 + pages
    stream = 9 + pages + 1
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R" % stream
            + b" /Resources << /Font << /F1 %d 0 R >> >> /AA << /O 3 0 R >> >>" % font
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    info = len(objects) + 1
    objects.append(b"<< /Author (Siti Aminah Rahasia) /Creator (Pemindai Kantor Kelurahan) /Title (KTP Siti) >>")
    return pdf_bytes(objects, trailer_extra=b"/Info %d 0 R " % info)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_hostile_pdf_is_stored_as_pictures_of_its_pages_only(settings):
    original = hostile_pdf(pages=2)
    check = pdfium.PdfDocument(original)  # the sample itself is a readable PDF with the script and the file
    assert len(check) == 2
    check.close()
    for marker in (b"/JavaScript", b"/OpenAction", b"/EmbeddedFile", b"Siti Aminah", b"/AA", b"/Metadata"):
        assert marker in original

    content, content_type, name = clean_upload(upload(original, "bukti.pdf"))
    stored = content.read()
    assert content_type == "application/pdf" and name == "bukti.pdf" and stored.startswith(b"%PDF-")
    for marker in (
        b"JavaScript",
        b"/JS",
        b"OpenAction",
        b"/AA",
        b"EmbeddedFile",
        b"virus",
        b"MZ-executable",
        b"Siti",
        b"Metadata",
        b"Pemindai",
        b"/Author",
        b"Helvetica",
        b"Bukti pungutan",
    ):
        assert marker not in stored, marker
    document = pdfium.PdfDocument(stored)
    try:
        assert len(document) == 2  # every page is kept, as a picture
        page = document[0]
        width, height = page.get_size()
        assert abs(width - 595) < 2 and abs(height - 842) < 2
        image = page.render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 128  # the text was drawn into the picture: the page is not blank
        page.close()
    finally:
        document.close()


def test_broken_or_oversized_pdfs_are_refused_with_a_clear_message(settings):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as broken:
        clean_upload(upload(b"%PDF-1.4\nthis is not a pdf at all" + b"\0" * 300, "rusak.pdf"))
    assert broken.value.messages == ["Berkas rusak.pdf bukan PDF yang sah atau tidak dapat dibaca."]
    settings.LAYAN_PDF_MAX_PAGES = 3
    with pytest.raises(ValidationError) as long:
        clean_upload(upload(hostile_pdf(pages=4), "tebal.pdf"))
    assert long.value.messages == ["Berkas tebal.pdf terlalu banyak halamannya (4); batasnya 3 halaman."]


def png_header_bomb(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG of ``width`` x ``height`` white pixels: tiny on disk (zeros compress), ``width`` x
    ``height`` bytes once Pillow decodes it. Built row by row, so making it costs no such memory here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def form_data(**extra):
    return {
        "type": "pengaduan",
        "title": "Jalan berlubang di Jl. Tegalsari",
        "description": "Lubang besar di tengah jalan sudah dua minggu, banyak pengendara motor jatuh.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": VILLAGE,
        "privacy": "publik",
        "kirim": "1",
        **extra,
    }


@pytest.mark.django_db
def test_an_image_with_too_many_pixels_is_refused_before_decoding(client, demo_agencies):
    bomb = png_header_bomb(12000, 12000)
    assert len(bomb) < 1_000_000  # a small file ...
    small = png_header_bomb(600, 400)
    client.post(reverse("reports:submit"), form_data(title="", attachments=[upload(small, "kecil.png")]))  # warm-up
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    response = client.post(reverse("reports:submit"), form_data(attachments=[upload(bomb, "besar.png")]))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert response.status_code == 400
    body = response.content.decode()
    assert "Foto besar.png terlalu besar: 144 megapiksel; batasnya 40 megapiksel." in body
    assert grown_mb < 60  # ... that decodes to 144 MB: never decoded
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_pixel_limit_is_a_setting(settings):
    from django.core.exceptions import ValidationError
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    assert clean_upload(upload(out.getvalue(), "kecil.jpg"))[1] == "image/jpeg"
    settings.LAYAN_IMAGE_MAX_PIXELS = 3000  # 64 x 48 = 3072
    with pytest.raises(ValidationError) as refused:
        clean_upload(upload(out.getvalue(), "kecil.jpg"))
    assert refused.value.code == "image_too_large" and "batasnya 0" in refused.value.messages[0]


@pytest.mark.django_db
def test_every_upload_is_served_so_that_it_cannot_run(demo_agencies, settings):
    from PIL import Image

    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    report = submit_report(
        NewReport(title="Bukti", description="Bukti terlampir.", region=Region.objects.get(code=VILLAGE))
    )
    pdf = save_attachment(report, *clean_upload(upload(hostile_pdf(pages=1), "bukti.pdf")))
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "PNG")
    photo = save_attachment(report, *clean_upload(upload(out.getvalue(), "foto.png")))
    client = Client()
    response = client.get(pdf.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bukti.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"JavaScript" not in b"".join(response.streaming_content)
    response = client.get(photo.get_absolute_url())
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
