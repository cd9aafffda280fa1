"""The catalogue's search form (GET): a text query and an agency."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import agencies_with_services


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari layanan"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Kata pencarian paling panjang %(limit_value)d karakter.")},
    )
    instansi = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("Semua instansi"),
        error_messages={"invalid_choice": _("Instansi ini tidak ada di daftar. Pilih dari daftar.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instansi"].queryset = agencies_with_services()
