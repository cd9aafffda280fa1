from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from layan.core import permissions

from .models import KEY_PERMISSIONS, ApiKey

# Layan's keys are ApiKey (scoped to an agency); the library's own unscoped model is not offered.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class ApiKeyForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        label=gettext_lazy("izin"),
        choices=list(KEY_PERMISSIONS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["name", "agency", "permissions", "expiry_date", "revoked"]


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """Keys are made and revoked by system administrators; the key is shown once, right after it is made."""

    form = ApiKeyForm
    list_display = ("prefix", "name", "agency", "created", "last_used_at", "expiry_date", "revoked")
    list_filter = ("revoked", "agency")
    search_fields = ("name", "prefix", "agency__name")
    autocomplete_fields = ("agency",)

    def _may_manage(self, request):
        return permissions.is_global(request.user, permissions.REFERENCE_MANAGE)

    def has_module_permission(self, request):
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the timeline keeps pointing at the key's service account

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        obj.created_by = request.user
        key = ApiKey.objects.assign_key(obj)
        obj.save()
        messages.warning(
            request,
            _("Kunci API untuk %(name)s: %(key)s — simpan sekarang; kunci ini tidak akan ditampilkan lagi.")
            % {"name": obj.name, "key": key},
        )
