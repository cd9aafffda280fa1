"""Reference data every domain stands on: regions, agencies, people and their roles.

Glossary (Indonesian terms kept in code where they are the official ones):
- wilayah: administrative region; provinsi, kabupaten/kota (kabkota), kecamatan (district), desa/kelurahan.
- instansi / OPD (organisasi perangkat daerah) / SKPD: a government agency; unit kerja: one of its units.
- instansi vertikal: an office of a national body in the region (Samsat, Kantor Pertanahan/BPN, ...).
- BUMN / BUMD: state-owned / region-owned enterprise (PLN, PDAM, ...).
- penghubung: the agency's liaison officer who writes the answers; pimpinan: the head of the agency.
"""

import copy
import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .nik import validate_nik
from .pii import BlindIndexField, EncryptedTextField, normalise_email, normalise_phone
from .regions import DEFAULT_WORKING_HOURS, TIMEZONE_ABBREVIATIONS, WIB


class Region(models.Model):
    """An administrative region with its official Kemendagri code (e.g. ``35.78.01.1001``)."""

    class Level(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABKOTA = "kabkota", _("Kabupaten/Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100, db_index=True)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    timezone = models.CharField(_("zona waktu"), max_length=32, default=WIB)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def timezone_abbreviation(self) -> str:
        return TIMEZONE_ABBREVIATIONS.get(self.timezone, self.timezone)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of this region and every region above it, nearest first."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    def full_name(self) -> str:
        names = dict(Region.objects.filter(code__in=self.ancestor_codes).values_list("code", "name"))
        return ", ".join(names[c] for c in self.ancestor_codes if c in names)


def default_working_hours():
    """Monday-Thursday 07.30-16.00 and Friday 07.30-16.30, the common local-government schedule."""
    return copy.deepcopy(DEFAULT_WORKING_HOURS)


class Agency(models.Model):
    """An agency (instansi): a government, one of its OPD and units, a vertical office, a BUMN/BUMD, a village
    government, or an oversight body (inspectorate, Ombudsman representative, head of region's office)."""

    class Kind(models.TextChoices):
        PEMDA = "pemda", _("Pemerintah daerah")
        OPD = "opd", _("Perangkat daerah (OPD/SKPD)")
        UNIT = "unit", _("Unit kerja / UPT")
        KECAMATAN = "kecamatan", _("Kantor kecamatan")
        DESA = "desa", _("Pemerintah desa/kelurahan")
        VERTIKAL = "vertikal", _("Instansi vertikal")
        KEMENTERIAN = "kementerian", _("Kementerian/lembaga")
        BUMN = "bumn", _("BUMN")
        BUMD = "bumd", _("BUMD")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        OMBUDSMAN = "ombudsman", _("Ombudsman")
        KEPALA_DAERAH = "kepala_daerah", _("Kantor kepala daerah / Sekretariat daerah")

    OVERSIGHT_KINDS = (Kind.INSPEKTORAT, Kind.OMBUDSMAN, Kind.KEPALA_DAERAH)

    class Level(models.TextChoices):
        NASIONAL = "nasional", _("Nasional")
        PROVINSI = "provinsi", _("Provinsi")
        KABKOTA = "kabkota", _("Kabupaten/Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa/Kelurahan")

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)
    slug = models.SlugField(_("kode singkat"), max_length=60, unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, db_index=True)
    level = models.CharField(_("tingkat pemerintahan"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    home_region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah kedudukan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("wilayah layanan"),
        blank=True,
        related_name="agencies",
        help_text=_("Wilayah yang dilayani; termasuk semua wilayah di bawahnya."),
    )
    oversees = models.ManyToManyField(
        "self",
        verbose_name=_("instansi yang diawasi"),
        symmetrical=False,
        blank=True,
        related_name="overseen_by",
        help_text=_("Untuk badan pengawas: instansi (beserta unitnya) yang diawasi."),
    )
    email = models.EmailField(_("surel"), blank=True)
    phone = PhoneNumberField(_("telepon"), blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    website = models.URLField(_("situs web"), blank=True)
    open_24_7 = models.BooleanField(_("buka 24 jam, 7 hari"), default=False)
    working_hours = models.JSONField(
        _("jam kerja"),
        default=default_working_hours,
        blank=True,
        help_text=_('Per hari (0 = Senin ... 6 = Minggu): ["07:30", "16:00"]. Hari tanpa entri = libur.'),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_oversight(self) -> bool:
        return self.kind in self.OVERSIGHT_KINDS

    @property
    def timezone(self) -> str:
        return self.home_region.timezone if self.home_region_id else WIB

    def clean(self):
        seen, node = {self.pk}, self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("Induk instansi membentuk lingkaran.")})
            seen.add(node.pk)
            node = node.parent
        for day, span in (self.working_hours or {}).items():
            try:
                if str(day) not in "0123456" or len(span) != 2:
                    raise ValueError
                start, end = (datetime.time.fromisoformat(t) for t in span)
                if start >= end:
                    raise ValueError
            except (TypeError, ValueError):
                raise ValidationError(
                    {"working_hours": _('Jam kerja harus berbentuk {"0": ["07:30", "16:00"], ...}.')}
                ) from None


def validate_phone(value):
    """A phone number that can be dialled (any common Indonesian writing; stored in E.164)."""
    from phonenumber_field.phonenumber import to_python

    number = to_python(value, region="ID") if value else None
    if value and (number is None or not number.is_valid()):
        raise ValidationError(_("Nomor telepon tidak valid."), code="invalid_phone")


class User(AbstractUser):
    """A login: staff (with memberships) or a citizen who chose to make an account."""

    phone = PhoneNumberField(_("telepon"), blank=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Citizen(models.Model):
    """A member of the public who reports or asks. An account is optional: a caller or a WhatsApp sender is a
    citizen without a login. NIK is optional and validated by its structure and region.

    One record per report, unless the reporter is logged in (``layan.reports.services.citizen_for_report``): a
    typed phone number or e-mail is not proof of who someone is, and one record shared by reports would tie an
    anonymous report to its author's public ones. The contact is encrypted at rest and found only through its blind
    index (``layan.core.pii``); it is erased (``erased_at``) when no longer needed, the reports staying."""

    name = EncryptedTextField(_("nama"), blank=True, validators=[MaxLengthValidator(150)])
    phone = EncryptedTextField(_("telepon"), blank=True, validators=[validate_phone])
    email = EncryptedTextField(_("surel"), blank=True, validators=[validate_email, MaxLengthValidator(254)])
    nik = EncryptedTextField(_("NIK"), blank=True, validators=[validate_nik])
    phone_index = BlindIndexField(source="phone", kind="phone", db_index=True)
    email_index = BlindIndexField(source="email", kind="email", db_index=True)
    user = models.OneToOneField(
        User, verbose_name=_("akun"), null=True, blank=True, on_delete=models.SET_NULL, related_name="citizen"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    erased_at = models.DateTimeField(_("kontak dihapus"), null=True, blank=True)

    class Meta:
        verbose_name = _("warga")
        verbose_name_plural = _("warga")

    def __str__(self):
        return _("Warga #%s") % self.pk  # never the name or contact: this text shows in admin lists and logs

    def save(self, *args, **kwargs):
        self.phone = normalise_phone(self.phone)
        self.email = normalise_email(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            if "phone" in fields:
                fields.add("phone_index")
            if "email" in fields:
                fields.add("email_index")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    @property
    def has_contact(self) -> bool:
        return bool(self.name or self.phone or self.email or self.nik)


class Membership(models.Model):
    """A staff member's role in one agency. What they may see and do follows from these rows alone
    (see ``layan.core.permissions``)."""

    class Role(models.TextChoices):
        PLATFORM_ADMIN = "platform_admin", _("Admin (verifikator & disposisi)")
        PENGHUBUNG = "penghubung", _("Pejabat penghubung")
        PIMPINAN = "pimpinan", _("Pimpinan")
        OVERSIGHT = "oversight", _("Pengawas")
        SYSADMIN = "sysadmin", _("Administrator sistem")
        CALL_CENTRE = "call_centre", _("Petugas call center / loket")

    user = models.ForeignKey(User, verbose_name=_("pengguna"), on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan staf")
        verbose_name_plural = _("keanggotaan staf")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class RegionHoliday(models.Model):
    """An extra non-working day an administrator adds (a regional holiday, a local cuti bersama), for one
    region and everything below it, or for the whole country when no region is given."""

    date = models.DateField(_("tanggal"), db_index=True)
    name = models.CharField(_("keterangan"), max_length=150)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Kosongkan untuk berlaku nasional."),
    )

    class Meta:
        verbose_name = _("hari libur tambahan")
        verbose_name_plural = _("hari libur tambahan")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.name}"
