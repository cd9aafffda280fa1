"""Pages of the non-responders report: the staff's live view (stats.view, scoped), its publication, and the
public list of published reports. Exports as CSV, XLSX and PDF."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.core import permissions
from layan.core.models import Agency

from . import exports
from .models import PublishedPeriodReport
from .publication import publish, publish_choices, staff_report
from .stats import MONTH, QUARTER, Period, period_of


def _period(request) -> Period:
    code = request.GET.get("periode") or request.POST.get("periode") or ""
    try:
        return Period.parse(code)
    except (ValueError, TypeError):
        kind = MONTH if request.GET.get("jenis") == MONTH else QUARTER
        return Period.containing(timezone.localdate(), kind)


def _require_stats(user):
    if not permissions.has_perm(user, permissions.STATS_VIEW):
        raise PermissionDenied


def _rows_html(rows: list[dict]) -> str:
    """The rows of one table, written here rather than cell by cell in the template: a province's report has a
    thousand agencies, and twelve thousand cells through the template took a quarter of a second. Cells are
    localised and escaped as the template would (``{{ cell }}``); an empty figure is a dash."""
    decimal = get_format("DECIMAL_SEPARATOR")
    plain_numbers = not settings.USE_THOUSAND_SEPARATOR

    def text(value) -> str:
        if plain_numbers and type(value) is int:
            return str(value)
        if plain_numbers and type(value) is float and "e" not in repr(value):
            return repr(value).replace(".", decimal)  # what localize() writes, without its per-call lookups
        return conditional_escape(localize(value))

    lines = []
    for row in rows:
        cells = "".join(
            "<td>—</td>" if row.get(key) is None else f"<td>{text(row.get(key))}</td>"
            for key, _label in exports.COLUMNS
        )
        lines.append(
            f'    <tr class="non-responder">{cells}</tr>' if row.get("non_responder") else f"    <tr>{cells}</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every cell is escaped above


def _tables(data: dict) -> dict:
    """The named non-responders (the call-out above the tables) and the tables' rows."""
    return {
        "non_responders": [row for row in data["agencies"] if row["non_responder"]],
        "tables": [(label, _rows_html(data[section])) for section, label in exports.SECTIONS],
        "columns": exports.COLUMNS,
    }


@login_required
def staff_stats(request):
    _require_stats(request.user)
    period = _period(request)
    data = staff_report(request.user, period)
    choices = publish_choices(request.user)
    context = {
        "period": period,
        "data": data,
        "publish_choices": [(a.pk if a else "", a.name if a else _("Seluruh instansi")) for a in choices],
        "other_kind": Period.containing(period.start, MONTH if period.kind == QUARTER else QUARTER),
        **_tables(data),
    }
    return render(request, "deadlines/stats_staff.html", context)


@login_required
def staff_export(request, fmt):
    _require_stats(request.user)
    if fmt not in exports.WRITERS:
        raise Http404
    period = _period(request)
    data = staff_report(request.user, period)
    return exports.response(data, period.label, fmt, f"kinerja-{period.code}")


@login_required
@require_POST
def publish_view(request):
    choices = publish_choices(request.user)
    if not choices:
        raise PermissionDenied
    try:
        period = Period.parse(request.POST.get("periode", ""))
    except ValueError:
        messages.error(request, _("Periode tidak dikenal."))
        return redirect("deadlines:staff-stats")
    raw = request.POST.get("agency", "")
    allowed = {a.pk if a else "": a for a in choices}
    key = int(raw) if raw.isdigit() else ""
    if key not in allowed:
        raise PermissionDenied
    published = publish(period, request.user, allowed[key])
    messages.success(request, _("Laporan %(period)s telah diterbitkan.") % {"period": period.label})
    return redirect("deadlines:published-detail", pk=published.pk)


def published_list(request):
    reports = PublishedPeriodReport.objects.select_related("agency").order_by("-period_start", "period_kind", "pk")
    items = [(r, period_of(r.rows)) for r in reports]
    return render(request, "deadlines/published_list.html", {"items": items})


def published_detail(request, pk):
    published = get_object_or_404(PublishedPeriodReport.objects.select_related("agency"), pk=pk)
    data = published.rows
    context = {
        "published": published,
        "period": period_of(data),
        "data": data,
        "government": published.agency.name if published.agency else _("Seluruh instansi"),
        **_tables(data),
    }
    return render(request, "deadlines/published_detail.html", context)


def published_export(request, pk, fmt):
    if fmt not in exports.WRITERS:
        raise Http404
    published = get_object_or_404(PublishedPeriodReport, pk=pk)
    period = period_of(published.rows)
    slug = published.agency.slug if isinstance(published.agency, Agency) else "semua"
    return exports.response(published.rows, period.label, fmt, f"kinerja-{period.code}-{slug}")
