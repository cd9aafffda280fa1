import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from layan.core import pii

from .models import Delivery, DeliveryAttempt, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "target_url", "is_active", "failure_streak", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "target_url", "agency__name")
    autocomplete_fields = ("agency",)
    readonly_fields = ("secret", "secret_rotated_at", "failure_streak", "disabled_at", "created_by", "created_at")


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "duration_ms", "status_code", "error", "retry_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are the record of what was sent."""

    list_display = ("id", "subscription", "event_type", "state", "attempts", "last_status_code", "created_at")
    list_filter = ("state", "event_type")
    search_fields = ("id", "report__tracking_number", "subscription__name")
    list_select_related = ("subscription",)
    inlines = [AttemptInline]

    exclude = ("body",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "body"] + ["body_shown"]

    @admin.display(description=_("isi (JSON)"))
    def body_shown(self, obj):
        """The body without the reporter's contact: that is the handling agency's, not an administrator's."""
        try:
            data = json.loads(obj.body)
        except ValueError:
            return pii.redact(obj.body)
        return json.dumps(_without_reporter(data), ensure_ascii=False, indent=2)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _without_reporter(data):
    if isinstance(data, dict):
        return {k: ("[…]" if k == "reporter" and v else _without_reporter(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_reporter(v) for v in data]
    return data
