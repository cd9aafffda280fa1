"""Read-only view of the notifications sent. The recipient is masked and cannot be searched: who hears of a report
is its reporter's identity, which the system administrator never sees (``layan.core.permissions``); the body holds
no secret link (it is made when the e-mail is sent)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification


def mask_address(value: str) -> str:
    """``siti@example.com`` -> ``s***@example.com``: enough to see a domain that refuses mail, not whose it is."""
    local, _at, domain = (value or "").rpartition("@")
    return f"{local[:1]}***@{domain}" if local else (value[:1] + "***" if value else "")


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
        return mask_address(obj.recipient)
