from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "layan.charter"
    label = "charter"
    verbose_name = _("Standar pelayanan dan maklumat")

    def ready(self):
        from . import audit  # noqa: F401
