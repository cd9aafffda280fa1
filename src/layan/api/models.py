"""API keys for systems (an agency's own application, a city app, LAPOR!, a newsroom).

A key belongs to one agency and carries a chosen subset of the permissions of ``layan.core.permissions``; it
reaches that agency and every unit below it, nothing else. Only a hash of the key is stored
(djangorestframework-api-key's SHA-512 of a high-entropy random key); the key itself is shown once, when it is
made. Each key acts through its own service account (a user without a password), so every action it takes is
recorded in the report's timeline and in the audit log under the key's name.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from layan.core import permissions
from layan.core.models import Agency

# What a key may be granted: the report permissions and statistics, never reference data or audit.
KEY_PERMISSIONS = {
    permissions.REPORT_VIEW: _("Membaca laporan instansi (termasuk yang rahasia)"),
    permissions.REPORT_INTAKE: _("Mengirim laporan atas nama warga"),
    permissions.REPORT_VERIFY: _("Memverifikasi, menunda dan mengarsipkan laporan"),
    permissions.REPORT_DISPATCH: _("Mendisposisikan laporan"),
    permissions.REPORT_RESPOND: _("Menindaklanjuti laporan yang didisposisikan"),
    permissions.STATS_VIEW: _("Membaca statistik kinerja"),
}


def validate_key_permissions(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Daftar izin harus berupa daftar nama izin."))
    unknown = sorted(set(value) - set(KEY_PERMISSIONS))
    if unknown:
        raise ValidationError(_("Izin tidak dikenal: %(names)s") % {"names": ", ".join(unknown)})


class ApiKeyManager(APIKeyManager):
    def get_usable_keys(self):
        now = timezone.now()
        return (
            super()
            .get_usable_keys()
            .filter(agency__is_active=True)
            .filter(models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gt=now))
            .select_related("service_user", "agency")
        )

    @transaction.atomic
    def create_key(self, **kwargs):
        """Create a key and its service account; returns ``(api_key, key)``. ``key`` is shown only now."""
        return super().create_key(**kwargs)


class ApiKey(AbstractAPIKey):
    objects = ApiKeyManager()

    agency = models.ForeignKey(Agency, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="api_keys")
    permissions = models.JSONField(
        _("izin"),
        default=list,
        validators=[validate_key_permissions],
        help_text=_("Nama izin yang diberikan kepada kunci ini, mis. report.view, report.intake."),
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun layanan"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="api_key",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("kunci API")
        verbose_name_plural = _("kunci API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…, {self.agency})"

    def clean(self):
        super().clean()
        validate_key_permissions(self.permissions)

    def save(self, *args, **kwargs):
        if self.service_user_id is None:
            User = get_user_model()
            user = User(username=f"apikey-{self.prefix}", first_name=str(self.name)[:150])
            user.set_unusable_password()
            user.save()
            self.service_user = user
        super().save(*args, **kwargs)
        if self.revoked and self.service_user.is_active:
            type(self.service_user).objects.filter(pk=self.service_user_id).update(is_active=False)

    @property
    def grants(self) -> tuple[int, frozenset[str]]:
        """What ``layan.core.permissions`` needs to scope the key: its agency and its permissions."""
        return self.agency_id, frozenset(p for p in self.permissions if p in KEY_PERMISSIONS)

    def touch(self):
        """Record use, at most once a minute per key (a busy integration must not write on every request)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
