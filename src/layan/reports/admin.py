from django.contrib import admin

from .models import Category, Disposition, Report, ReportEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["default_agencies"]


class DispositionInline(admin.TabularInline):
    model = Disposition
    fk_name = "report"
    extra = 0
    can_delete = False
    fields = ["agency", "state", "dispatched_at", "first_response_at", "resolved_at"]
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "agency", "stage", "note", "is_public", "clock_effect"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports change only through the state machine (the staff pages and the API)."""

    list_display = ["tracking_number", "title", "state", "type", "channel", "admin_agency", "created_at"]
    list_filter = ["state", "type", "channel", "privacy", "category", "admin_agency"]
    search_fields = ["tracking_number", "title", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["admin_agency"]
    exclude = ["reporter"]  # identities are shown only where the permission rules allow
    inlines = [DispositionInline, EventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
