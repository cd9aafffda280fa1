"""Provider name -> provider class. A provider is configured from settings (``LAYAN_CHANNELS``) when used."""

from importlib import import_module

from django.conf import settings

from .contract import Provider

PROVIDERS = {
    "whatsapp": "layan.channels.providers.whatsapp.WhatsAppProvider",
    "telegram": "layan.channels.providers.telegram.TelegramProvider",
    "sms": "layan.channels.providers.sms.GenericSmsProvider",
    "twilio": "layan.channels.providers.twilio.TwilioProvider",
    "email": "layan.channels.providers.email.EmailProvider",
}


def get_provider(name: str) -> Provider | None:
    """The provider ``name``, configured from ``settings.LAYAN_CHANNELS[name]``; None if unknown or disabled."""
    path = PROVIDERS.get(name)
    config = settings.LAYAN_CHANNELS.get(name, {})
    if path is None or not config.get("enabled", True):
        return None
    module_name, class_name = path.rsplit(".", 1)
    return getattr(import_module(module_name), class_name)(config)


def provider_for_channel(channel: str) -> Provider | None:
    """The provider that sends on ``channel`` (``settings.LAYAN_CHANNEL_SENDERS``, e.g. sms -> twilio)."""
    name = settings.LAYAN_CHANNEL_SENDERS.get(channel, channel)
    return get_provider(name)
