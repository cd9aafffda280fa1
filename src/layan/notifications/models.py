from django.db import models
from django.utils.translation import gettext_lazy as _

from layan.core.pii import BlindIndexField, EncryptedTextField


class Notification(models.Model):
    """One message to one recipient about one report event. Unique per (event, channel, recipient), so a retried
    task never sends twice what was already sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal")

    event = models.ForeignKey("reports.ReportEvent", on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(_("kanal"), max_length=10, default="email")
    # encrypted at rest (layan.core.pii): a reporter's address must not be read from a dump; the blind index keeps
    # the row unique per recipient
    recipient = EncryptedTextField(_("penerima"))
    recipient_index = BlindIndexField(source="recipient", kind="email")
    subject = models.CharField(_("subjek"), max_length=200)
    # the reporter's secret link is never stored: the body holds ``layan.reports.keys.PLACEHOLDER`` and a fresh
    # link is put in its place when the message is sent (``reporter_link``: to the event's report)
    body = models.TextField(_("isi"))
    reporter_link = models.BooleanField(_("berisi tautan rahasia pelapor"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="a worker is handing it to the mail server until then (expires if it dies)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient_index"],
                condition=~models.Q(recipient_index=""),  # erased recipients (layan.reports.privacy) are many
                name="unique_notification_index",
            )
        ]

    def __str__(self):  # never the recipient: this text shows wherever the row is named (admin, logs)
        return f"{self.channel} #{self.pk} {self.status}"
