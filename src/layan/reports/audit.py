import logging

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from layan.core import permissions
from layan.core.audit import entries_of, register_scope_filter
from layan.core.models import Agency, Membership

from . import services
from .models import Category, Disposition, Report

auditlog.register(Category)
# Also left out: the other apps' one-to-one rows that point at a report (its routing suggestion and abuse screen).
# auditlog would otherwise look each up when a report is created, two queries on every intake, to find them absent.
auditlog.register(
    Report,
    exclude_fields=[
        "secret",
        "reporter",  # the citizen's id ties reports to one person (an anonymous one to a public one): never logged
        "version",
        "updated_at",
        "support_count",
        *(rel.name for rel in Report._meta.related_objects if rel.one_to_one),
    ],
)
auditlog.register(Disposition)


@register_scope_filter
def _report_entries(scope):
    reports = Report.objects.filter(admin_agency_id__in=scope).values_list("pk", flat=True)
    dispatched = Disposition.objects.filter(agency_id__in=scope).values_list("report_id", flat=True)
    dispositions = Disposition.objects.filter(agency_id__in=scope).values_list("pk", flat=True)
    return entries_of(Report, reports) | entries_of(Report, dispatched) | entries_of(Disposition, dispositions)


# --- caller lookups -------------------------------------------------------------------------------------------------

log = logging.getLogger("layan.audit")
LOOKUP_FIELD = "cari_penelepon"  # the "field" of the audit entry: the audit page shows it as "cari_penelepon: ..."


def masked_phone(e164: str) -> str:
    """``+6281234567890`` -> ``+62812******890``: the operator and the last digits, enough to tell numbers apart
    when reading the trail, not enough to call anyone."""
    return e164[:6] + "*" * max(len(e164) - 9, 0) + e164[-3:] if len(e164) > 9 else "*" * len(e164)


def phone_fingerprint(e164: str) -> str:
    """A keyed hash of the number (HMAC with the deployment's secret key): the same number searched twice shows
    the same fingerprint, and an auditor with the number in hand can recompute it; the trail cannot be reversed."""
    return salted_hmac("layan.reports.caller-lookup", e164, algorithm="sha256").hexdigest()[:16]


def record_caller_lookup(request, query: str, results: list) -> LogEntry:
    """Write one audit entry for a caller lookup: who (the actor), when, what was searched (a tracking number, or
    a phone number masked with its fingerprint, never in clear) and how many reports it found (and which). It is
    filed under the searcher's own agency, so the audit page shows it to that agency's auditors (its admins and
    head, the oversight bodies over it) and to the system administrator."""
    user = request.user
    kind, value = services.caller_query(query)
    if kind == "telepon":
        searched = f"{masked_phone(value)} (sidik {phone_fingerprint(value)})"
    elif kind == "nomor" and services.TRACKING_NUMBER.match(value):
        searched = value
    else:
        searched = value[:2] + "…" if value else ""  # neither: perhaps part of a number, kept short
    numbers = [report.tracking_number for report in results]
    text = _("%(searched)s: %(n)s laporan") % {"searched": searched, "n": len(numbers)}
    home = (
        sorted(permissions.caller_lookup_scope(user))
        or Membership.objects.filter(user=user, is_active=True).order_by("pk").values_list("agency_id", flat=True)[:1]
    )
    agency = Agency.objects.filter(pk__in=list(home)).first()
    entry = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Agency if agency else type(user)),
        object_pk=str(agency.pk if agency else user.pk),
        object_id=agency.pk if agency else user.pk,
        object_repr=str(agency or user)[:255],
        action=LogEntry.Action.ACCESS,
        changes={LOOKUP_FIELD: ["", text]},
        actor=user,
        remote_addr=request.META.get("REMOTE_ADDR") or None,
        additional_data={"kind": kind or "kosong", "searched": searched, "results": len(numbers), "reports": numbers},
    )
    log.info("caller lookup by user %s: %s, %s results", user.pk, searched, len(numbers))
    return entry
