"""The service catalogue and its service standards (standar pelayanan).

A *service* (layanan) is something an agency delivers to citizens: a birth certificate, a building permit, a
health card. Its *service standard* is the promise the agency publishes for it, with the 14 components of Permen
PANRB 15/2014 (DOMAIN.md section 2): six about delivery, which citizens read, and eight about management. The
*maklumat pelayanan* is the agency's signed declaration that it will keep those standards.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layan.core.models import Agency


class Service(models.Model):
    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "hari_kerja", _("hari kerja")
        CALENDAR_DAYS = "hari", _("hari kalender")
        HOURS = "jam", _("jam")
        MINUTES = "menit", _("menit")

    agency = models.ForeignKey(Agency, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="services")
    code = models.SlugField(_("kode layanan"), max_length=80, unique=True)
    name = models.CharField(_("nama layanan"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    categories = models.ManyToManyField(
        "reports.Category",
        verbose_name=_("kategori pengaduan"),
        blank=True,
        related_name="services",
        help_text=_("Kategori laporan yang dipakai untuk pengaduan tentang layanan ini."),
    )

    # Delivery components (komponen penyampaian pelayanan), the six a citizen reads.
    requirements = models.TextField(
        _("persyaratan"), blank=True, help_text=_("Tulis satu persyaratan per baris; tampil sebagai daftar periksa.")
    )
    procedure = models.TextField(
        _("sistem, mekanisme dan prosedur"),
        blank=True,
        help_text=_("Tulis satu langkah per baris, berurutan; nomor langkah ditambahkan otomatis."),
    )
    time_value = models.PositiveIntegerField(_("jangka waktu pelayanan"), null=True, blank=True)
    time_unit = models.CharField(
        _("satuan jangka waktu"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    cost_amount = models.DecimalField(
        _("biaya/tarif (Rp)"),
        max_digits=14,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("0 berarti gratis."),
    )
    cost_is_variable = models.BooleanField(
        _("biaya dihitung per permohonan"),
        default=False,
        help_text=_(
            "Centang bila besar biaya bergantung pada perhitungan (mis. retribusi PBG); "
            "biaya/tarif di atas menjadi biaya terendah, 0 bila tidak ada."
        ),
    )
    cost_note = models.TextField(_("keterangan biaya dan dasar tarif"), blank=True)
    product = models.TextField(_("produk pelayanan"), blank=True)
    complaint_handling = models.TextField(_("penanganan pengaduan, saran dan masukan"), blank=True)

    # Management components (komponen pengelolaan pelayanan), the eight the agency answers for.
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    facilities = models.TextField(_("sarana, prasarana dan/atau fasilitas"), blank=True)
    staff_competence = models.TextField(_("kompetensi pelaksana"), blank=True)
    internal_supervision = models.TextField(_("pengawasan internal"), blank=True)
    staff_count = models.TextField(_("jumlah pelaksana"), blank=True)
    service_guarantee = models.TextField(_("jaminan pelayanan"), blank=True)
    safety_guarantee = models.TextField(_("jaminan keamanan dan keselamatan pelayanan"), blank=True)
    performance_evaluation = models.TextField(_("evaluasi kinerja pelaksana"), blank=True)

    is_published = models.BooleanField(_("diumumkan"), default=False)
    published_at = models.DateTimeField(_("diumumkan pada"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["agency__name", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Stamp the publication date when a service is first published (and clear it when withdrawn), whoever
        publishes it: the admin, the API or the demo."""
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        elif not self.is_published:
            self.published_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "is_published" in update_fields:
            kwargs["update_fields"] = {*update_fields, "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("charter:detail", args=[self.code])

    @property
    def is_free(self) -> bool:
        return not self.cost_amount and not self.cost_is_variable


# The common wording of a maklumat pelayanan (DOMAIN.md section 2). Stored as text, not translated: it is the
# agency's own signed declaration.
DEFAULT_MAKLUMAT_TEXT = (
    "Dengan ini, kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah "
    "ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan "
    "perundang-undangan yang berlaku."
)


class Maklumat(models.Model):
    """The maklumat pelayanan (service declaration) of one agency: its signed promise to keep the published
    standards of its services, continuously improve them and accept sanctions if it does not (UU 25/2009 art. 22).
    Shown on its own page and beside every service of the agency (and of its units without their own)."""

    agency = models.OneToOneField(Agency, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="maklumat")
    text = models.TextField(_("isi maklumat"), default=DEFAULT_MAKLUMAT_TEXT)
    place = models.CharField(_("tempat penetapan"), max_length=100, blank=True, help_text=_("Misalnya: Surabaya."))
    signed_on = models.DateField(_("tanggal penetapan"))
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200)
    signatory_position = models.CharField(
        _("jabatan penanda tangan"), max_length=200, help_text=_("Misalnya: Kepala Dinas Kependudukan dan ...")
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("maklumat pelayanan")
        verbose_name_plural = _("maklumat pelayanan")
        ordering = ["agency__name"]

    def __str__(self):
        return str(self.agency)

    def get_absolute_url(self):
        return reverse("charter:maklumat", args=[self.agency.slug])
