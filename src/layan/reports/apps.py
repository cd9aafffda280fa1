from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "layan.reports"
    label = "reports"
    verbose_name = _("Laporan")

    def ready(self):
        from . import audit  # noqa: F401
