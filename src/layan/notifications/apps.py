from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "layan.notifications"
    label = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self):
        from layan.reports.privacy import reporter_contact_erased

        from .privacy import on_reporter_contact_erased

        reporter_contact_erased.connect(on_reporter_contact_erased, dispatch_uid="notifications-contact-erased")
