"""Attachments: photos and PDFs checked by their content (not their name), limited in size, and images
re-encoded without metadata (EXIF, GPS, camera serials) before they are stored."""

import io
import secrets

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
    elif not data.startswith(b"%PDF-"):
        raise ValidationError(_("Berkas %(name)s bukan PDF yang sah.") % {"name": name})
    ext = ALLOWED_TYPES[content_type]
    return ContentFile(data, name=f"{secrets.token_hex(8)}.{ext}"), content_type, name


def strip_image_metadata(data: bytes, content_type: str, name: str = "") -> bytes:
    """Re-encode the pixels only: rotation applied, every metadata block (EXIF with GPS, XMP, ICC comments) gone."""
    try:
        with Image.open(io.BytesIO(data)) as image:
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
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Foto %(name)s rusak atau tidak dapat dibaca.") % {"name": name}) from exc


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
