"""What the messaging channels store: every request as it came (for audit), every message in it (one row per
provider message id, so a redelivery is recognised), the conversation with each sender (so a restart loses
nothing), and every message sent back.

Whatever names the sender (their number, chat id or address, their profile name, the raw request that carries
them) is encrypted at rest (``layan.core.pii``); rows are found by a sender through the blind index beside it."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layan.core.pii import BlindIndexField, EncryptedBinaryField, EncryptedTextField


class InboundRequest(models.Model):
    """One HTTP request (or e-mail) from a provider, stored before anything reads it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("diterima")
        PROCESSED = "processed", _("diproses")
        REJECTED = "rejected", _("ditolak (tanda tangan salah)")
        MALFORMED = "malformed", _("format tidak dikenal")
        FAILED = "failed", _("gagal diproses")

    provider = models.CharField(_("penyedia"), max_length=20, db_index=True)
    received_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    method = models.CharField(max_length=8, default="POST")
    path = models.CharField(max_length=300, blank=True)
    query = EncryptedTextField(blank=True)  # an SMS gateway's GET names the sender
    headers = models.JSONField(_("header"), default=dict)
    body = EncryptedBinaryField(_("isi mentah"))
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(_("galat"), blank=True)

    class Meta:
        verbose_name = _("permintaan masuk")
        verbose_name_plural = _("permintaan masuk")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.provider} {self.received_at:%Y-%m-%d %H:%M:%S} {self.status}"


class Conversation(models.Model):
    """The dialogue with one sender on one channel: what the guided report has gathered so far."""

    class State(models.TextChoices):
        IDLE = "idle", _("siap")
        ASK_WHAT = "ask_what", _("menanyakan isi laporan")
        ASK_WHERE = "ask_where", _("menanyakan lokasi")
        ASK_PHOTO = "ask_photo", _("menanyakan foto")
        CONFIRM = "confirm", _("menunggu konfirmasi")

    channel = models.CharField(_("kanal"), max_length=10)
    address = EncryptedTextField(_("alamat pengirim"), help_text=_("nomor, chat id atau surel"))
    address_index = BlindIndexField(source="address", kind="address")
    name = EncryptedTextField(_("nama"), blank=True)
    language = models.CharField(_("bahasa"), max_length=8, default="id")
    state = models.CharField(_("tahap"), max_length=10, choices=State.choices, default=State.IDLE)
    draft = models.JSONField(_("draf laporan"), default=dict, blank=True)
    opted_out = models.BooleanField(_("berhenti berlangganan"), default=False)
    rate_warned_at = models.DateTimeField(
        _("peringatan batas pesan terakhir"), null=True, blank=True, help_text=_("satu peringatan per jendela waktu")
    )
    last_report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("percakapan")
        verbose_name_plural = _("percakapan")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address_index"],
                condition=~models.Q(address_index=""),
                name="unique_conversation_index",
            )
        ]

    def __str__(self):  # never the address: this text shows wherever the row is named (admin, logs)
        return f"{self.channel} #{self.pk}"


class InboundMessage(models.Model):
    """One message of a request. Unique per (provider, message id): the same message delivered twice is one row."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("diterima")
        HANDLED = "handled", _("ditangani")
        RATE_LIMITED = "limited", _("dibatasi (terlalu banyak pesan)")
        IGNORED = "ignored", _("diabaikan")
        FAILED = "failed", _("gagal")

    request = models.ForeignKey(
        InboundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    provider = models.CharField(_("penyedia"), max_length=20)
    channel = models.CharField(_("kanal"), max_length=10)
    external_id = models.CharField(_("id pesan penyedia"), max_length=255)
    sender = EncryptedTextField(_("pengirim"))
    sender_index = BlindIndexField(source="sender", kind="address")
    text = models.TextField(_("teks"), blank=True)
    parsed = models.JSONField(_("hasil baca"), default=dict, blank=True)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(_("galat"), blank=True)
    received_at = models.DateTimeField(_("diterima"), default=timezone.now)

    class Meta:
        verbose_name = _("pesan masuk")
        verbose_name_plural = _("pesan masuk")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "external_id"], name="unique_inbound_message")]
        indexes = [
            models.Index(fields=["channel", "sender_index", "received_at"], name="channels_inbound_sender_time"),
            models.Index(fields=["status", "received_at"], name="channels_inbound_status_time"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.external_id}"


class OutboundMessage(models.Model):
    """One message sent (or to be sent) to a citizen through a provider."""

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENT = "sent", _("terkirim")
        DELIVERED = "delivered", _("sampai")
        READ = "read", _("dibaca")
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan (berhenti berlangganan)")

    class Kind(models.TextChoices):
        REPLY = "reply", _("balasan percakapan")
        UPDATE = "update", _("pembaruan laporan")
        WARNING = "warning", _("peringatan batas pesan")
        OPT_OUT = "opt_out", _("konfirmasi berhenti berlangganan")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.CharField(_("penyedia"), max_length=20)
    channel = models.CharField(_("kanal"), max_length=10)
    # never a secret link in clear: ``text`` holds ``layan.reports.keys.PLACEHOLDER``, replaced by a fresh link to
    # ``report``'s reporter page when it is sent (``reporter_link``)
    to = EncryptedTextField(_("penerima"))
    to_index = BlindIndexField(source="to", kind="address")
    text = models.TextField(_("teks"))
    reporter_link = models.BooleanField(_("berisi tautan rahasia pelapor"), default=False)
    subject = models.CharField(_("subjek"), max_length=200, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(_("Message-ID surel"), max_length=255, blank=True, db_index=True)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound"
    )
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event = models.ForeignKey("reports.ReportEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.REPLY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="a worker is sending it until then (a crashed worker's claim expires)"
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    provider_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        ordering = ["-created_at"]
        constraints = [
            # one update per report event per recipient, whatever retries happen
            models.UniqueConstraint(
                fields=["event", "channel", "to_index"],
                condition=models.Q(event__isnull=False) & ~models.Q(to_index=""),  # erased recipients are many
                name="unique_outbound_event_index",
            )
        ]

    def __str__(self):  # never the recipient: this text shows wherever the row is named (admin, logs)
        return f"{self.channel} #{self.pk} {self.status}"


class InboundMedia(models.Model):
    """A photo or document that came with a message; downloaded from the provider in the worker when the payload
    carried only its id. Becomes a report attachment (checked and stripped of metadata) when the report is made."""

    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="media")
    content_type = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200, blank=True)
    caption = models.TextField(blank=True)
    provider_id = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    file = models.FileField(upload_to="channels/%Y/%m/", blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("media masuk")
        verbose_name_plural = _("media masuk")

    def __str__(self):
        return self.name or self.provider_id or str(self.pk)
