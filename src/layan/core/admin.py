from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
    list_display = ["name", "phone", "email", "created_at"]
    search_fields = ["name", "phone", "email"]
    raw_id_fields = ["user"]
    exclude = []


@admin.register(RegionHoliday)
class RegionHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "region"]
    list_filter = ["date"]
    search_fields = ["name", "region__name"]
    raw_id_fields = ["region"]
    date_hierarchy = "date"
