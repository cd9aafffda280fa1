from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "layan.channels"
    label = "channels"
    verbose_name = _("Kanal pesan (WhatsApp, Telegram, SMS, surel)")

    def ready(self):
        from layan.reports.privacy import reporter_contact_erased

        from .privacy import on_reporter_contact_erased

        reporter_contact_erased.connect(on_reporter_contact_erased, dispatch_uid="channels-contact-erased")
