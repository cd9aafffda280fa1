"""The service catalogue for people: which services are public, how to find one, and its standard read aloud.

Plain functions over :class:`~layan.charter.models.Service`; the public pages, the admin and the API call them
and hold no rules of their own. "Published" is the only gate to the public: an unpublished service does not
exist for anyone outside its agency.
"""

import re
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layan.core.models import Agency
from layan.core.permissions import agency_subtree

from .models import Maklumat, Service

# --- finding services ---------------------------------------------------------------------------------------------


def published_services(agency: Agency | None = None, q: str | None = None) -> QuerySet[Service]:
    """The services the public may see, optionally of one agency (with the units below it) and matching every
    word of ``q`` in the service's name, description, product or agency name."""
    services = Service.objects.filter(is_published=True, agency__is_active=True).select_related("agency")
    if agency is not None:
        services = services.filter(agency__in=agency_subtree([agency.pk]))
    for word in (q or "").split()[:10]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(code__icontains=word)
            | Q(description__icontains=word)
            | Q(product__icontains=word)
            | Q(agency__name__icontains=word)
            | Q(agency__short_name__icontains=word)
        )
    return services.order_by("agency__name", "name")


def service_for_code(code: str) -> Service | None:
    """The published service with this code, or None: an unpublished one is not there for the public."""
    return published_services().filter(code=code).first()


def agencies_with_services() -> QuerySet[Agency]:
    """The agencies that publish at least one service, for the catalogue's agency filter."""
    return Agency.objects.filter(is_active=True, services__is_published=True).distinct().order_by("name")


def maklumat_for(agency: Agency) -> Maklumat | None:
    """The maklumat that covers ``agency``: its own, else the nearest parent's (a Pemkot's maklumat covers the OPD
    that have not signed one of their own)."""
    seen = set()
    while agency is not None and agency.pk not in seen:
        seen.add(agency.pk)
        maklumat = Maklumat.objects.filter(agency=agency).select_related("agency").first()
        if maklumat is not None:
            return maklumat
        agency = agency.parent
    return None


# --- reading a standard -------------------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.)]|[-*•]|[a-z]\s*[.)])\s+", re.IGNORECASE)


def lines(text: str) -> list[str]:
    """Multi-line text as items, one per non-empty line, without the numbering or bullets the author typed (the
    page numbers steps itself)."""
    items = []
    for line in (text or "").splitlines():
        item = _NUMBERING.sub("", line).strip()
        if item:
            items.append(item)
    return items


_ONES = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"]


def terbilang(n: int) -> str:
    """A non-negative whole number in Indonesian words ("14" -> "empat belas"), as official documents write
    durations: "14 (empat belas) hari kerja"."""
    if n < 0:
        raise ValueError("terbilang needs a non-negative number")
    if n == 0:
        return "nol"
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        return " ".join(part for part in (f"{_ONES[n // 10]} puluh", _ONES[n % 10]) if part)
    if n < 1000:
        head = "seratus" if n // 100 == 1 else f"{_ONES[n // 100]} ratus"
        return " ".join(part for part in (head, terbilang(n % 100) if n % 100 else "") if part)
    if n < 1_000_000:
        head = "seribu" if n // 1000 == 1 else f"{terbilang(n // 1000)} ribu"
        return " ".join(part for part in (head, terbilang(n % 1000) if n % 1000 else "") if part)
    return str(n)


def duration_in_words(service: Service) -> str:
    """The service time as a citizen reads it: "1 (satu) hari kerja", "60 (enam puluh) menit"."""
    n = service.time_value
    if n is None:
        return _("Belum ditetapkan")
    if n == 0:
        return _("Selesai saat itu juga")
    unit = Service.TimeUnit(service.time_unit).label
    return ngettext("%(number)s (%(words)s) %(unit)s", "%(number)s (%(words)s) %(unit)s", n) % {
        "number": n,
        "words": terbilang(n),
        "unit": unit,
    }


def rupiah(amount: Decimal | int) -> str:
    """Rupiah written the Indonesian way, with dots between thousands: "Rp 50.000"."""
    return "Rp " + f"{int(amount):,}".replace(",", ".")


def cost_in_words(service: Service) -> str:
    """The cost line: "Gratis", "Rp 50.000", or for a fee computed per application "Dihitung per permohonan"
    (with its lowest amount when one is set)."""
    if service.cost_is_variable:
        if service.cost_amount:
            return _("Dihitung per permohonan, mulai %(amount)s") % {"amount": rupiah(service.cost_amount)}
        return _("Dihitung per permohonan")
    if not service.cost_amount:
        return _("Gratis")
    return rupiah(service.cost_amount)


# The 14 components of Permen PANRB 15/2014, in the regulation's order: six about delivery, eight about management.
DELIVERY_FIELDS = ["requirements", "procedure", "time", "cost", "product", "complaint_handling"]
MANAGEMENT_FIELDS = [
    "legal_basis",
    "facilities",
    "staff_competence",
    "internal_supervision",
    "staff_count",
    "service_guarantee",
    "safety_guarantee",
    "performance_evaluation",
]
COMPONENT_FIELDS = DELIVERY_FIELDS + MANAGEMENT_FIELDS


def component_label(key: str) -> str:
    """The component's name as the regulation writes it, capitalised for a heading."""
    if key == "time":
        return capfirst(Service._meta.get_field("time_value").verbose_name)
    if key == "cost":
        return _("Biaya/tarif")
    return capfirst(Service._meta.get_field(key).verbose_name)


def component_value(service: Service, key: str) -> str:
    """One component as plain text (lists one item per line), ready for a page, a CSV or a PDF."""
    if key == "time":
        return duration_in_words(service)
    if key == "cost":
        cost = cost_in_words(service)
        return f"{cost}\n{service.cost_note}".strip() if service.cost_note else cost
    if key in ("requirements", "procedure"):
        items = lines(getattr(service, key))
        if key == "procedure":
            return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
        return "\n".join(f"- {item}" for item in items)
    return getattr(service, key).strip()


def service_standard(service: Service) -> list[tuple[str, str]]:
    """The service's standard as (component label, value) pairs in the order of Permen PANRB 15/2014: the six
    delivery components, then the eight management components."""
    return [(component_label(key), component_value(service, key)) for key in COMPONENT_FIELDS]


def report_form_prefill(service: Service) -> dict[str, str]:
    """GET parameters for the report form (``reports:submit``) when a citizen complains about ``service``: a
    complaint, in the region where the agency sits (the form pre-selects kabupaten/kota, kecamatan, desa)."""
    params = {"type": "pengaduan"}
    code = service.agency.home_region_id or ""
    parts = code.split(".")
    for depth, name in ((2, "kabkota"), (3, "kecamatan"), (4, "desa")):
        if len(parts) >= depth:
            params[name] = ".".join(parts[:depth])
    return params
