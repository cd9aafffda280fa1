from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "layan.webhooks"
    label = "webhooks"
    verbose_name = _("Webhook keluar")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from layan.reports.models import Disposition

        from . import hooks
        from .models import Subscription

        post_save.connect(hooks.remember_opened_disposition, sender=Disposition, dispatch_uid="webhooks-opened")
        from layan.reports.privacy import reporter_contact_erased

        from .privacy import on_reporter_contact_erased

        reporter_contact_erased.connect(on_reporter_contact_erased, dispatch_uid="webhooks-contact-erased")
        for signal in (post_save, post_delete):
            signal.connect(_forget, sender=Subscription, dispatch_uid=f"webhooks-forget-{signal is post_save}")


def _forget(sender, **kwargs):
    from .hooks import forget_active_subscriptions

    forget_active_subscriptions()
