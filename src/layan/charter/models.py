"""The service catalogue and its service standards (standar pelayanan).

A *service* (layanan) is something an agency delivers to citizens: a birth certificate, a building permit, a
health card. Its *service standard* is the promise the agency publishes for it, with the 14 components of Permen
PANRB 15/2014 (DOMAIN.md section 2): six about delivery, which citizens read, and eight about management. The
*maklumat pelayanan* is the agency's signed declaration that it will keep those standards.
"""

from django.db import models
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
    requirements = models.TextField(_("persyaratan"), blank=True)
    procedure = models.TextField(_("sistem, mekanisme dan prosedur"), blank=True)
    time_value = models.PositiveIntegerField(_("jangka waktu pelayanan"), null=True, blank=True)
    time_unit = models.CharField(
        _("satuan jangka waktu"), max_length=12, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    cost_amount = models.DecimalField(
        _("biaya/tarif (Rp)"), max_digits=14, decimal_places=0, default=0, help_text=_("0 berarti gratis.")
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

    @property
    def is_free(self) -> bool:
        return not self.cost_amount
