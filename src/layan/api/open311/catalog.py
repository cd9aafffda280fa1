"""Open311 services are Layan's active report categories, and the service definition's attributes are Layan's own
report fields that Open311 has no field for.

- ``service_code`` is the category's slug, ``group`` its parent category's name, ``keywords`` the words of its
  name and its parent's (Open311 clients use them as search synonyms).
- Every service has ``metadata: true`` and the same attributes (:data:`ATTRIBUTES`), posted as
  ``attribute[<code>]=<value>``: ``type`` (pengaduan/aspirasi/informasi), ``privacy`` (publik/rahasia/anonim),
  ``region`` (a Kemendagri region code), ``occurred_on`` (when it happened) and ``title``. None is required.
- A jurisdiction is a regional government (an active agency of kind pemda) named by its slug; an empty
  ``jurisdiction_id`` or the site's own (``LAYAN_OPEN311_JURISDICTION``, default the host name of
  ``LAYAN_PUBLIC_URL``) means the whole site.
"""

import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from layan.core.models import Agency
from layan.reports.models import Category, Report

from .render import Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# when this endpoint's contract last changed (discovery's changeset): bump it with every change of the output
CHANGESET = "2026-01-15T00:00:00+07:00"
STOP_WORDS = {"dan", "atau", "di", "ke", "dari", "yang", "untuk", "lain", "lainnya", "serta"}


def site_jurisdiction() -> str:
    default = urlsplit(settings.LAYAN_PUBLIC_URL).hostname or ""
    return getattr(settings, "LAYAN_OPEN311_JURISDICTION", "") or default


def jurisdiction(value: str | None) -> Agency | None:
    """The regional government a ``jurisdiction_id`` names, None for the whole site; 404 error if unknown."""
    value = (value or "").strip()
    if not value or value.lower() == site_jurisdiction().lower():
        return None
    agency = Agency.objects.filter(slug=value.lower(), kind=Agency.Kind.PEMDA, is_active=True).first()
    if agency is None:
        raise Open311Error(404, _("jurisdiction_id “%(value)s” tidak dikenal.") % {"value": value[:80]})
    return agency


# --- services --------------------------------------------------------------------------------------------------


def categories():
    return Category.objects.filter(is_active=True).select_related("parent").order_by("name", "pk")


def category(service_code: str) -> Category:
    found = categories().filter(slug=(service_code or "").strip().lower()).first()
    if found is None:
        raise Open311Error(404, _("service_code “%(code)s” tidak dikenal.") % {"code": (service_code or "")[:80]})
    return found


def keywords(item: Category) -> str:
    names = [item.name] + ([item.parent.name] if item.parent else [])
    words = []
    for word in re.findall(r"\w+", " ".join(names).lower()):
        if word not in STOP_WORDS and len(word) > 2 and word not in words:
            words.append(word)
    return ",".join(words)


def service(item: Category) -> dict:
    return {
        "service_code": item.slug,
        "service_name": item.name,
        "description": item.description,
        "metadata": True,
        "type": "realtime",  # a report is stored and numbered at once, and its status is live
        "keywords": keywords(item),
        "group": item.parent.name if item.parent else "",
    }


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    description: str
    datatype_description: str = ""
    choices: tuple = ()


def _choices(choices) -> tuple:
    return tuple((value, str(label)) for value, label in choices)


def attributes() -> list[Attribute]:
    """Layan's report fields beyond Open311's own, in the order a client should ask for them."""
    return [
        Attribute("type", "singlevaluelist", _("Jenis laporan"), choices=_choices(Report.Type.choices)),
        Attribute("privacy", "singlevaluelist", _("Kerahasiaan laporan"), choices=_choices(Report.Privacy.choices)),
        Attribute(
            "region",
            "string",
            _("Wilayah kejadian"),
            _("Kode wilayah Kemendagri, mis. 35.78.05.1001 (kelurahan) atau 35.78 (kota)."),
        ),
        Attribute(
            "occurred_on",
            "datetime",
            _("Tanggal kejadian"),
            _("Tanggal (mis. 2026-03-02) atau waktu W3C; tidak boleh di masa depan."),
        ),
        Attribute("title", "string", _("Judul laporan"), _("Paling banyak 200 karakter; bila kosong, dari isi.")),
    ]


def service_definition(item: Category) -> dict:
    return {
        "service_code": item.slug,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": False,
                "datatype_description": attribute.datatype_description,
                "order": order,
                "description": attribute.description,
                "values": [{"key": key, "name": name} for key, name in attribute.choices],
            }
            for order, attribute in enumerate(attributes(), start=1)
        ],
    }


def discovery(v2_url: str) -> dict:
    """Where the endpoint is and what it speaks; a demo installation calls itself a test endpoint."""
    kind = "test" if getattr(settings, "LAYAN_MODE", "") == "demo" else "production"
    address = parseaddr(settings.SERVER_EMAIL)[1] or settings.SERVER_EMAIL
    contact = getattr(settings, "LAYAN_OPEN311_CONTACT", "") or f"{settings.LAYAN_SITE_NAME} <{address}>"
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "Kunci API (api_key) untuk mengirim laporan diberikan oleh administrator pemerintah daerah Anda."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": v2_url,
                "changeset": CHANGESET,
                "type": kind,
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
