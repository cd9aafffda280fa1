"""The upload form of the import page (``views_import``): the file, the admin agency that receives the reports
(one the user may verify for) and the name of the old system."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.core import permissions
from layan.core.models import Agency

from .importer import DEFAULT_SOURCE

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "LAYAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def admin_agencies_for(user):
    """The governments (pemda) whose admin desk ``user`` runs: the only ones they may import reports into."""
    agencies = Agency.objects.filter(is_active=True, kind=Agency.Kind.PEMDA).order_by("level", "name")
    return permissions.filter_by_scope(agencies, user, permissions.REPORT_VERIFY, field="pk")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas CSV atau XLSX"),
        help_text=gettext_lazy("Baris pertama berisi nama kolom. CSV boleh dipisah koma atau titik koma."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    admin_agency = forms.ModelChoiceField(
        label=gettext_lazy("Admin yang menerima laporan"),
        queryset=Agency.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Pemerintah daerah yang menjadi admin (verifikator) semua laporan dalam berkas."),
    )
    source = forms.SlugField(
        label=gettext_lazy("Nama sistem lama"),
        max_length=60,
        initial=DEFAULT_SOURCE,
        help_text=gettext_lazy(
            "Huruf kecil, angka dan tanda hubung, mis. lapor-2019. Impor ulang dengan nama yang sama melewati "
            "laporan yang sudah pernah diimpor."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admin_agency"].queryset = admin_agencies_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar: paling besar %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Unggah berkas .csv atau .xlsx."))
        return upload
