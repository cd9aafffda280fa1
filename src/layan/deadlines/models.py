"""Deadline policies and the clocks they start.

A clock (tenggat) measures one step of one report, or of one dispatch of it: verification, dispatch, first
response (1x24 jam), follow-up, resolution, and the reporter's confirmation window. Its budget comes from the
most specific :class:`DeadlinePolicy` (agency, category, report type, weight), else from DOMAIN.md's defaults
in ``layan.deadlines.policies``. A clock pauses while the report waits for the reporter.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layan.core.models import Agency


class Step(models.TextChoices):
    VERIFICATION = "verification", _("Verifikasi")
    DISPATCH = "dispatch", _("Disposisi")
    FIRST_RESPONSE = "first_response", _("Respon pertama")
    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    RESOLUTION = "resolution", _("Penyelesaian")
    CONFIRMATION = "confirmation", _("Konfirmasi pelapor")


class Unit(models.TextChoices):
    CALENDAR_HOURS = "calendar_hours", _("jam (kalender)")
    WORKING_HOURS = "working_hours", _("jam kerja")
    WORKING_DAYS = "working_days", _("hari kerja")


class DeadlinePolicy(models.Model):
    """An administrator's time limit for one step, for an agency, category, report type and/or weight.
    Empty fields match everything; the most specific matching row wins."""

    step = models.CharField(_("tahap"), max_length=20, choices=Step.choices)
    agency = models.ForeignKey(Agency, verbose_name=_("instansi"), null=True, blank=True, on_delete=models.CASCADE)
    category = models.ForeignKey(
        "reports.Category", verbose_name=_("kategori"), null=True, blank=True, on_delete=models.CASCADE
    )
    report_type = models.CharField(_("jenis laporan"), max_length=12, blank=True)
    weight = models.CharField(_("bobot"), max_length=20, blank=True)
    amount = models.DecimalField(_("lama"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("satuan"), max_length=16, choices=Unit.choices)
    reminder_fraction = models.DecimalField(
        _("pengingat setelah"),
        max_digits=3,
        decimal_places=2,
        default=0.75,
        help_text=_("Bagian waktu yang sudah terpakai saat pengingat dikirim (0,75 = 75%)."),
    )
    supervisor_after = models.DecimalField(
        _("eskalasi ke atasan setelah"),
        max_digits=7,
        decimal_places=2,
        default=1,
        help_text=_("Lama setelah tenggat terlewati sebelum eskalasi ke pengawas, dalam satuan yang sama."),
    )

    class Meta:
        verbose_name = _("kebijakan tenggat")
        verbose_name_plural = _("kebijakan tenggat")

    def __str__(self):
        return f"{self.get_step_display()}: {self.amount:g} {self.get_unit_display()}"


class Clock(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("berjalan")
        PAUSED = "paused", _("dihentikan sementara")
        MET = "met", _("tepat waktu")
        LATE = "late", _("terlambat")
        CANCELLED = "cancelled", _("dibatalkan")

    # Every escalation step rewrites next_check_at (an indexed column, so no HOT update): each index costs a write
    # per step. The report is served by the (report, step) index, the agency is never looked up alone.
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="clocks", db_index=False)
    disposition = models.ForeignKey(
        "reports.Disposition", null=True, blank=True, on_delete=models.CASCADE, related_name="clocks"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    step = models.CharField(max_length=20, choices=Step.choices)
    amount = models.DecimalField(max_digits=7, decimal_places=2)
    unit = models.CharField(max_length=16, choices=Unit.choices)
    reminder_fraction = models.DecimalField(max_digits=3, decimal_places=2, default=0.75)
    supervisor_after = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.FloatField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_check_at"], name="clock_sweep_idx"),
            models.Index(fields=["report", "step"]),
            # "overdue now" (running past its deadline), asked of each listed report by the inbox (which puts them
            # first) and of every report by the overdue filters: only running clocks are in it, so it stays small,
            # the sweep's steps do not touch it, and the question is answered from the index alone
            models.Index(fields=["report", "due_at"], condition=models.Q(status="running"), name="clock_overdue_idx"),
        ]

    def __str__(self):
        return f"{self.report_id} {self.step} {self.status} {self.due_at:%Y-%m-%d %H:%M}"


class PublishedPeriodReport(models.Model):
    """A published snapshot of the non-responders report (laporan instansi yang tidak merespons) of one month or
    quarter: the ranked rows as they stood when an administrator published them, shown to the public."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Bulanan")
        QUARTER = "quarter", _("Triwulan")

    period_kind = models.CharField(_("jenis periode"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("awal periode"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("diterbitkan oleh instansi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Pemerintah yang menerbitkan; kosong = seluruh instansi di platform."),
    )
    rows = models.JSONField(_("data"), default=dict)
    published_at = models.DateTimeField(_("diterbitkan"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diterbitkan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("laporan kinerja terbit")
        verbose_name_plural = _("laporan kinerja terbit")
        ordering = ["-period_start", "period_kind", "pk"]
        indexes = [models.Index(fields=["period_kind", "period_start"])]

    def __str__(self):
        return f"{self.get_period_kind_display()} {self.period_start:%Y-%m} {self.agency or ''}".strip()

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("deadlines:published-detail", args=[self.pk])


class SweepRun(models.Model):
    """One scheduled run of the deadline sweep. ``slot`` is unique, so when two workers wake in the same slot
    only the one that records it first runs the sweep (the sweep itself is idempotent either way)."""

    slot = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("putaran pemeriksaan tenggat")
        verbose_name_plural = _("putaran pemeriksaan tenggat")
        ordering = ["-started_at"]

    def __str__(self):
        return self.slot
