"""Reading reports as Open311 service requests, and the tokens of the ones posted here.

- Which reports: those the public may see (``public_reports``); with an ``api_key`` holding report.view, also
  those the key's agency handles (confidential ones included). Open311 output never names the reporter.
- ``service_request_id`` is the tracking number. ``status`` is ``closed`` once the agencies posted their
  follow-up as done (Terdisposisi Selesai: what the public reads as finished, though the reporter may still
  object and reopen it), after closure, and for archived reports; ``open`` before.
- ``status_notes`` is the latest public timeline note, ``service_notice`` the LAPOR! public status label,
  ``agency_responsible`` the agencies the report is with (before dispatch: the government verifying it),
  ``expected_datetime`` the due time of the running resolution clock (else of the earliest running clock),
  ``address_id`` the Kemendagri region code, ``media_url`` the first public photo of a public report.
- The token: Layan creates the report at once, so the answer to a POST already carries the id; it also carries
  a token (tracking number plus an HMAC of it, so it cannot be made up) that ``tokens/{token}`` turns back into
  the id, for clients that follow the spec's asynchronous flow.
"""

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from layan.core import inputs, permissions
from layan.deadlines.models import Clock, Step
from layan.reports import services as report_services
from layan.reports.models import Attachment, Disposition, Report, ReportEvent
from layan.reports.redact import redact

from .render import Open311Error

CLOSED_STATES = (Report.State.SELESAI, Report.State.DITUTUP, Report.State.ARSIP)
MAX_SPAN = dt.timedelta(days=90)  # the spec's default and largest date range
MAX_RESULTS = 1000
TOKEN_SALT = "layan.api.open311.token"


def status(report: Report) -> str:
    return "closed" if report.state in CLOSED_STATES else "open"


# --- which reports ---------------------------------------------------------------------------------------------


def visible(user, admin_agency=None):
    """The reports this caller may read through Open311, within the jurisdiction if one was given."""
    reports = report_services.public_reports()
    if user is not None and permissions.has_perm(user, permissions.REPORT_VIEW):
        reports = reports | report_services.staff_reports(user)
    if admin_agency is not None:
        reports = reports.filter(admin_agency=admin_agency)
    # the latest public event only (its note and time): a report's whole timeline is not read for it
    latest = ReportEvent.objects.filter(report=OuterRef("pk"), is_public=True).order_by("-created_at", "-pk")
    reports = reports.annotate(last_public_event_id=Subquery(latest.values("pk")[:1]))
    # only the columns the spec's fields read: a list is up to 1,000 reports, and building whole rows (the
    # report's and its agency's, category's) was most of its time
    active = Disposition.objects.filter(state__in=Disposition.ACTIVE_STATES).select_related("agency")
    running = Clock.objects.filter(status=Clock.Status.RUNNING)
    return (
        reports.select_related("category", "admin_agency")
        .only(*REPORT_COLUMNS)
        .prefetch_related(
            Prefetch("dispositions", queryset=active.only("report_id", "agency__name"), to_attr="active_dispositions"),
            Prefetch("attachments", queryset=Attachment.objects.select_related("event"), to_attr="all_attachments"),
            Prefetch("clocks", queryset=running.only("report_id", "step", "due_at"), to_attr="running_clocks"),
        )
    )


REPORT_COLUMNS = (
    "tracking_number",
    "state",
    "privacy",
    "published_at",  # with state, privacy and held_for_review: Report.is_public (the media_url)
    "held_for_review",
    "description",
    "address",
    "region_id",
    "latitude",
    "longitude",
    "created_at",
    "category__name",
    "category__slug",
    "admin_agency__name",
)


def _moment(name: str, raw: str) -> dt.datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        moment = inputs.parse_moment(raw)
    except inputs.InputError as error:
        raise Open311Error(400, f"{name}: {error.message}") from None
    if moment is None:
        raise Open311Error(400, _("%(field)s harus waktu W3C, mis. 2026-01-01T00:00:00Z.") % {"field": name})
    return moment


def _date_range(params) -> tuple[dt.datetime, dt.datetime]:
    start, end = _moment("start_date", params.get("start_date")), _moment("end_date", params.get("end_date"))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date tidak boleh sebelum start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("Rentang start_date sampai end_date paling lama 90 hari."))
    return start, end


def _listed(raw: str | None) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


def search(reports, params):
    """The spec's filters: ``service_request_id`` (comma list, overrides the others), ``service_code``,
    ``start_date``/``end_date`` on the requested time (default and at most 90 days), ``status`` (open, closed)."""
    ids = _listed(params.get("service_request_id"))
    if ids:
        return reports.filter(tracking_number__in=[number.upper() for number in ids[:MAX_RESULTS]])
    codes = _listed(params.get("service_code"))
    if codes:
        reports = reports.filter(category__slug__in=[code.lower() for code in codes])
    start, end = _date_range(params)
    reports = reports.filter(created_at__gte=start, created_at__lte=end)
    statuses = {value.lower() for value in _listed(params.get("status"))}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status harus open, closed, atau keduanya dipisah koma."))
    if statuses == {"open"}:
        reports = reports.exclude(state__in=CLOSED_STATES)
    elif statuses == {"closed"}:
        reports = reports.filter(state__in=CLOSED_STATES)
    return reports.order_by("-created_at", "-pk")[:MAX_RESULTS]


def one(reports, service_request_id: str) -> Report:
    report = reports.filter(tracking_number=(service_request_id or "").strip().upper()).first()
    if report is None:
        raise Open311Error(404, _("Permintaan layanan “%(id)s” tidak ditemukan.") % {"id": service_request_id[:40]})
    return report


# --- one report as a service request --------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.LAYAN_PUBLIC_URL.rstrip("/") + path


def _media_url(report: Report) -> str | None:
    """The first public photo: its address serves anyone only while the report itself is public."""
    if not report.is_public:
        return None
    for attachment in report.all_attachments:
        if attachment.is_image and attachment.is_public:
            return _absolute(attachment.get_absolute_url())
    return None


def _expected(report: Report) -> dt.datetime | None:
    clocks = report.running_clocks
    resolution = [clock.due_at for clock in clocks if clock.step == Step.RESOLUTION]
    if resolution:
        return max(resolution)
    return min((clock.due_at for clock in clocks), default=None)


def _agency_responsible(report: Report) -> str:
    names = sorted({disposition.agency.name for disposition in report.active_dispositions})
    return ", ".join(names) or report.admin_agency.name


def _handles(user, report: Report) -> bool:
    """Whether the caller's key or login handles the report (its admin agency or an agency it is with now): only
    they read citizens' text as written. The prefetched active dispositions spare a query per report."""
    if user is None or not user.is_authenticated:
        return False
    scope = permissions.agency_scope(user, permissions.REPORT_VIEW)
    agencies = [report.admin_agency_id] + [d.agency_id for d in report.active_dispositions]
    return any(agency_id in scope for agency_id in agencies)


def as_requests(reports, user) -> list[dict]:
    """Reports from :func:`visible` in the spec's fields, their latest public events read in one query."""
    reports = list(reports)
    ids = [report.last_public_event_id for report in reports if report.last_public_event_id]
    events = ReportEvent.objects.only("pk", "note", "created_at").in_bulk(ids)
    return [as_request(report, user, events.get(report.last_public_event_id)) for report in reports]


def as_request(report: Report, user, last_event: ReportEvent | None) -> dict:
    """One report in the spec's fields; its text only for those who may read it (never the reporter).
    ``last_event``: its latest public timeline event, if any."""
    shown = report_services.content_visible(user, report)
    # the public (and a key that does not handle the report) reads citizens' text with NIK, phones, e-mails masked
    text = (lambda value: value) if _handles(user, report) else redact
    category = report.category
    return {
        "service_request_id": report.tracking_number,
        "status": status(report),
        "status_notes": text(last_event.note) if last_event else "",
        "service_name": category.name if category else "",
        "service_code": category.slug if category else "",
        "description": text(report.description) if shown else "",
        "agency_responsible": _agency_responsible(report),
        "service_notice": str(report.public_status),
        "requested_datetime": report.created_at,
        "updated_datetime": last_event.created_at if last_event else report.created_at,
        "expected_datetime": _expected(report),
        "address": text(report.address) if shown else "",
        "address_id": report.region_id or "",
        "zipcode": "",
        "lat": float(report.latitude) if shown and report.latitude is not None else None,
        "long": float(report.longitude) if shown and report.longitude is not None else None,
        "media_url": _media_url(report),
    }


# --- tokens ----------------------------------------------------------------------------------------------------


def token_for(report: Report) -> str:
    digest = salted_hmac(TOKEN_SALT, report.tracking_number).hexdigest()[:20]
    return f"{report.tracking_number.replace('-', '')}-{digest}"


def resolve_token(token: str) -> dict:
    """``{"service_request_id", "token"}`` for a token given out by a POST here; 404 error otherwise."""
    compact, _sep, digest = (token or "").strip().partition("-")
    number = f"{compact[:4]}-{compact[4:]}".upper()
    report = Report.objects.filter(tracking_number=number).first() if len(compact) == 8 and digest else None
    if report is None or not constant_time_compare(token_for(report), token.strip()):
        raise Open311Error(404, _("Token tidak dikenal."))
    return {"service_request_id": report.tracking_number, "token": token_for(report)}
