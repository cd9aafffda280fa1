from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "layan.core"
    label = "core"
    verbose_name = _("Data induk")

    def ready(self):
        from . import audit, twofactor  # noqa: F401  (audit: registers the models; twofactor: stamps new sessions)
