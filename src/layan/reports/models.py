"""The report (laporan): a complaint (pengaduan), suggestion (aspirasi) or information request (permintaan
informasi), its dispatches to agencies (disposisi), its timeline and attachments.

The internal ``state`` is finer than the public LAPOR! status; :attr:`Report.public_status` maps it onto the
labels LAPOR! uses (DOMAIN.md section 1). Every change of state goes through ``layan.reports.workflow``.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layan.core import pii
from layan.core.models import Agency, Citizen, Region
from layan.core.pii import BlindIndexField, EncryptedTextField

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: readable aloud and over the phone


def new_tracking_number() -> str:
    """Eight random characters in two groups, e.g. ``K7QM-3XPA``: short, unambiguous, not sequential."""
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def new_secret() -> str:
    """A bearer key (192 random bits): the reporter's link, a follow confirmation, a parked upload. Only its
    :func:`secret_digest` is stored."""
    return secrets.token_urlsafe(24)


def secret_digest(key: str) -> str:
    """SHA-256 of a key, hex: what the database keeps instead of the key. A fast hash is enough: the keys are
    random and long, so a stolen digest cannot be reversed by guessing (a password would need a slow hash)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class Category(models.Model):
    """A report category (kategori), e.g. "Jalan dan Drainase", optionally with a default agency."""

    name = models.CharField(_("nama"), max_length=120)
    slug = models.SlugField(_("kode singkat"), max_length=80, unique=True)
    parent = models.ForeignKey("self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(_("uraian"), blank=True)
    default_agencies = models.ManyToManyField(
        Agency, verbose_name=_("instansi yang biasa menangani"), blank=True, related_name="default_categories"
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReportQuerySet(models.QuerySet):
    def public(self):
        """The one rule of what the public may see (pages, list, map, API, Open311, exports, webhooks of public
        events, the similar-reports hint, attachments): published (verified, or at submission where
        ``LAYAN_PUBLISH_ON_SUBMIT`` says so), not confidential, not archived, not held back by the abuse screen.
        :attr:`Report.is_public` says the same of one report."""
        return (
            self.filter(published_at__isnull=False, held_for_review=False)
            .exclude(privacy=Report.Privacy.RAHASIA)
            .exclude(state=Report.State.ARSIP)
        )


class Report(models.Model):
    class Type(models.TextChoices):
        PENGADUAN = "pengaduan", _("Pengaduan")
        ASPIRASI = "aspirasi", _("Aspirasi")
        INFORMASI = "informasi", _("Permintaan informasi")

    class State(models.TextChoices):
        BARU = "baru", _("Belum Terverifikasi")
        TERTUNDA = "tertunda", _("Tertunda")
        TERVERIFIKASI = "terverifikasi", _("Terverifikasi")
        TERDISPOSISI = "terdisposisi", _("Terdisposisi Belum Ditindaklanjuti")
        DIPROSES = "diproses", _("Terdisposisi Sedang Diproses")
        SELESAI = "selesai", _("Terdisposisi Selesai")
        DITUTUP = "ditutup", _("Selesai dan Ditutup")
        ARSIP = "arsip", _("Arsip")

    OPEN_STATES = (State.BARU, State.TERTUNDA, State.TERVERIFIKASI, State.TERDISPOSISI, State.DIPROSES)
    FINAL_STATES = (State.DITUTUP, State.ARSIP)

    class Privacy(models.TextChoices):
        PUBLIC = "publik", _("Publik")
        # the exact rule is ``layan.core.permissions`` (can_see_reporter, and report.view for the content)
        RAHASIA = (
            "rahasia",
            _(
                "Rahasia (tidak tampil untuk publik; isinya untuk petugas yang menangani, pengawas dan administrator "
                "sistem; identitas pelapor hanya untuk petugas yang menangani)"
            ),
        )
        ANONIM = "anonim", _("Anonim (identitas pelapor tidak ditampilkan kepada siapa pun)")

    class Channel(models.TextChoices):
        WEB = "web", _("Situs web")
        API = "api", _("API")
        OPEN311 = "open311", _("Open311")
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")
        TELEGRAM = "telegram", _("Telegram")
        EMAIL = "email", _("Surel")
        TELEPON = "telepon", _("Telepon (call center)")
        LOKET = "loket", _("Loket (tatap muka)")
        IMPORT = "import", _("Impor data lama")

    class Weight(models.TextChoices):
        RINGAN = "ringan", _("Ringan")
        NORMATIF = "normatif", _("Normatif")
        TANPA_INVESTIGASI = "tanpa_investigasi", _("Tidak berkadar pengawasan (tanpa investigasi)")
        INVESTIGASI = "investigasi", _("Berkadar pengawasan (dengan investigasi)")

    class ArchiveReason(models.TextChoices):
        FORMAT = "format", _("Format laporan tidak sesuai / tidak lengkap")
        UMUM = "umum", _("Terlalu umum, tidak dapat ditindaklanjuti")
        BUKAN_PELAYANAN = "bukan_pelayanan", _("Bukan tentang pelayanan publik")
        DUPLIKAT = "duplikat", _("Duplikat laporan lain")
        SARA = "sara", _("Mengandung ujaran kebencian, SARA atau spam")
        TIDAK_DIJAWAB = "tidak_dijawab", _("Pelapor tidak melengkapi informasi")
        LAINNYA = "lainnya", _("Alasan lain")

    tracking_number = models.CharField(_("nomor laporan"), max_length=9, unique=True, default=new_tracking_number)
    type = models.CharField(_("jenis laporan"), max_length=12, choices=Type.choices, default=Type.PENGADUAN)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("isi laporan"))
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    service_name = models.CharField(_("layanan yang dilaporkan"), max_length=200, blank=True)
    weight = models.CharField(_("bobot"), max_length=20, choices=Weight.choices, default=Weight.NORMATIF)
    region = models.ForeignKey(
        Region, verbose_name=_("wilayah kejadian"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("alamat / lokasi"), max_length=300, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    occurred_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices, default=Channel.WEB, db_index=True)
    privacy = models.CharField(_("kerahasiaan"), max_length=8, choices=Privacy.choices, default=Privacy.PUBLIC)
    reporter = models.ForeignKey(
        Citizen, verbose_name=_("pelapor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh petugas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    admin_agency = models.ForeignKey(
        Agency,
        verbose_name=_("admin yang memverifikasi"),
        on_delete=models.PROTECT,
        related_name="administered_reports",
        help_text=_("Pemerintah daerah yang memverifikasi dan mendisposisikan laporan ini."),
    )
    state = models.CharField(_("status"), max_length=14, choices=State.choices, default=State.BARU, db_index=True)
    state_before_pause = models.CharField(max_length=14, choices=State.choices, blank=True)
    archive_reason = models.CharField(_("alasan arsip"), max_length=20, choices=ArchiveReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplikat dari"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # default, not auto_now_add: intake of past reports (imports, demo) passes the real time in the one INSERT
    created_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("didisposisikan"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("tanggapan pertama"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("penilaian"), null=True, blank=True)
    rating_comment = models.TextField(_("komentar penilaian"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("dibuka kembali"), default=0)
    support_count = models.PositiveIntegerField(_("saya juga mengalami"), default=0)
    # when the report became public: at verification, or at submission if LAYAN_PUBLISH_ON_SUBMIT (see public())
    published_at = models.DateTimeField(_("dipublikasikan"), null=True, blank=True)
    # held back from the public pages until an admin looks at it (the abuse screen of ``layan.routing`` flagged it)
    held_for_review = models.BooleanField(_("ditahan untuk diperiksa"), default=False, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock: bumped by every transition")
    # a report brought over from an old system (``layan import-reports``): which system, and its number there;
    # unique per admin agency so that importing the same file again adds nothing
    import_source = models.CharField(_("sumber impor"), max_length=60, blank=True)
    external_id = models.CharField(_("nomor di sistem lama"), max_length=100, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["admin_agency", "import_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_imported_report",
            )
        ]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["admin_agency", "state"]),
            models.Index(fields=["privacy", "state", "created_at"]),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reports:public-detail", args=[self.tracking_number])

    @property
    def public_status(self) -> str:
        """The LAPOR! status label shown to the public."""
        return PUBLIC_STATUS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_public(self) -> bool:
        """:meth:`ReportQuerySet.public` for one report in memory: keep the two in step."""
        return (
            self.published_at is not None
            and not self.held_for_review
            and self.privacy != self.Privacy.RAHASIA
            and self.state != self.State.ARSIP
        )

    @property
    def publication(self) -> str:
        """When the public will see this report, for the confirmation page: ``never`` (confidential), ``archived``,
        ``held`` (the abuse screen holds it for an admin, then it needs verifying), ``held_until_released`` (held, and
        public once released where the deployment publishes at submission), ``now`` (public already) or
        ``after_verification``."""
        if self.privacy == self.Privacy.RAHASIA:
            return "never"
        if self.state == self.State.ARSIP:
            return "archived"
        if self.held_for_review:
            return "held_until_released" if self.published_at is not None else "held"
        return "now" if self.published_at is not None else "after_verification"

    def reporter_url(self, key: str):
        """The reporter's secret page for ``key``, a key minted by :mod:`layan.reports.keys` (none is stored)."""
        from django.urls import reverse

        return reverse("reports:reporter", args=[self.tracking_number, key])


PUBLIC_STATUS = {
    Report.State.BARU: _("Belum Terverifikasi"),
    Report.State.TERTUNDA: _("Tertunda"),
    Report.State.TERVERIFIKASI: _("Terverifikasi / Terdisposisi Belum Ditindaklanjuti"),
    Report.State.TERDISPOSISI: _("Terverifikasi / Terdisposisi Belum Ditindaklanjuti"),
    Report.State.DIPROSES: _("Terdisposisi Sedang Diproses"),
    Report.State.SELESAI: _("Terdisposisi Selesai"),
    Report.State.DITUTUP: _("Terdisposisi Selesai"),
    Report.State.ARSIP: _("Arsip"),
}


class Disposition(models.Model):
    """A dispatch (disposisi) of a report to one agency. A report may be with several agencies at once; a
    forward (bukan wewenang) closes this row and opens one for the new agency."""

    class State(models.TextChoices):
        MENUNGGU = "menunggu", _("Menunggu tanggapan")
        DITERIMA = "diterima", _("Diterima")
        DIPROSES = "diproses", _("Sedang diproses")
        SELESAI = "selesai", _("Selesai")
        DITERUSKAN = "diteruskan", _("Diteruskan ke instansi lain")
        DIKEMBALIKAN = "dikembalikan", _("Dikembalikan ke admin")

    ACTIVE_STATES = (State.MENUNGGU, State.DITERIMA, State.DIPROSES, State.SELESAI)

    report = models.ForeignKey(Report, verbose_name=_("laporan"), on_delete=models.CASCADE, related_name="dispositions")
    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="dispositions"
    )
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.MENUNGGU, db_index=True)
    forwarded_from = models.ForeignKey(
        "self", verbose_name=_("diteruskan dari"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("catatan disposisi"), blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("didisposisikan"), auto_now_add=True)
    first_response_at = models.DateTimeField(_("tanggapan pertama"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    closed_at = models.DateTimeField(_("berakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("disposisi")
        verbose_name_plural = _("disposisi")
        ordering = ["dispatched_at"]
        indexes = [
            models.Index(fields=["agency", "state"]),
            # the non-responders report and the statistics read the dispositions of one month or quarter
            models.Index(fields=["dispatched_at"], name="disposition_dispatched_idx"),
        ]

    def __str__(self):
        return f"{self.report.tracking_number} → {self.agency}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class ReportEvent(models.Model):
    """One entry of a report's timeline: a transition or an update, with who, when, what and the clock effect."""

    class Stage(models.TextChoices):
        VERIFIKASI = "verifikasi", _("Verifikasi")
        CEK_LAPANGAN = "cek_lapangan", _("Cek lapangan")
        PENGERJAAN = "pengerjaan", _("Pengerjaan")
        SELESAI = "selesai", _("Selesai")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("aksi"), max_length=20, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_kind = models.CharField(_("jenis pelaku"), max_length=10)  # admin, agency, reporter, public, system
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    disposition = models.ForeignKey(Disposition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_state = models.CharField(max_length=14, blank=True)
    to_state = models.CharField(max_length=14, blank=True)
    stage = models.CharField(_("tahap"), max_length=14, choices=Stage.choices, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    is_public = models.BooleanField(_("tampil untuk publik"), default=False)
    clock_effect = models.CharField(_("efek tenggat"), max_length=200, blank=True)
    deadline_at = models.DateTimeField(_("tenggat"), null=True, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat laporan")
        verbose_name_plural = _("riwayat laporan")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report.tracking_number} {self.action}"


def new_public_id() -> str:
    """The attachment's id in its URL: 128 random bits (22 url-safe characters), so no URL can be guessed or
    counted through, unlike the sequential primary key."""
    return secrets.token_urlsafe(16)


def attachment_path(instance, filename):
    """Random names under the report's folder: a guessed URL leads nowhere (files are served through a view)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"lampiran/{instance.report.tracking_number}/{secrets.token_hex(8)}.{ext}"


class Attachment(models.Model):
    """A photo or PDF. The type is checked by content, images are re-encoded without metadata (EXIF/GPS) before
    they are stored, so nobody can ever download the original."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    event = models.ForeignKey(ReportEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(_("berkas"), upload_to=attachment_path)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reports:attachment", args=[self.public_id])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_public(self) -> bool:
        """Public exactly when its report is, and only if it came with the submission or a public update."""
        return self.report.is_public and (self.event_id is None or self.event.is_public)


class Support(models.Model):
    """ "Saya juga mengalami" (me too): one per browser session or citizen."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="unique_support")]

    def __str__(self):
        return f"{self.report_id}:{self.key[:8]}"


def _random_digest() -> str:
    """The digest of a key nobody was given: a row made without a key opens nothing until one is minted."""
    return secret_digest(new_secret())


class ReporterKey(models.Model):
    """One key of a report's secret link (``/lacak/<nomor>/<kunci>/``), stored as its SHA-256 digest only.

    The reporter gets a key on the confirmation page (``purpose`` "intake"), and every message that carries the
    link (e-mail update, channel message) gets a fresh one, minted when it is sent (:func:`layan.reports.keys.fill`):
    no readable row (report, notification body, outbound message) holds a working link. Each key works as long as
    the report exists, like the link the reporter was first given."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reporter_keys")
    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, blank=True)  # intake, email, channel, staff, legacy (migrated)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kunci tautan pelapor")
        verbose_name_plural = _("kunci tautan pelapor")

    def __str__(self):
        return f"{self.report_id}:{self.purpose}"


class Follower(models.Model):
    """Someone who asked to be told by email of a report's public updates."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    email = EncryptedTextField(blank=True)  # encrypted at rest (layan.core.pii); empty once erased
    email_index = BlindIndexField(source="email", kind="email")
    is_reporter = models.BooleanField(default=False, help_text="gets the reporter's secret link")
    confirmed = models.BooleanField(
        default=False, help_text="the address owner clicked the confirmation link (double opt-in); reporters are"
    )
    # SHA-256 of the key of the confirmation link; the key itself is made when the e-mail is sent and kept nowhere
    token_digest = models.CharField(max_length=64, unique=True, default=_random_digest)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "email_index"], condition=~models.Q(email_index=""), name="unique_follower_index"
            )
        ]

    def __str__(self):
        return f"{self.report_id}:{pii.fingerprint(self.email_index)}"


class PendingUpload(models.Model):
    """An attachment already checked and cleaned while the rest of the form had an error: the form carries its
    token so the citizen does not have to pick the photo again. Turned into an Attachment on submit; old ones
    are deleted by every ``layan worker`` each hour (``attachments.delete_pending_uploads``) or by hand with
    ``layan cleanup_uploads``."""

    # SHA-256 of the key the form carries (the key itself lives only in the citizen's form)
    token_digest = models.CharField(max_length=64, unique=True, default=_random_digest)
    file = models.FileField(upload_to="sementara/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.original_name


class IntakeKey(models.Model):
    """The ``Idempotency-Key`` a client (REST API, Open311) sent with a new report: a retried POST with the same
    key returns the report the first one made instead of filing it twice. Scoped to the caller's account, so one
    client's key never reveals another's report (``reports.idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_intake_key")]

    def __str__(self):
        return self.key
