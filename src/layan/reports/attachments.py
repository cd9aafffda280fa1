"""Attachments: photos and PDFs checked by their content (not their name), limited in size, and rebuilt before
they are stored, so nothing of the uploaded file but what it shows is kept:

- images are re-encoded from their pixels, without metadata (EXIF, GPS, camera serials); an image with more
  pixels than ``LAYAN_IMAGE_MAX_PIXELS`` is refused from its header, before it is decoded (a 419 KB PNG of
  12000x12000 pixels decodes to 432 MB of pixels and took a web process past 1.7 GB);
- PDFs are re-rendered page by page as images into a new PDF (:func:`sanitise_pdf`). Why re-render rather than
  strip keys (/JavaScript, /OpenAction, /AA, /EmbeddedFiles, /Metadata, /Info) from the original: a strip list
  misses what it does not name (XFA forms, launch actions in annotations, fonts and streams crafted for a
  reader's bugs, hidden text layers, incremental updates holding the "deleted" text), while a page drawn as
  pixels carries nothing but what a reader sees. The cost: the text is no longer selectable and the file grows
  somewhat. PDFium (pypdfium2, the renderer of Chrome, shipped as a wheel with no system library) draws the
  pages without running any script (no form environment is set up).
"""

import io
import re
import secrets
import warnings

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
MAX_IMAGE_SIDE = 2560


def clean_upload(uploaded) -> tuple[ContentFile, str, str]:
    """Validate one uploaded file; return (clean content, content type, original name) or raise ValidationError."""
    name = (getattr(uploaded, "name", "") or "lampiran")[-200:]
    size = uploaded.size
    if size > settings.LAYAN_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (%(size)s); batasnya %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(settings.LAYAN_ATTACHMENT_MAX_BYTES)}
        )
    uploaded.seek(0)
    head = uploaded.read(262)
    uploaded.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("Berkas %(name)s bukan foto (JPEG, PNG, WebP) atau PDF.") % {"name": name}, code="attachment_type"
        )
    data = uploaded.read()
    if content_type.startswith("image/"):
        data = strip_image_metadata(data, content_type, name)
    else:
        data = sanitise_pdf(data, name)
    ext = ALLOWED_TYPES[content_type]
    return ContentFile(data, name=f"{secrets.token_hex(8)}.{ext}"), content_type, name


def _too_many_pixels(name: str, pixels: int) -> ValidationError:
    return ValidationError(
        _(
            "Foto %(name)s terlalu besar: %(pixels)s megapiksel; batasnya %(max)s megapiksel. "
            "Perkecil ukuran foto lalu kirim lagi."
        )
        % {"name": name, "pixels": _megapixels(pixels), "max": _megapixels(settings.LAYAN_IMAGE_MAX_PIXELS)},
        code="image_too_large",
    )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def open_image(data: bytes, name: str = "") -> Image.Image:
    """Open an image for its header only, refusing it if it has more pixels than ``LAYAN_IMAGE_MAX_PIXELS``
    before any pixel is decoded (``Image.open`` is lazy). Pillow's own guard is set to the same limit and its
    warning made an error, so no path through Pillow decodes a larger image either."""
    limit = settings.LAYAN_IMAGE_MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = limit  # Pillow warns above it and refuses above twice it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        found = re.search(r"\d+", str(exc))  # "Image size (144000000 pixels) exceeds limit of ..."
        raise _too_many_pixels(name, int(found.group()) if found else limit + 1) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(_("Foto %(name)s rusak atau tidak dapat dibaca.") % {"name": name}) from exc
    width, height = image.size
    if width * height > limit:
        image.close()
        raise _too_many_pixels(name, width * height)
    return image


def strip_image_metadata(data: bytes, content_type: str, name: str = "") -> bytes:
    """Re-encode the pixels only: rotation applied, every metadata block (EXIF with GPS, XMP, ICC comments) gone."""
    image = open_image(data, name)
    try:
        with image, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            out = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            elif content_type == "image/png":
                image.save(out, "PNG", optimize=True)  # Pillow writes no EXIF/text chunks unless asked
            else:
                image.save(out, "WEBP", quality=85)
            return out.getvalue()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _too_many_pixels(name, image.size[0] * image.size[1]) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("Foto %(name)s rusak atau tidak dapat dibaca.") % {"name": name}) from exc


PDF_DPI = 120  # readable print and handwriting; an A4 page is 992x1403 pixels
PDF_MAX_PAGE_SIDE = 2000  # pixels: a page declared huge is drawn no larger


def sanitise_pdf(data: bytes, name: str = "") -> bytes:
    """A new PDF holding only the pictures of the pages of ``data``: no script, action, form, attachment, metadata
    or hidden text of the original survives (see the module docstring for why re-rendering). Refuses a file that
    is not a readable PDF, or has more than ``LAYAN_PDF_MAX_PAGES`` pages."""
    import pypdfium2 as pdfium

    invalid = ValidationError(_("Berkas %(name)s bukan PDF yang sah atau tidak dapat dibaca.") % {"name": name})
    if not data.startswith(b"%PDF-"):
        raise invalid
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:  # damaged, or protected by a password
        raise invalid from exc
    pages = []
    try:
        count = len(document)
        if count == 0:
            raise invalid
        if count > settings.LAYAN_PDF_MAX_PAGES:
            raise ValidationError(
                _("Berkas %(name)s terlalu banyak halamannya (%(count)s); batasnya %(max)s halaman.")
                % {"name": name, "count": count, "max": settings.LAYAN_PDF_MAX_PAGES},
                code="pdf_too_many_pages",
            )
        for index in range(count):
            page = document[index]
            try:
                width, height = page.get_size()  # in points (1/72 inch)
                scale = min(PDF_DPI / 72, PDF_MAX_PAGE_SIDE / max(width, height, 1))
                bitmap = page.render(scale=scale, may_draw_forms=False)
                pages.append(bitmap.to_pil().convert("RGB"))
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        raise invalid from exc
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=PDF_DPI, quality=80)
    return out.getvalue()


def save_attachment(report, content: ContentFile, content_type: str, original_name: str, *, event=None, by_staff=False):
    from .models import Attachment

    attachment = Attachment(
        report=report,
        event=event,
        original_name=original_name,
        content_type=content_type,
        size=content.size,
        by_staff=by_staff,
    )
    attachment.file.save(content.name, content, save=False)
    attachment.save()
    return attachment


def delete_pending_uploads(older_than) -> int:
    """Delete the uploads the report form parked (``PendingUpload``: kept while the rest of the form had an error)
    and nobody submitted within ``older_than`` (a timedelta), file and row. Run every hour by each ``layan worker``
    and by ``layan cleanup_uploads``; two at once are harmless (deleting a deleted file or row does nothing)."""
    from django.utils import timezone

    from .models import PendingUpload

    count = 0
    for upload in PendingUpload.objects.filter(created_at__lt=timezone.now() - older_than).iterator():
        upload.file.delete(save=False)
        upload.delete()
        count += 1
    return count
