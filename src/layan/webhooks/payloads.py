"""The JSON a subscriber receives.

What an agency's system may read follows the rules of the staff pages: the report's text only if the agency
may read it (always for a public report; for a confidential one, only the agencies that handle it), the
reporter's identity never for an anonymous report (nor to anyone else than the agencies handling it now:
``permissions.reporter_shown_to_agencies``), the
reporter's secret link never, and of the timeline entry only what is public (or the sweep's own deadline text).
"""

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layan.core import permissions
from layan.reports.models import Disposition, Report
from layan.reports.redact import redact


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _agency(agency) -> dict | None:
    if agency is None:
        return None
    return {"slug": agency.slug, "name": agency.name}


def _base_url() -> str:
    return settings.LAYAN_PUBLIC_URL.rstrip("/")


def handles(agency_ids: set[int], report: Report, dispositions: list[Disposition]) -> bool:
    """Whether any of ``agency_ids`` administers the report or was ever dispatched it (``workflow.can_view``
    with the agency's staff scope)."""
    return report.admin_agency_id in agency_ids or any(d.agency_id in agency_ids for d in dispositions)


def deadline(report: Report, agency_ids: set[int]) -> dt.datetime | None:
    """The earliest due time of a running clock the agency is answerable for on this report."""
    from layan.deadlines.models import Clock

    clocks = Clock.objects.filter(report=report, status=Clock.Status.RUNNING, agency_id__in=agency_ids)
    return clocks.order_by("due_at").values_list("due_at", flat=True).first()


def report_data(report: Report, dispositions: list[Disposition], view_scope: set[int], reach: set[int]) -> dict:
    """The report as the agency (staff scope ``view_scope``) may see it."""
    handled = handles(view_scope, report, dispositions)
    visible = report.privacy != Report.Privacy.RAHASIA or handled
    # an agency that does not handle the report reads it at the public's level: NIK, phones, e-mails masked
    text = (lambda value: value) if handled else redact
    base = _base_url()
    data = {
        "tracking_number": report.tracking_number,
        "url": base + report.get_absolute_url() if report.is_public else None,
        "staff_url": base + reverse("reports:staff-detail", args=[report.tracking_number]),
        "type": report.type,
        "title": text(report.title) if visible else None,
        "description": text(report.description) if visible else None,
        "privacy": report.privacy,
        "state": report.state,
        "public_status": str(report.public_status),
        "category": {"slug": report.category.slug, "name": report.category.name} if report.category_id else None,
        "region": {"code": report.region.code, "name": report.region.name} if report.region_id else None,
        "address": text(report.address) if visible else None,
        "admin_agency": _agency(report.admin_agency),
        "dispatched_agencies": [
            {**_agency(d.agency), "state": d.state} for d in dispositions if d.state in Disposition.ACTIVE_STATES
        ],
        "created_at": _utc(report.created_at),
        "deadline": _utc(deadline(report, reach)),
    }
    active = [d.agency_id for d in dispositions if d.state in Disposition.ACTIVE_STATES]
    if visible and permissions.reporter_shown_to_agencies(view_scope, report, active):  # the handling agencies only
        reporter = report.reporter
        data["reporter"] = {"name": reporter.name, "phone": str(reporter.phone or ""), "email": reporter.email}
    return data


def event_data(event) -> dict:
    shown_note = event.is_public or event.actor_kind == "system"
    data = {
        "id": event.pk,
        "action": event.action,
        "note": event.note if shown_note else "",
        "at": _utc(event.created_at),
        "agency": _agency(event.agency),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "stage": event.stage,
        "deadline": _utc(event.deadline_at),
    }
    if event.actor_kind == "system" and event.clock_effect:
        data["escalation"] = event.clock_effect.split(":", 1)[-1]  # head, supervisor, liaison, admin, reporter
    return data


def build(delivery_id, event_type: str, created_at: dt.datetime, *, event=None, report_part=None, extra=None) -> str:
    """The body, serialised once: every attempt sends these exact bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        payload = {"id": str(delivery_id), "type": event_type, "created_at": _utc(created_at)}
        if report_part is not None:
            payload["report"] = report_part
        if event is not None:
            payload["event"] = event_data(event)
        payload.update(extra or {})
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def ping_extra(subscription) -> dict:
    return {
        "subscription": {
            "id": subscription.pk,
            "name": subscription.name,
            "agency": _agency(subscription.agency),
            "events": list(subscription.events),
        },
        "message": _("Uji coba webhook dari %(site)s.") % {"site": settings.LAYAN_SITE_NAME},
        "sent_at": _utc(timezone.now()),
    }
