from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from layan.core import pii

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient_shown", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["subject"]
    exclude = ["recipient"]
    readonly_fields = [
        "event",
        "channel",
        "recipient_shown",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("penerima"))
    def recipient_shown(self, obj):
        """Never the address itself: a reporter's contact is not an administrator's to read (layan.core.pii)."""
        return pii.fingerprint(obj.recipient_index)
