"""Routing: which agency (and category) a report belongs to, which open report it repeats, and whether it is abuse.

- :class:`RouterModel`: one trained version of a suggestion model (per target: agency or category), its file, its
  cross-validated evaluation and the confidence thresholds measured for a wanted precision. One version per target
  is active; an earlier one can be made active again (rollback).
- :class:`RoutingPolicy`: what administrators decided: auto-dispatch on or off, and the precision it must reach.
- :class:`Suggestion`: what the active models said about one report when it arrived, and what happened with it.
- :class:`TextKey`: the inverted index of open reports' distinctive words, for duplicate candidates.
- :class:`DuplicateCandidate`: an earlier open report that a new report may repeat.
- :class:`Screening`: the abuse check of one report (insults, hate speech, spam) and its review.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RouterModel(models.Model):
    class Target(models.TextChoices):
        AGENCY = "agency", _("Instansi")
        CATEGORY = "category", _("Kategori")

    target = models.CharField(_("sasaran"), max_length=10, choices=Target.choices)
    version = models.PositiveIntegerField(_("versi"))
    created_at = models.DateTimeField(_("dilatih"), auto_now_add=True)
    source = models.CharField(_("sumber data latih"), max_length=200, help_text="history, or csv:<file name>")
    file = models.FileField(_("berkas model"), upload_to="router/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    n_examples = models.PositiveIntegerField(_("jumlah contoh"), default=0)
    labels = models.JSONField(_("label"), default=list)
    # label (as the model knows it) -> agency id / category id, or null when no such agency/category exists here
    label_map = models.JSONField(default=dict)
    evaluation = models.JSONField(_("evaluasi"), default=dict)
    is_active = models.BooleanField(_("aktif"), default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    train_seconds = models.FloatField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = _("model perutean")
        verbose_name_plural = _("model perutean")
        ordering = ["target", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="routing_model_version_unique"),
            models.UniqueConstraint(
                fields=["target"], condition=models.Q(is_active=True), name="routing_one_active_model_per_target"
            ),
        ]

    def __str__(self):
        return f"{self.get_target_display()} v{self.version}"


class RoutingPolicy(models.Model):
    """One row (pk=1): the deployment's auto-dispatch decision."""

    auto_dispatch = models.BooleanField(_("disposisi otomatis"), default=False)
    target_precision = models.DecimalField(
        _("ketepatan minimal"),
        max_digits=3,
        decimal_places=2,
        default=0.95,
        help_text=_("Disposisi otomatis hanya bila model terbukti benar setidaknya sesering ini (mis. 0,95)."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kebijakan perutean")
        verbose_name_plural = _("kebijakan perutean")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "RoutingPolicy":
        return cls.objects.get_or_create(pk=1)[0]


class Suggestion(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Belum diputuskan")
        AUTO = "auto", _("Didisposisikan otomatis")
        ACCEPTED = "accepted", _("Diterima petugas")
        CORRECTED = "corrected", _("Dikoreksi petugas")

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, related_name="suggestion")
    agency_model = models.ForeignKey(RouterModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category_model = models.ForeignKey(RouterModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # [{"label": str, "agency_id": int|None, "name": str, "confidence": float, "terms": [str, ...]}, ...] best first
    agencies = models.JSONField(default=list)
    # [{"label": str, "category_id": int|None, "name": str, "confidence": float}, ...] best first
    categories = models.JSONField(default=list)
    confidence = models.FloatField(_("keyakinan"), default=0, help_text="of the first agency")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING, db_index=True)
    chosen_agency = models.ForeignKey("core.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("saran perutean")
        verbose_name_plural = _("saran perutean")

    def __str__(self):
        return f"{self.report_id}: {self.confidence:.2f}"


class TextKey(models.Model):
    """One distinctive word (hashed) of an open report; deleted when the report is no longer open."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"], name="routing_textkey_key_time")]

    def __str__(self):
        return f"{self.report_id}:{self.key}"


class DuplicateCandidate(models.Model):
    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Disarankan")
        MERGED = "merged", _("Digabung")
        DISMISSED = "dismissed", _("Bukan duplikat")

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="duplicate_candidates")
    candidate = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("kemiripan"))
    text_score = models.FloatField(default=0)
    distance_m = models.FloatField(null=True, blank=True)
    same_place = models.CharField(max_length=10, blank=True, help_text="desa, kecamatan, kabkota or empty")
    days_apart = models.FloatField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calon duplikat")
        verbose_name_plural = _("calon duplikat")
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["report", "candidate"], name="routing_duplicate_pair_unique")]

    def __str__(self):
        return f"{self.report_id} ~ {self.candidate_id} ({self.score:.2f})"


class Screening(models.Model):
    class Flag(models.TextChoices):
        KASAR = "kasar", _("Kata kasar / makian")
        SARA = "sara", _("Ujaran kebencian (SARA)")
        SPAM = "spam", _("Spam / promosi")

    class State(models.TextChoices):
        CLEAN = "clean", _("Bersih")
        FLAGGED = "flagged", _("Ditahan, menunggu pemeriksaan")
        RELEASED = "released", _("Dilepas oleh petugas")
        CONFIRMED = "confirmed", _("Dinyatakan penyalahgunaan")

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, related_name="screening")
    flags = models.JSONField(default=list)
    matches = models.JSONField(default=list, help_text="the words or patterns that raised each flag")
    score = models.FloatField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLEAN, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penyaringan")
        verbose_name_plural = _("penyaringan")

    def __str__(self):
        return f"{self.report_id}: {self.state}"
