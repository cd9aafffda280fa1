from auditlog.registry import auditlog

from layan.core.audit import entries_of, register_scope_filter

from .models import Category, Disposition, Report

auditlog.register(Category)
auditlog.register(Report, exclude_fields=["secret", "version", "updated_at", "support_count"])
auditlog.register(Disposition)


@register_scope_filter
def _report_entries(scope):
    reports = Report.objects.filter(admin_agency_id__in=scope).values_list("pk", flat=True)
    dispatched = Disposition.objects.filter(agency_id__in=scope).values_list("report_id", flat=True)
    dispositions = Disposition.objects.filter(agency_id__in=scope).values_list("pk", flat=True)
    return entries_of(Report, reports) | entries_of(Report, dispatched) | entries_of(Disposition, dispositions)
