from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "layan.channels"
    label = "channels"
    verbose_name = _("Kanal pesan (WhatsApp, Telegram, SMS, surel)")
