from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import pii
from .models import Agency, Citizen, Membership, Region, RegionHoliday, User

admin.site.site_header = _("Administrasi Layan")
admin.site.site_title = _("Layan")
admin.site.index_title = _("Data induk dan pengaturan")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "timezone"]
    list_filter = ["level", "timezone"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "agency"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "level", "parent", "open_24_7", "is_active"]
    list_filter = ["kind", "level", "open_24_7", "is_active"]
    search_fields = ["name", "short_name", "slug", "email"]
    prepopulated_fields = {"slug": ["short_name"]}
    raw_id_fields = ["parent", "home_region", "regions"]
    filter_horizontal = ["oversees"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "level", "parent", "is_active"]}),
        (_("Wilayah"), {"fields": ["home_region", "regions"]}),
        (_("Kontak"), {"fields": ["email", "phone", "address", "website"]}),
        (_("Jam layanan"), {"fields": ["open_24_7", "working_hours"]}),
        (_("Pengawasan"), {"fields": ["oversees"]}),
    ]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Kontak"), {"fields": ["phone"]}),)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "agency__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """No contact in clear: an administrator sees that a record has one (and can find it by typing a phone number
    or e-mail, through the blind index), never what it is; contact is the reporter's and the handling staff's."""

    list_display = ["__str__", "has_contact_shown", "phone_shown", "email_shown", "user", "created_at", "erased_at"]
    fields = ["user", "has_contact_shown", "phone_shown", "email_shown", "created_at", "erased_at"]
    readonly_fields = fields
    search_fields = ["=pk"]
    list_select_related = ["user"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term and not (term.isdigit() and len(term) < 8):  # a short number is a record's id; a longer one a phone
            found = queryset.filter(Q(phone_index=pii.phone_index(term)) | Q(email_index=pii.email_index(term)))
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ada kontak"), boolean=True)
    def has_contact_shown(self, obj):
        return obj.has_contact

    @admin.display(description=_("telepon"))
    def phone_shown(self, obj):
        return pii.fingerprint(obj.phone_index)

    @admin.display(description=_("surel"))
    def email_shown(self, obj):
        return pii.fingerprint(obj.email_index)


@admin.register(RegionHoliday)
class RegionHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "region"]
    list_filter = ["date"]
    search_fields = ["name", "region__name"]
    raw_id_fields = ["region"]
    date_hierarchy = "date"
