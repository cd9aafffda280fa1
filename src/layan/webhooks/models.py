"""Outgoing webhooks: an agency's system subscribes to report events and Layan POSTs them, signed.

A :class:`Subscription` belongs to one agency (and optionally hears its units' events too). Each event it hears
becomes one :class:`Delivery` (unique per subscription, report event and event type, so a retried task or a
second sweep never sends twice) whose JSON body is fixed when it is created: every attempt sends the same
bytes with the same signature, and the receiver can dedupe on the delivery id. Each attempt leaves a
:class:`DeliveryAttempt` row: what the subscriber's admins see on the deliveries page.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layan.core.models import Agency
from layan.core.pii import EncryptedTextField

RESPONSE_EXCERPT_BYTES = 2048


class EventType(models.TextChoices):
    """What a subscription may ask for; ``ping`` is the test sent from the subscription's page."""

    DISPATCHED = "report.dispatched", _("Laporan didisposisikan ke instansi")
    UPDATED = "report.updated", _("Laporan diperbarui (setiap perkembangan publik)")
    ESCALATED = "report.escalated", _("Tenggat: pengingat dan eskalasi")
    CLOSED = "report.closed", _("Laporan ditutup atau diarsipkan")


PING = "ping"
DELIVERY_TYPES = [*EventType.choices, (PING, _("Uji coba (ping)"))]


def new_secret() -> str:
    """32 random bytes as 64 hex characters: the HMAC key both sides hold (used as its UTF-8 bytes)."""
    return secrets.token_hex(32)


def validate_events(value):
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Pilih minimal satu jenis peristiwa."))
    unknown = sorted(set(value) - set(EventType.values))
    if unknown:
        raise ValidationError(_("Jenis peristiwa tidak dikenal: %(names)s") % {"names": ", ".join(unknown)})


class Subscription(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    name = models.CharField(_("nama"), max_length=120, help_text=_("Misalnya: Sistem tiket internal DSDABM."))
    target_url = models.URLField(
        _("alamat tujuan (URL)"), max_length=500, help_text=_("Alamat http(s) yang menerima POST berisi JSON.")
    )
    secret = models.CharField(_("kunci rahasia"), max_length=128, default=new_secret)
    events = models.JSONField(_("jenis peristiwa"), default=list, validators=[validate_events])
    include_units = models.BooleanField(
        _("termasuk unit di bawahnya"),
        default=False,
        help_text=_("Juga kirim peristiwa laporan yang ditangani unit kerja di bawah instansi ini."),
    )
    is_active = models.BooleanField(_("aktif"), default=True, db_index=True)
    failure_streak = models.PositiveIntegerField(
        _("gagal berturut-turut"), default=0, help_text=_("Pengiriman yang menyerah berturut-turut.")
    )
    disabled_reason = models.CharField(_("alasan nonaktif"), max_length=500, blank=True)
    disabled_at = models.DateTimeField(_("dinonaktifkan"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    secret_rotated_at = models.DateTimeField(_("kunci diganti"), null=True, blank=True)

    class Meta:
        verbose_name = _("langganan webhook")
        verbose_name_plural = _("langganan webhook")
        ordering = ["agency__name", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.agency})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("webhooks:detail", args=[self.pk])

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(e, e)) for e in self.events]


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        DELIVERED = "delivered", _("Terkirim")
        FAILED = "failed", _("Gagal, akan dicoba lagi")
        GAVE_UP = "gave_up", _("Gagal, berhenti mencoba")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(_("jenis peristiwa"), max_length=24, choices=DELIVERY_TYPES)
    report = models.ForeignKey(
        "reports.Report", verbose_name=_("laporan"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    report_event = models.ForeignKey(
        "reports.ReportEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    # encrypted at rest (layan.core.pii): the body of a handling agency's delivery carries the reporter's contact
    body = EncryptedTextField(_("isi (JSON)"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    max_attempts = models.PositiveIntegerField(_("batas percobaan"))
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("percobaan terakhir"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("kode status terakhir"), null=True, blank=True)
    last_error = models.CharField(_("galat terakhir"), max_length=500, blank=True)
    last_response = models.TextField(_("cuplikan jawaban terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    delivered_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "report_event", "event_type"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_list_idx")]

    def __str__(self):
        return f"{self.event_type} {self.id}"

    @property
    def is_retrying(self) -> bool:
        return self.state in (self.State.PENDING, self.State.FAILED)


class DeliveryAttempt(models.Model):
    """One POST of a delivery: when, what came back, and when the next one was scheduled (if any)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("percobaan ke"))
    started_at = models.DateTimeField(_("mulai"))
    duration_ms = models.PositiveIntegerField(_("lama (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("kode status"), null=True, blank=True)
    error = models.CharField(_("galat"), max_length=500, blank=True)
    response_excerpt = models.TextField(_("cuplikan jawaban"), blank=True)
    retry_at = models.DateTimeField(_("dicoba lagi pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("percobaan pengiriman")
        verbose_name_plural = _("percobaan pengiriman")
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
