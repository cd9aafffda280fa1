"""Admin of the routing models (read-mostly: versions are made by ``layan router train``, activated on
``/staf/perutean/``), the auto-dispatch policy and the stored suggestions."""

from django.contrib import admin

from .models import RouterModel, RoutingPolicy, Suggestion


@admin.register(RouterModel)
class RouterModelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "n_examples", "is_active", "activated_at", "created_at"]
    list_filter = ["target", "is_active"]
    # a version is what it was trained as; (de)activate it on /staf/perutean/, so only one is active per target
    readonly_fields = [f.name for f in RouterModel._meta.fields if f.name != "notes"]

    def has_add_permission(self, request):
        return False


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "auto_dispatch", "target_precision", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return not RoutingPolicy.objects.exists()  # one row (pk=1): RoutingPolicy.current()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["report", "confidence", "outcome", "chosen_agency", "created_at", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["report__tracking_number"]
    raw_id_fields = ["report", "chosen_agency"]
    readonly_fields = ["agency_model", "category_model", "agencies", "categories", "created_at"]
