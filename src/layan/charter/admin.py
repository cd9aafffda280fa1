"""Admin for the service catalogue and the maklumat, scoped by agency.

Who may manage which agency's services is decided by ``layan.core.permissions`` (``SERVICE_MANAGE``), not by
Django's model permissions: a head of agency (pimpinan) or the platform admin of a government edits the services
of their agency and its units, and no one else's. Reaching ``/admin/`` itself still needs the user's "staf"
flag, set by the system administrator.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from layan.core import permissions
from layan.core.models import Agency

from .models import Maklumat, Service


class AgencyScopedAdmin(admin.ModelAdmin):
    """Rows, choices and rights limited to the agencies where the user holds ``SERVICE_MANAGE``."""

    perm = permissions.SERVICE_MANAGE

    def _may(self, request, obj=None):
        agency = obj.agency_id if obj is not None else None
        return permissions.has_perm(request.user, self.perm, agency)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def get_queryset(self, request):
        return permissions.filter_by_scope(super().get_queryset(request), request.user, self.perm)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            agencies = Agency.objects.filter(is_active=True).order_by("name")
            kwargs["queryset"] = permissions.filter_by_scope(agencies, request.user, self.perm, field="pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAgencyFilter(admin.SimpleListFilter):
    """Filter by agency, offering only the agencies the user manages."""

    title = _("instansi")
    parameter_name = "instansi"

    def lookups(self, request, model_admin):
        agencies = Agency.objects.filter(services__isnull=False).distinct().order_by("name")
        agencies = permissions.filter_by_scope(agencies, request.user, permissions.SERVICE_MANAGE, field="pk")
        return [(agency.slug, agency.name) for agency in agencies]

    def queryset(self, request, queryset):
        return queryset.filter(agency__slug=self.value()) if self.value() else queryset


@admin.register(Service)
class ServiceAdmin(AgencyScopedAdmin):
    list_display = ["name", "code", "agency", "time_value", "time_unit", "cost_amount", "is_published", "updated_at"]
    list_filter = ["is_published", ScopedAgencyFilter]
    search_fields = ["name", "code", "description"]
    list_select_related = ["agency"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["categories"]
    readonly_fields = ["published_at", "updated_at"]
    actions = ["publish", "withdraw"]
    fieldsets = [
        (None, {"fields": ["agency", "name", "code", "description", "categories"]}),
        (
            _("Komponen penyampaian pelayanan"),
            {
                "description": _("Enam komponen yang dibaca warga (Permen PANRB 15/2014)."),
                "fields": [
                    "requirements",
                    "procedure",
                    ("time_value", "time_unit"),
                    ("cost_amount", "cost_is_variable"),
                    "cost_note",
                    "product",
                    "complaint_handling",
                ],
            },
        ),
        (
            _("Komponen pengelolaan pelayanan"),
            {
                "description": _("Delapan komponen yang menjadi tanggung jawab internal instansi."),
                "classes": ["collapse"],
                "fields": [
                    "legal_basis",
                    "facilities",
                    "staff_competence",
                    "internal_supervision",
                    "staff_count",
                    "service_guarantee",
                    "safety_guarantee",
                    "performance_evaluation",
                ],
            },
        ),
        (_("Publikasi"), {"fields": ["is_published", "published_at", "updated_at"]}),
    ]

    @admin.action(description=_("Umumkan layanan terpilih"))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Tarik layanan terpilih dari publikasi"))
    def withdraw(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool):
        changed = 0
        for service in queryset.exclude(is_published=published):  # already scoped by get_queryset
            if self.has_change_permission(request, service):
                service.is_published = published
                service.save(update_fields=["is_published"])
                changed += 1
        message = (
            ngettext("%(n)d layanan diumumkan.", "%(n)d layanan diumumkan.", changed)
            if published
            else ngettext("%(n)d layanan ditarik dari publikasi.", "%(n)d layanan ditarik dari publikasi.", changed)
        )
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)


@admin.register(Maklumat)
class MaklumatAdmin(AgencyScopedAdmin):
    list_display = ["agency", "signatory_name", "signatory_position", "signed_on", "updated_at"]
    search_fields = ["agency__name", "signatory_name"]
    list_select_related = ["agency"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["agency", "text"]}),
        (_("Penetapan"), {"fields": ["place", "signed_on", "signatory_name", "signatory_position", "updated_at"]}),
    ]
