from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "layan.deadlines"
    label = "deadlines"
    verbose_name = _("Tenggat waktu")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import DeadlinePolicy

        auditlog.register(DeadlinePolicy)
