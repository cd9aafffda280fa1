"""Forms of the staff pages: the inbox filters, the bulk actions, one form per workflow action, the intake of a
report for a caller or walk-in citizen (call centre / loket) and the caller lookup.

The action forms only collect and validate input; the rules (who may, in which state, what it does) stay in
``layan.reports.workflow``. :meth:`ActionForm.workflow_data` returns exactly the keys the action's effect reads.
"""

from typing import NamedTuple

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from layan.core import inputs, permissions
from layan.core.models import Agency, Region

from .attachments import clean_upload
from .models import Category, Disposition, Report, ReportEvent
from .services import staff_reports
from .widgets import FastCheckboxList, FastSelect

Level = Region.Level


KEC = _("Kec.")  # abbreviation of kecamatan (district) in region labels


def _blank(label):
    return [("", label)]


def _agency_label(agency: Agency) -> str:
    if agency.short_name and agency.short_name != agency.name:
        return f"{agency.name} ({agency.short_name})"
    return agency.name


class AgencyChoice(NamedTuple):
    """What a choice list shows of an agency: a province has thousands, read as plain rows, not model instances."""

    pk: int
    name: str
    short_name: str


def choice_rows(agencies) -> list[AgencyChoice]:
    return [AgencyChoice(*row) for row in agencies.values_list("pk", "name", "short_name")]


def chosen(agency_ids) -> list[Agency]:
    """The agencies picked from a choice list, whole (the workflow reads their calendars), in the order given."""
    found = Agency.objects.in_bulk(list(agency_ids))
    return [found[pk] for pk in agency_ids]


LISTED_SCOPE = 300  # a scope of up to this many agencies is listed whole in the inbox's agency lists


def listed_agencies(user, perm: str, *extra_ids, wider: bool = True):
    """The agencies the inbox lists for ``user`` (its filter and its bulk dispatch): the user's scope for ``perm``
    when it holds up to LISTED_SCOPE agencies, every agency at province or national level (the province's OPD,
    vertical offices, PLN...), the top of every government, and ``extra_ids`` (a choice already made).
    ``wider=False``: the scope alone, unless it is too big to list.

    A province has thousands of agencies: listed whole, twice, they made the inbox 580 KB and half of its time.
    The report page's dispatch form still offers every agency, and filtering by a government covers its units."""
    scope = permissions.agency_scope(user, perm)
    listable = scope is not permissions.EVERYTHING and len(scope) <= LISTED_SCOPE
    shown = Q(parent=None) | Q(level__in=(Agency.Level.NASIONAL, Agency.Level.PROVINSI))
    if listable:
        shown = (shown | permissions.in_agencies("pk", scope)) if wider else permissions.in_agencies("pk", scope)
    if extra_ids:
        shown |= Q(pk__in=extra_ids)
    return Agency.objects.filter(is_active=True).filter(shown)


def _chosen_ids(data, name: str) -> list[int]:
    """The agency ids a bound form's data already chose in ``name``: they stay listed."""
    values = data.getlist(name) if hasattr(data, "getlist") else []
    return inputs.valid_ids(values)


def agency_choices(agencies, suggested_ids=(), home_ids=(), home_label="") -> list:
    """Choices for an agency select: the category's usual agencies first, then those of the report's own
    government (``home_ids``), then every other agency, each group under its own heading."""
    groups = [(_("Disarankan untuk kategori ini"), []), (home_label, []), (_("Instansi lain"), [])]
    for agency in agencies:
        index = 0 if agency.pk in suggested_ids else 1 if agency.pk in home_ids else 2
        groups[index][1].append((str(agency.pk), _agency_label(agency)))
    groups = [(label, options) for label, options in groups if options]
    if len(groups) == 1:
        return groups[0][1]
    return groups


def descendant_ids(root_ids) -> set[int]:
    """The agencies ``root_ids`` and every unit below them (for grouping choices, not for access)."""
    return permissions.agency_subtree(root_ids)


def _home_group(admin_agency: Agency) -> dict:
    return {
        "home_ids": descendant_ids([admin_agency.pk]),
        "home_label": _("Lingkup %(name)s") % {"name": admin_agency.short_name or admin_agency.name},
    }


class AgencyCheckboxes(FastCheckboxList):
    """Checkboxes in a scrolling box, the suggested agencies first: easier on a phone than a multi-select."""

    template_name = "reports/staff/_checkbox_select.html"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of photos or PDFs (up to the per-report limit), each checked and cleaned by ``clean_upload``:
    returns a list of (content, content type, original name)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        limit = settings.LAYAN_ATTACHMENTS_PER_REPORT
        if len(files) > limit:
            raise ValidationError(_("Paling banyak %(n)s berkas sekaligus.") % {"n": limit})
        cleaned, errors = [], []
        for uploaded in files:
            try:
                cleaned.append(clean_upload(uploaded))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


# --- the inbox ---------------------------------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    """GET filters of the inbox; an invalid value is ignored (the rest still applies)."""

    MINE, ALL = "tugas", "semua"

    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    lingkup = forms.ChoiceField(
        label=_("Tampilkan"),
        required=False,
        choices=[(MINE, _("Menunggu tindakan saya")), (ALL, _("Semua laporan yang dapat saya lihat"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    agency = forms.TypedChoiceField(
        label=_("Instansi disposisi"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    category = forms.TypedChoiceField(
        label=_("Kategori"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    region = forms.ChoiceField(label=_("Wilayah"), required=False, widget=FastSelect)
    channel = forms.ChoiceField(label=_("Kanal"), required=False, widget=FastSelect)
    overdue = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)
    held = forms.BooleanField(label=_("Hanya yang ditahan penyaringan"), required=False)

    def __init__(self, *args, user, can_act: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_act:
            self.fields["lingkup"].choices = [(self.ALL, _("Semua laporan yang dapat saya lihat"))]
        self.fields["status"].choices = _blank(_("Semua status")) + list(Report.State.choices)
        self.fields["channel"].choices = _blank(_("Semua kanal")) + list(Report.Channel.choices)
        self.fields["category"].choices = _blank(_("Semua kategori")) + [
            (c.pk, c.name) for c in Category.objects.filter(is_active=True)
        ]
        # those who dispatch also look for what went to agencies outside their own scope
        wider = permissions.has_perm(user, permissions.REPORT_DISPATCH)
        agencies = listed_agencies(user, permissions.REPORT_VIEW, *_chosen_ids(self.data, "agency"), wider=wider)
        labels = [(a.pk, _agency_label(a)) for a in choice_rows(agencies)]
        self.fields["agency"].choices = _blank(_("Semua instansi")) + labels
        self.fields["region"].choices = _blank(_("Semua wilayah")) + self._region_choices(user)

    @staticmethod
    def _region_choices(user):
        """Kabupaten/kota and kecamatan of the area the user's agencies serve (their service and home regions; for
        a system administrator, every agency's). Read from the agencies, not from the reports: once reports have
        come from everywhere the list is the same, and a page view no longer scans every report the user may read
        (1.5 s at a million reports)."""
        scope = permissions.agency_scope(user, permissions.REPORT_VIEW)
        agencies = Agency.objects.filter(is_active=True)
        if scope is not permissions.EVERYTHING:
            agencies = agencies.filter(pk__in=scope)
        served = set(Agency.regions.through.objects.filter(agency__in=agencies).values_list("region_id", flat=True))
        served |= set(agencies.exclude(home_region=None).values_list("home_region_id", flat=True))
        roots = {c for c in served if not any(a in served for a in Region(code=c).ancestor_codes[1:])}
        below, named = Q(pk__in=[]), set()
        for code in roots:
            parts = code.split(".")
            named.update(".".join(parts[:n]) for n in (2, 3) if len(parts) >= n)
            if len(parts) <= 2:  # a province or a kabupaten/kota: everything below it
                below |= Q(code__startswith=code + ".")
        levels = (Level.KABKOTA, Level.KECAMATAN)
        found = Region.objects.filter(level__in=levels).filter(below | Q(code__in=named))
        regions = {code: (name, level) for code, name, level in found.values_list("code", "name", "level")}
        choices = []
        for code in sorted(regions):
            name, level = regions[code]
            if level == Level.KECAMATAN and code[:5] in regions:
                name = f"{regions[code[:5]][0]} › {KEC} {name}"
            choices.append((code, name))
        return choices

    def active_count(self) -> int:
        data = getattr(self, "cleaned_data", {})
        names = ("status", "agency", "category", "region", "channel", "overdue", "held")
        return sum(1 for name in names if data.get(name))


class BulkActionForm(forms.Form):
    VERIFY_DISPATCH, ARCHIVE = "verifikasi_disposisi", "arsipkan"

    operation = forms.ChoiceField(
        choices=[(VERIFY_DISPATCH, _("Verifikasi dan disposisi")), (ARCHIVE, _("Arsipkan"))],
        error_messages={"required": _("Pilih aksi massal.")},
    )
    reports = forms.MultipleChoiceField(
        label=_("Laporan"), error_messages={"required": _("Pilih minimal satu laporan.")}
    )
    agencies = forms.TypedMultipleChoiceField(
        label=_("Disposisi ke"),
        required=False,
        coerce=int,
        help_text=_("Boleh lebih dari satu."),
        widget=AgencyCheckboxes,
    )
    reason = forms.ChoiceField(label=_("Alasan arsip"), required=False)
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2, "style": "min-height:4rem"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        listed = listed_agencies(user, permissions.REPORT_VERIFY, *_chosen_ids(self.data, "agencies"))
        self.agencies = {a.pk: a for a in choice_rows(listed)}
        scope = permissions.agency_scope(user, permissions.REPORT_VERIFY)
        home = {} if scope is permissions.EVERYTHING else {"home_ids": scope, "home_label": _("Lingkup Anda")}
        self.fields["agencies"].choices = agency_choices(self.agencies.values(), **home)
        self.fields["reason"].choices = _blank(_("Pilih alasan")) + list(Report.ArchiveReason.choices)
        # the list holds "NUMBER:VERSION" for each checked report; any value is accepted, bad ones fail one by one
        self.fields["reports"].choices = [(v, v) for v in self.data.getlist("reports")] if self.is_bound else []

    def clean(self):
        data = super().clean()
        if data.get("operation") == self.VERIFY_DISPATCH and not data.get("agencies"):
            self.add_error("agencies", _("Pilih minimal satu instansi tujuan disposisi."))
        if data.get("operation") == self.ARCHIVE and not data.get("reason"):
            self.add_error("reason", _("Pilih alasan pengarsipan."))
        return data

    def selected(self) -> list[tuple[str, int | None]]:
        """(tracking number, version seen) for each checked report."""
        result = []
        for value in self.cleaned_data["reports"]:
            number, _sep, version = value.partition(":")
            result.append((number.strip().upper(), int(version) if version.isascii() and version.isdigit() else None))
        return result

    def chosen_agencies(self) -> list[Agency]:
        return chosen(self.cleaned_data.get("agencies") or [])


# --- one form per workflow action ----------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """Base of the action forms. ``workflow_data`` is passed to ``workflow.perform`` as keyword arguments."""

    note_label = _("Catatan")
    note_help = ""
    note_required = False
    submit_label = _("Simpan")
    danger = False
    intro = ""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, report: Report, user, disposition: Disposition | None = None, **kwargs):
        self.report, self.user, self.disposition = report, user, disposition
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        note.label, note.required, note.help_text = self.note_label, self.note_required, self.note_help
        # the note last, after the action's own fields
        self.order_fields([name for name in self.fields if name not in ("note", "photos")] + ["note", "photos"])

    def workflow_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "photos" and v not in (None, "", [])}

    def evidence(self) -> list:
        """The cleaned evidence files (content, content type, name), to save after the action is recorded."""
        return self.cleaned_data.get("photos") or []


def _dispatch_agencies(report: Report, exclude=()):
    """Active agencies a report may go to: not the ones already handling it."""
    active = report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).values_list("agency_id", flat=True)
    agencies = Agency.objects.filter(is_active=True).exclude(pk__in=list(active)).exclude(pk__in=exclude)
    return choice_rows(agencies)


def _suggested(report: Report) -> set[int]:
    if report.category_id is None:
        return set()
    return set(report.category.default_agencies.values_list("pk", flat=True))


class AgenciesMixin:
    """A multi-select of agencies (``agencies``) that cleans to a list of Agency objects."""

    def _setup_agencies(self, required: bool):
        agencies = _dispatch_agencies(self.report)
        self._agencies = {a.pk: a for a in agencies}
        field = self.fields["agencies"]
        field.choices = agency_choices(agencies, _suggested(self.report), **_home_group(self.report.admin_agency))
        field.required = required

    def clean_agencies(self):
        return chosen(self.cleaned_data.get("agencies") or [])


def _agencies_field(label, help_text):
    return forms.TypedMultipleChoiceField(
        label=label,
        coerce=int,
        help_text=help_text,
        widget=AgencyCheckboxes,
        error_messages={"required": _("Pilih minimal satu instansi tujuan disposisi.")},
    )


AGENCIES_HELP = _("Boleh lebih dari satu.")


class ClassifyFieldsMixin:
    def _setup_classification(self, required: bool):
        report = self.report
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].initial = report.category_id
        self.fields["type"].initial = report.type
        self.fields["weight"].initial = report.weight
        for name in ("category", "type", "weight"):
            self.fields[name].required = required and name != "category"


def _classification_fields():
    return {
        "category": forms.ModelChoiceField(
            label=_("Kategori"),
            queryset=Category.objects.none(),
            required=False,
            empty_label=_("(belum ada)"),
            widget=FastSelect,
        ),
        "type": forms.ChoiceField(label=_("Jenis laporan"), choices=Report.Type.choices, required=False),
        "weight": forms.ChoiceField(
            label=_("Bobot"),
            choices=Report.Weight.choices,
            required=False,
            help_text=_("Menentukan batas waktu penyelesaian."),
        ),
    }


class VerifyForm(ClassifyFieldsMixin, AgenciesMixin, ActionForm):
    intro = _("Laporan lengkap dan tentang pelayanan publik. Pilih instansi untuk langsung mendisposisikan.")
    submit_label = _("Verifikasi")
    category, type, weight = _classification_fields().values()
    agencies = _agencies_field(_("Disposisi langsung ke"), AGENCIES_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_classification(required=False)
        self._setup_agencies(required=False)


class DispatchForm(AgenciesMixin, ActionForm):
    submit_label = _("Disposisikan")
    note_label = _("Catatan disposisi")
    agencies = _agencies_field(_("Instansi tujuan"), AGENCIES_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_agencies(required=True)


class ClassifyForm(ClassifyFieldsMixin, ActionForm):
    intro = _("Ubah kategori, jenis atau bobot laporan. Tidak tampil untuk publik.")
    category, type, weight = _classification_fields().values()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_classification(required=True)


class PendForm(ActionForm):
    intro = _("Laporan ditunda dan tenggat berhenti sampai pelapor melengkapi informasi.")
    note_label = _("Pertanyaan untuk pelapor")
    note_help = _("Dikirim kepada pelapor dan tampil di linimasa publik.")
    note_required = True
    submit_label = _("Tunda dan kirim pertanyaan")


class ArchiveForm(ActionForm):
    intro = _("Laporan diarsipkan tanpa tindak lanjut; tenggat dibatalkan.")
    submit_label = _("Arsipkan")
    danger = True
    reason = forms.ChoiceField(label=_("Alasan"), error_messages={"required": _("Pilih alasan pengarsipan.")})
    duplicate_of = forms.CharField(
        label=_("Nomor laporan asli"),
        required=False,
        max_length=20,
        help_text=_("Hanya untuk alasan duplikat, mis. K7QM-3XPA."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _blank(_("Pilih alasan")) + list(Report.ArchiveReason.choices)

    def clean_duplicate_of(self):
        number = self.cleaned_data["duplicate_of"].strip().upper()
        if not number:
            return None
        original = staff_reports(self.user).filter(tracking_number=number).exclude(pk=self.report.pk).first()
        if original is None:
            raise ValidationError(_("Laporan %(number)s tidak ditemukan.") % {"number": number})
        return original

    def clean(self):
        data = super().clean()
        if data.get("duplicate_of") and data.get("reason") != Report.ArchiveReason.DUPLIKAT:
            self.add_error("duplicate_of", _("Isi nomor laporan asli hanya jika alasannya duplikat."))
        return data


class AcceptForm(ActionForm):
    intro = _("Menerima disposisi menghentikan tenggat respon pertama (1x24 jam).")
    note_label = _("Tanggapan pertama untuk pelapor")
    note_help = _("Boleh dikosongkan: pelapor menerima kalimat baku bahwa laporan diterima.")
    submit_label = _("Terima")


class ProgressForm(ActionForm):
    note_label = _("Perkembangan tindak lanjut")
    note_help = _("Tampil untuk pelapor dan publik.")
    note_required = True
    submit_label = _("Kirim perkembangan")
    stage = forms.ChoiceField(label=_("Tahap"), error_messages={"required": _("Pilih tahap tindak lanjut.")})
    photos = EvidenceField(label=_("Foto bukti"), help_text=_("JPEG, PNG, WebP atau PDF."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _blank(_("Pilih tahap")) + list(ReportEvent.Stage.choices)


class ResolveForm(ActionForm):
    intro = _("Pelapor diminta mengonfirmasi setelah semua instansi selesai.")
    note_label = _("Tindak lanjut yang telah dilakukan")
    note_help = _("Tampil untuk pelapor dan publik.")
    note_required = True
    submit_label = _("Tandai selesai")
    photos = EvidenceField(label=_("Foto bukti"), help_text=_("JPEG, PNG, WebP atau PDF."))


class ForwardForm(ActionForm):
    intro = _("Bukan wewenang instansi Anda: laporan diteruskan, tidak dikembalikan kepada pelapor.")
    note_label = _("Alasan diteruskan")
    note_required = True
    submit_label = _("Teruskan")
    agency = forms.TypedChoiceField(
        label=_("Instansi tujuan"),
        coerce=int,
        error_messages={"required": _("Pilih instansi tujuan.")},
        widget=FastSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exclude = [self.disposition.agency_id] if self.disposition else []
        agencies = _dispatch_agencies(self.report, exclude=exclude)
        self._agencies = {a.pk: a for a in agencies}
        choices = agency_choices(agencies, _suggested(self.report), **_home_group(self.report.admin_agency))
        self.fields["agency"].choices = _blank(_("Pilih instansi")) + choices

    def clean_agency(self):
        return chosen([self.cleaned_data["agency"]])[0]


class ReturnForm(ActionForm):
    intro = _("Kembalikan ke admin bila laporan belum jelas atau salah disposisi. Tidak tampil untuk publik.")
    note_label = _("Alasan dikembalikan")
    note_required = True
    submit_label = _("Kembalikan")
    danger = True


class NoteForm(ActionForm):
    intro = _("Hanya terlihat oleh petugas.")
    note_label = _("Catatan internal")
    note_required = True
    submit_label = _("Simpan catatan")


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "verify": VerifyForm,
    "dispatch": DispatchForm,
    "classify": ClassifyForm,
    "pend": PendForm,
    "archive": ArchiveForm,
    "accept": AcceptForm,
    "progress": ProgressForm,
    "resolve": ResolveForm,
    "forward": ForwardForm,
    "return": ReturnForm,
    "note": NoteForm,
}


# --- intake by the call centre / front desk -----------------------------------------------------------------------


MAX_DESA_OPTIONS = 1500


def intake_region_choices(user) -> list:
    """Kecamatan and desa/kelurahan under the regions served by the officer's governments, grouped by kecamatan.
    For a very large area (a province) only the kecamatan are offered, to keep the page light."""
    scope = permissions.agency_scope(user, permissions.REPORT_INTAKE)
    agencies = Agency.objects.filter(is_active=True)
    if scope is permissions.EVERYTHING:
        agencies = agencies.filter(kind=Agency.Kind.PEMDA)
    else:
        agencies = agencies.filter(pk__in=scope)
    roots = set(Region.objects.filter(agencies__in=agencies).values_list("code", flat=True))
    roots = {c for c in roots if not any(c != r and c.startswith(r + ".") for r in roots)}
    if not roots:
        return []
    query = Q()
    for root in roots:
        query |= Q(code=root) | Q(code__startswith=root + ".")
    regions = Region.objects.filter(query, level__in=[Level.KECAMATAN, Level.DESA])
    if regions.filter(level=Level.DESA).count() > MAX_DESA_OPTIONS:
        regions = regions.filter(level=Level.KECAMATAN)
    regions = list(regions.order_by("code"))
    parents = {r.code: r for r in regions if r.level == Level.KECAMATAN}
    missing = {r.code[:8] for r in regions if r.level == Level.DESA} - set(parents)
    parents.update({r.code: r for r in Region.objects.filter(code__in=missing)})
    kabkota = {r.code: r.name for r in Region.objects.filter(code__in={c[:5] for c in parents})}
    many_kabkota = len(kabkota) > 1
    groups: dict[str, list] = {}
    for region in regions:
        kec = parents[region.code[:8]]
        options = groups.setdefault(kec.code, [])
        if region.level == Level.KECAMATAN:
            options.insert(
                0, (region.code, _("Kecamatan %(name)s (belum tahu kelurahan/desa)") % {"name": region.name})
            )
        else:
            options.append((region.code, region.name))
    choices = []
    for code in sorted(groups):
        label = f"{KEC} {parents[code].name}"
        if many_kabkota:
            label = f"{kabkota.get(code[:5], '')} › {label}"
        choices.append((label, groups[code]))
    return choices


class IntakeForm(forms.Form):
    """A report told by phone (call centre) or at the counter (loket), entered by the officer."""

    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=[(Report.Channel.TELEPON, _("Telepon")), (Report.Channel.LOKET, _("Loket (tatap muka)"))],
        initial=Report.Channel.TELEPON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Nama penelepon / pelapor"), max_length=150, required=False)
    phone = PhoneNumberField(
        label=_("Nomor telepon"),
        region="ID",
        help_text=_("Mis. 0812 3456 7890. Untuk menghubungi pelapor dan mencari laporannya."),
        error_messages={"invalid": _("Nomor telepon tidak valid. Contoh: 0812 3456 7890.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("Surel"), required=False)
    type = forms.ChoiceField(label=_("Jenis laporan"), choices=Report.Type.choices, initial=Report.Type.PENGADUAN)
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Isi laporan"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang terjadi, kapan, dan layanan apa. Tulis sesuai penuturan pelapor."),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("(belum tahu)"),
        widget=FastSelect,
    )
    region = forms.ChoiceField(label=_("Wilayah kejadian"), widget=FastSelect)
    address = forms.CharField(label=_("Alamat / lokasi"), max_length=300, required=False)
    privacy = forms.ChoiceField(
        label=_("Kerahasiaan"), choices=Report.Privacy.choices, initial=Report.Privacy.PUBLIC, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["region"].choices = _blank(_("Pilih kecamatan / kelurahan")) + intake_region_choices(user)

    def clean_region(self):
        return Region.objects.get(code=self.cleaned_data["region"])


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Nomor laporan atau nomor telepon"),
        max_length=40,
        help_text=_("Mis. K7QM-3XPA atau 0812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
