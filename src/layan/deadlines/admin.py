from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Clock, DeadlinePolicy, PublishedPeriodReport, SweepRun


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["step", "agency", "category", "report_type", "weight", "amount", "unit", "reminder_fraction"]
    list_display_links = ["step"]
    list_filter = ["step", "unit", "report_type", "weight", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["agency__name", "agency__short_name", "category__name"]
    raw_id_fields = ["agency", "category"]
    list_select_related = ["agency", "category"]
    fieldsets = [
        (_("Berlaku untuk"), {"fields": ["step", "agency", "category", "report_type", "weight"]}),
        (_("Batas waktu"), {"fields": ["amount", "unit"]}),
        (_("Tangga eskalasi"), {"fields": ["reminder_fraction", "supervisor_after"]}),
    ]


@admin.register(PublishedPeriodReport)
class PublishedPeriodReportAdmin(admin.ModelAdmin):
    list_display = ["period_start", "period_kind", "agency", "published_at", "published_by"]
    list_filter = ["period_kind", ("agency", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "period_start"
    readonly_fields = ["period_kind", "period_start", "agency", "rows", "published_at", "published_by"]
    list_select_related = ["agency", "published_by"]

    def has_add_permission(self, request):
        return False  # published from the staff page, where the figures are computed


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Read-only: clocks change through the report workflow and the sweep only."""

    list_display = ["report", "step", "agency", "status", "escalation_level", "due_at", "next_check_at"]
    list_filter = ["step", "status", "escalation_level"]
    search_fields = ["report__tracking_number"]
    raw_id_fields = ["report", "disposition", "agency"]
    list_select_related = ["report", "agency"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ["slot", "started_at", "finished_at"]
    readonly_fields = ["slot", "started_at", "finished_at", "result"]

    def has_add_permission(self, request):
        return False
