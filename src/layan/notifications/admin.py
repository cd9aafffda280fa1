"""Read-only view of the notifications sent. The recipient is masked and cannot be searched: who hears of a report
is its reporter's identity, which the system administrator never sees (``layan.core.permissions``); the body holds
no secret link (it is made when the e-mail is sent)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from layan.core import pii

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient_masked", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["subject"]
    exclude = ["recipient"]
    readonly_fields = [
        "event",
        "channel",
        "recipient_masked",
        "subject",
        "body",
        "reporter_link",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("penerima"))
    def recipient_masked(self, obj):
        return pii.mask_contact(obj.recipient)
