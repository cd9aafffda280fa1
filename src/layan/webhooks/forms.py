from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from layan.core import permissions
from layan.core.models import Agency

from .models import EventType
from .targets import validate_target_url


class EventCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "reports/staff/_checkbox_select.html"


class SubscriptionForm(forms.Form):
    """Create or edit a subscription; the agencies offered are those the user manages webhooks for."""

    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=Agency.objects.none())
    name = forms.CharField(label=_("Nama"), max_length=120, help_text=_("Misalnya: Sistem tiket internal."))
    target_url = forms.CharField(
        label=_("Alamat tujuan (URL)"),
        max_length=500,
        help_text=_("Alamat http(s) yang menerima POST berisi JSON, misalnya https://sistem.example.go.id/layan."),
    )
    events = forms.MultipleChoiceField(
        label=_("Peristiwa yang dikirim"), choices=EventType.choices, widget=EventCheckboxes
    )
    include_units = forms.BooleanField(label=_("Termasuk laporan unit kerja di bawah instansi ini"), required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = permissions.filter_by_scope(
            Agency.objects.filter(is_active=True), user, permissions.WEBHOOK_MANAGE, "pk"
        )
        self.fields["agency"].queryset = agencies.order_by("name")
        if editing:
            del self.fields["agency"]

    def clean_target_url(self):
        try:
            return validate_target_url(self.cleaned_data["target_url"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
