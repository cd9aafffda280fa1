from auditlog.registry import auditlog

from layan.core.audit import entries_of, register_scope_filter

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
