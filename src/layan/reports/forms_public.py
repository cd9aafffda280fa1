"""Forms of the citizen- and public-facing report pages (``views_public``).

The report form works without JavaScript: the region is three chained selects (kabupaten/kota, kecamatan,
desa/kelurahan); choosing a parent and pressing "Pilih" reloads the form with the children filled in, and with
htmx only the region fieldset is swapped in place. Attachments are validated by the view (they become
``PendingUpload`` rows when the rest of the form has an error), the form only carries the file input.
"""

import datetime as dt
import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from layan.core import inputs
from layan.core.models import Agency, Region

from .attachments import ALLOWED_TYPES
from .models import Category, Report
from .widgets import FastSelect

ACCEPT = ",".join(ALLOWED_TYPES)

TYPE_HELP = {
    Report.Type.PENGADUAN: _("Ada pelayanan yang buruk, lambat, atau tidak diberikan, misalnya jalan rusak dibiarkan."),
    Report.Type.ASPIRASI: _("Usul atau saran untuk perbaikan pelayanan publik."),
    Report.Type.INFORMASI: _("Anda ingin mengetahui informasi dari instansi pemerintah."),
}

PRIVACY_HELP = {
    Report.Privacy.PUBLIC: _(
        "Isi laporan dan tanggapannya dapat dibaca siapa saja. Nama dan kontak Anda tidak pernah ditampilkan "
        "kepada publik; hanya petugas yang menangani yang dapat melihatnya."
    ),
    Report.Privacy.RAHASIA: _(
        "Laporan tidak tampil untuk publik. Isinya dapat dibaca petugas yang menangani, badan pengawasnya "
        "(inspektorat, Ombudsman) dan administrator sistem. Nama dan kontak Anda hanya dapat dilihat petugas yang "
        "menangani: admin pemerintah daerah yang memverifikasi dan instansi yang ditugasi menindaklanjuti. Cocok "
        "untuk laporan yang menyangkut diri Anda atau orang tertentu."
    ),
    Report.Privacy.ANONIM: _(
        "Laporan dapat tampil di daftar publik, tetapi identitas Anda disembunyikan dari siapa pun, termasuk "
        "instansi yang menangani. Petugas tidak dapat menghubungi Anda langsung, jadi isi laporan selengkap "
        "mungkin. Kabar perkembangan tetap dikirim ke surel Anda jika Anda mengisinya."
    ),
}

PRIVACY_LABELS = {
    Report.Privacy.PUBLIC: _("Publik"),
    Report.Privacy.RAHASIA: _("Rahasia"),
    Report.Privacy.ANONIM: _("Anonim"),
}

RATING_CHOICES = [
    ("5", _("5: Sangat puas")),
    ("4", _("4: Puas")),
    ("3", _("3: Cukup")),
    ("2", _("2: Tidak puas")),
    ("1", _("1: Sangat tidak puas")),
]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files. The view checks each one by its content with
    ``attachments.clean_upload`` (type, size, metadata), so nothing is checked here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [item for item in data if item]
        return [data] if data else []


def attachments_help():
    return _("Foto (JPEG, PNG, WebP) atau PDF, paling banyak %(n)s berkas, masing-masing paling besar %(mb)s MB.") % {
        "n": settings.LAYAN_ATTACHMENTS_PER_REPORT,
        "mb": settings.LAYAN_ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }


# --- regions ----------------------------------------------------------------------------------------------------


def served_root_codes() -> set[str]:
    """Region codes of the active regional governments (pemda): their seat and the regions they serve."""
    codes = set()
    for agency in Agency.objects.filter(is_active=True, kind=Agency.Kind.PEMDA).prefetch_related("regions"):
        if agency.home_region_id:
            codes.add(agency.home_region_id)
        codes.update(region.code for region in agency.regions.all())
    return codes


def served_kabkota():
    """Kabupaten/kota where a report can be sent: those of a pemda, or inside a province with a pemda."""
    roots = served_root_codes()
    return Region.objects.filter(level=Region.Level.KABKOTA).filter(Q(code__in=roots) | Q(parent_id__in=roots))


def kabkota_choices():
    """Grouped by province when more than one province is served."""
    regions = list(served_kabkota().order_by("code"))
    provinces = {r.parent_id for r in regions}
    if len(provinces) <= 1:
        return [(r.code, r.name) for r in regions]
    names = dict(Region.objects.filter(code__in=provinces).values_list("code", "name"))
    groups = {}
    for r in regions:
        groups.setdefault(names.get(r.parent_id, r.parent_id), []).append((r.code, r.name))
    return list(groups.items())


def child_choices(parent_code: str):
    return list(Region.objects.filter(parent_id=parent_code).order_by("name").values_list("code", "name"))


def region_labels(regions) -> dict[str, str]:
    """ "Desa, Kecamatan, Kabupaten/Kota" for each region, in one query (the province is left out)."""
    codes = set()
    for region in regions:
        codes.update(code for code in region.ancestor_codes if "." in code)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        region.code: ", ".join(names[c] for c in region.ancestor_codes if c in names) or region.name
        for region in regions
    }


class ErrorSummaryMixin:
    def error_summary(self):
        """(anchor id, message) for every error, in the order of the fields, for the summary above the form."""
        items = [("", str(error)) for error in self.non_field_errors()]
        for field in self:
            if field.errors:
                anchor = f"{field.auto_id}_0" if isinstance(field.field.widget, forms.RadioSelect) else field.auto_id
                label = str(field.label).rstrip("?:")
                items.extend((anchor, f"{label}: {error}") for error in field.errors)
        return items


# --- the report form --------------------------------------------------------------------------------------------


class ReportForm(ErrorSummaryMixin, forms.Form):
    type = forms.ChoiceField(
        label=_("Jenis laporan"),
        choices=Report.Type.choices,
        initial=Report.Type.PENGADUAN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih jenis laporan.")},
    )
    title = forms.CharField(
        label=_("Judul laporan"),
        max_length=200,
        help_text=_("Singkat dan jelas, misalnya: Lampu jalan mati di Jl. Tegalsari."),
        error_messages={
            "required": _("Tulis judul laporan."),
            "max_length": _("Judul paling panjang %(limit_value)d karakter (sekarang %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Isi laporan"),
        min_length=20,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Ceritakan apa yang terjadi, di mana, sejak kapan, dan apa yang Anda harapkan. "
            "Jangan menulis data pribadi orang lain."
        ),
        error_messages={
            "required": _("Tulis isi laporan."),
            "min_length": _("Isi laporan terlalu singkat: tulis paling sedikit %(limit_value)d karakter."),
            "max_length": _("Isi laporan paling panjang %(limit_value)d karakter (sekarang %(show_value)d)."),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Tidak tahu / lainnya"),
        help_text=_("Boleh dikosongkan; petugas akan memilihkan kategori yang sesuai."),
        error_messages={"invalid_choice": _("Pilih kategori dari daftar.")},
    )
    kabkota = forms.ChoiceField(
        label=_("Kabupaten/kota"),
        error_messages={
            "required": _("Pilih kabupaten/kota tempat kejadian."),
            "invalid_choice": _("Pilih kabupaten/kota dari daftar."),
        },
    )
    kecamatan = forms.ChoiceField(
        label=_("Kecamatan"),
        required=False,
        error_messages={"invalid_choice": _("Kecamatan ini tidak berada di kabupaten/kota yang dipilih. Pilih lagi.")},
    )
    desa = forms.ChoiceField(
        label=_("Desa/kelurahan"),
        required=False,
        error_messages={"invalid_choice": _("Desa/kelurahan ini tidak berada di kecamatan yang dipilih. Pilih lagi.")},
    )
    address = forms.CharField(
        label=_("Alamat atau patokan lokasi"),
        max_length=300,
        required=False,
        help_text=_('Nama jalan, nomor rumah, RT/RW, atau patokan seperti "depan SD Negeri 1".'),
    )
    latitude = forms.FloatField(
        label=_("Lintang (latitude)"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Tulis lintang sebagai angka desimal, misalnya -7.2575."),
            "min_value": _("Lintang harus antara -90 dan 90."),
            "max_value": _("Lintang harus antara -90 dan 90."),
        },
    )
    longitude = forms.FloatField(
        label=_("Bujur (longitude)"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Tulis bujur sebagai angka desimal, misalnya 112.7521."),
            "min_value": _("Bujur harus antara -180 dan 180."),
            "max_value": _("Bujur harus antara -180 dan 180."),
        },
    )
    occurred_on = forms.DateField(
        label=_("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Jika Anda ingat."),
        error_messages={"invalid": _("Tulis tanggal yang benar, misalnya 17-08-2025.")},
    )
    privacy = forms.ChoiceField(
        label=_("Siapa yang boleh melihat laporan ini?"),
        choices=[(value, PRIVACY_LABELS[value]) for value in Report.Privacy.values],
        initial=Report.Privacy.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih kerahasiaan laporan.")},
    )
    name = forms.CharField(
        label=_("Nama"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = PhoneNumberField(
        label=_("Nomor telepon/WhatsApp"),
        region="ID",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Agar petugas dapat menghubungi Anda bila perlu, misalnya 0812 3456 7890."),
        error_messages={"invalid": _("Tulis nomor telepon yang benar, misalnya 0812 3456 7890.")},
    )
    email = forms.EmailField(
        label=_("Surel (email)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Kabar perkembangan laporan dan tautan rahasia Anda dikirim ke alamat ini."),
        error_messages={"invalid": _("Tulis alamat surel yang benar, misalnya nama@contoh.id.")},
    )
    want_updates = forms.BooleanField(label=_("Saya ingin menerima kabar perkembangan laporan ini"), required=False)
    attachments = MultipleFileField(
        label=_("Lampiran foto atau dokumen"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    RADIO_HELP = {"type": TYPE_HELP, "privacy": PRIVACY_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["attachments"].help_text = attachments_help()
        submit_url = reverse("reports:submit")
        for name in ("kabkota", "kecamatan"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": submit_url,
                    "hx-trigger": "change",
                    "hx-target": "#wilayah",
                    "hx-swap": "outerHTML",
                    "hx-include": "#wilayah",
                    "hx-vals": json.dumps({"bagian": "wilayah"}),
                }
            )
        self._set_region_choices()

    def raw(self, name):
        """The value the citizen picked, bound or not (for the chained selects)."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or ""
        return self.initial.get(name) or ""

    def _set_region_choices(self):
        kab_choices = kabkota_choices()
        self.fields["kabkota"].choices = [("", _("Pilih kabupaten/kota"))] + kab_choices
        valid_kab = {code for code, _label in _flat(kab_choices)}
        kab, kec = self.raw("kabkota"), self.raw("kecamatan")
        kec_choices = child_choices(kab) if kab in valid_kab else []
        desa_choices = child_choices(kec) if kec and kec in {code for code, _label in kec_choices} else []
        self.fields["kecamatan"].choices = [
            ("", _("Pilih kecamatan") if kec_choices else _("Pilih kabupaten/kota dulu"))
        ] + kec_choices
        self.fields["desa"].choices = [
            ("", _("Pilih desa/kelurahan") if desa_choices else _("Pilih kecamatan dulu"))
        ] + desa_choices
        self.kecamatan_ready, self.desa_ready = bool(kec_choices), bool(desa_choices)

    def clean_occurred_on(self):
        value = self.cleaned_data.get("occurred_on")
        if value and value > timezone.localdate() + dt.timedelta(days=1):
            raise forms.ValidationError(_("Tanggal kejadian tidak boleh di masa depan."))
        if value:
            try:
                inputs.check_date(value)
            except inputs.InputError as error:
                raise forms.ValidationError(error.message) from None
        return value

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and "latitude" not in self.errors and "longitude" not in self.errors:
            self.add_error(
                "longitude" if lon is None else "latitude",
                _("Isi lintang dan bujur keduanya, atau kosongkan keduanya."),
            )
        if data.get("want_updates") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Isi alamat surel agar kami dapat mengirim kabar perkembangan."))
        code = data.get("desa") or data.get("kecamatan") or data.get("kabkota")
        data["region"] = Region.objects.filter(code=code).first() if code else None
        return data

    def coordinates(self):
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        if lat is None or lon is None:
            return None, None
        return round(Decimal(str(lat)), 6), round(Decimal(str(lon)), 6)

    def radio_options(self, name):
        """The options of a radio group with their plain explanation, for the template."""
        bound = self[name]
        helps = self.RADIO_HELP.get(name, {})
        return [(option, helps.get(option.data["value"], "")) for option in bound]


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


# --- tracking, following, public list filters -------------------------------------------------------------------


def normalise_tracking_number(text: str) -> str:
    """ "k7qm 3xpa", "K7QM3XPA", " K7QM-3XPA " all become ``K7QM-3XPA``."""
    chars = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{chars[:4]}-{chars[4:]}" if len(chars) == 8 else (text or "").strip().upper()


class TrackForm(ErrorSummaryMixin, forms.Form):
    nomor = forms.CharField(
        label=_("Nomor laporan"),
        max_length=20,
        help_text=_("Delapan huruf dan angka, misalnya K7QM-3XPA."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Tulis nomor laporan.")},
    )

    def clean_nomor(self):
        return normalise_tracking_number(self.cleaned_data["nomor"])


class FollowForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=_("Alamat surel"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Kami mengirim kabar setiap kali ada perkembangan laporan ini."),
        error_messages={
            "required": _("Tulis alamat surel Anda."),
            "invalid": _("Tulis alamat surel yang benar, misalnya nama@contoh.id."),
        },
    )


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    type = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua jenis"))] + list(Report.Type.choices)
    )
    kategori = forms.ChoiceField(label=_("Kategori"), required=False, widget=FastSelect)  # hundreds of categories
    wilayah = forms.ChoiceField(label=_("Kabupaten/kota"), required=False, widget=FastSelect)
    kanal = forms.ChoiceField(
        label=_("Kanal"), required=False, choices=[("", _("Semua kanal"))] + list(Report.Channel.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Semua status"))] + [
            (states[0], label) for label, states in public_status_groups()
        ]
        self.fields["kategori"].choices = [("", _("Semua kategori"))] + list(
            Category.objects.filter(is_active=True).values_list("slug", "name")
        )
        self.fields["wilayah"].choices = [("", _("Semua wilayah"))] + kabkota_choices()

    @property
    def is_filtered(self):
        return any(self.cleaned_data.get(name) for name in ("status", "type", "kategori", "wilayah", "kanal"))


def public_status_groups():
    """The public LAPOR! statuses with the internal states under each, archive left out (never public)."""
    from .models import PUBLIC_STATUS

    groups = {}
    for state in Report.State.values:
        if state == Report.State.ARSIP:
            continue
        groups.setdefault(str(PUBLIC_STATUS[state]), []).append(state)
    return list(groups.items())


def states_for_status(state: str) -> list[str]:
    for _label, states in public_status_groups():
        if state in states:
            return states
    return []


# --- the reporter's actions -------------------------------------------------------------------------------------


class ActionForm(ErrorSummaryMixin, forms.Form):
    """One reporter action; ``workflow_data`` is what ``workflow.perform`` receives."""

    def workflow_data(self):
        return dict(self.cleaned_data)


class AddInfoForm(ActionForm):
    note = forms.CharField(
        label=_("Informasi tambahan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hanya petugas yang menangani yang dapat membaca informasi ini."),
        error_messages={"required": _("Tulis informasi tambahan.")},
    )
    attachments = MultipleFileField(
        label=_("Tambah foto atau dokumen"), required=False, widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )

    def workflow_data(self):
        return {"note": self.cleaned_data["note"]}


class RatingMixin:
    def clean_rating(self):
        value = self.cleaned_data.get("rating")
        return int(value) if value else None


class ConfirmForm(RatingMixin, ActionForm):
    rating = forms.ChoiceField(
        label=_("Penilaian Anda"), choices=RATING_CHOICES, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Komentar"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def workflow_data(self):
        rating, comment = self.cleaned_data.get("rating"), self.cleaned_data.get("comment", "")
        if rating:
            return {"rating": rating, "comment": comment}
        return {"note": comment} if comment else {}


class ReopenForm(ActionForm):
    note = forms.CharField(
        label=_("Apa yang belum selesai?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tuliskan mengapa laporan belum selesai.")},
    )


class RateForm(RatingMixin, ActionForm):
    rating = forms.ChoiceField(
        label=_("Penilaian Anda"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih penilaian dari 1 sampai 5.")},
    )
    comment = forms.CharField(
        label=_("Komentar"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


ACTION_FORMS = {"add_info": AddInfoForm, "confirm": ConfirmForm, "reopen": ReopenForm, "rate": RateForm}
