"""Routing's actions on the staff report page: merge a suggested duplicate into the earlier report ("Gabungkan")
or set it aside ("Bukan duplikat"); release a report held by the abuse screen ("Lepaskan") or archive it as
SARA/spam.

POST forms with CSRF that work without JavaScript; each redirects back to the report page with a message. The
rules live in ``duplicates`` and ``abuse``: a user who may read the report but not verify it gets 403, a report
outside the user's scope is 404 (whether or not it exists); a refused or stale action comes back as a message and
changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.core import permissions
from layan.reports import workflow
from layan.reports.models import Report

from . import abuse, duplicates
from .models import DuplicateCandidate

REFUSALS = (workflow.TransitionError, ValidationError, duplicates.MergeRefused, abuse.ReviewRefused)


def _report(request, number: str) -> Report:
    user = request.user
    report = Report.objects.select_related("admin_agency").filter(tracking_number=number.strip().upper()).first()
    if report is None or not (
        workflow.can_view(user, report) or permissions.has_perm(user, permissions.REPORT_VERIFY, report.admin_agency_id)
    ):
        raise Http404
    return report


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # a form without the version cannot prove it saw the current report: refused as stale


def _back(report: Report, anchor: str):
    return redirect(reverse("reports:staff-detail", args=[report.tracking_number]) + anchor)


def _candidate(report: Report, pk: int) -> DuplicateCandidate:
    return get_object_or_404(DuplicateCandidate.objects.select_related("report", "candidate"), pk=pk, report=report)


@login_required
@require_POST
def merge(request, number, pk):
    report = _report(request, number)
    candidate = _candidate(report, pk)
    try:
        primary = duplicates.merge(candidate, request.user, version=_version(request))
    except REFUSALS as exc:
        messages.error(request, duplicates.refuse_message(exc))
        return _back(report, "#duplikat")
    messages.success(
        request,
        _("Laporan %(number)s digabungkan ke laporan %(primary)s.")
        % {"number": report.tracking_number, "primary": primary.tracking_number},
    )
    return _back(report, "#duplikat")


@login_required
@require_POST
def dismiss(request, number, pk):
    report = _report(request, number)
    candidate = _candidate(report, pk)
    try:
        duplicates.dismiss(candidate, request.user)
    except REFUSALS as exc:
        messages.error(request, duplicates.refuse_message(exc))
    else:
        messages.success(
            request, _("Laporan %(number)s ditandai bukan duplikat.") % {"number": candidate.candidate.tracking_number}
        )
    return _back(report, "#duplikat")


@login_required
@require_POST
def release(request, number):
    report = _report(request, number)
    try:
        abuse.release(report, request.user, version=_version(request))
    except REFUSALS as exc:
        messages.error(request, duplicates.refuse_message(exc))
    else:
        messages.success(request, _("Laporan dilepas dan kini tampil seperti laporan lain."))
    return _back(report, "#penyaringan")


@login_required
@require_POST
def confirm(request, number):
    report = _report(request, number)
    try:
        abuse.confirm(report, request.user, version=_version(request))
    except REFUSALS as exc:
        messages.error(request, duplicates.refuse_message(exc))
    else:
        messages.success(request, _("Laporan diarsipkan sebagai SARA/spam."))
    return _back(report, "#penyaringan")


urlpatterns = [
    path("staf/laporan/<str:number>/duplikat/<int:pk>/gabungkan/", merge, name="duplicate-merge"),
    path("staf/laporan/<str:number>/duplikat/<int:pk>/bukan/", dismiss, name="duplicate-dismiss"),
    path("staf/laporan/<str:number>/penyaringan/lepaskan/", release, name="screening-release"),
    path("staf/laporan/<str:number>/penyaringan/arsipkan/", confirm, name="screening-confirm"),
]
