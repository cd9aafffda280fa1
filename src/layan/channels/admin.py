"""Read-only admin of the channels: the place where refused and malformed requests are kept for inspection, and
where one can follow a conversation and what was sent back. Nothing here can be changed by hand: the rows are
the audit trail. Nor is anything here a citizen's contact in clear: senders and recipients show as a piece of
their blind index (rows of one sender share it), raw bodies with addresses, numbers and names blanked out
(``layan.core.pii``)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from layan.core import pii

from .models import Conversation, InboundMedia, InboundMessage, InboundRequest, OutboundMessage

BODY_SHOWN = 20_000  # characters of a raw body shown; the bytes are kept whole


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def decoded(raw: bytes | memoryview | None) -> str:
    """The body as text (UTF-8, undecodable bytes shown as escapes), cut to a size a page can show."""
    data = bytes(raw or b"")
    text = pii.redact(data[: BODY_SHOWN * 4].decode("utf-8", errors="backslashreplace"))
    if len(text) > BODY_SHOWN:
        text = text[:BODY_SHOWN] + f"\n… ({len(data)} bytes)"
    return text


class MessageInline(admin.TabularInline):
    model = InboundMessage
    fields = ["external_id", "sender_shown", "text", "status", "report"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("pengirim"))
    def sender_shown(self, obj):
        return pii.fingerprint(obj.sender_index)


@admin.register(InboundRequest)
class InboundRequestAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "method", "status", "remote_addr", "error_excerpt"]
    list_filter = ["status", "provider"]
    search_fields = ["error", "remote_addr"]
    date_hierarchy = "received_at"
    fields = [
        "provider",
        "received_at",
        "method",
        "path",
        "query_shown",
        "headers_shown",
        "remote_addr",
        "status",
        "error",
        "body_text",
    ]
    readonly_fields = fields
    inlines = [MessageInline]

    @admin.display(description=_("query"))
    def query_shown(self, obj):
        return pii.redact(obj.query)

    @admin.display(description=_("header"))
    def headers_shown(self, obj):
        import json

        headers = {k: ("[…]" if k == "mail-from" else v) for k, v in (obj.headers or {}).items()}
        return pii.redact(json.dumps(headers, ensure_ascii=False))

    @admin.display(description=_("isi mentah"))
    def body_text(self, obj):
        return format_html('<pre style="white-space: pre-wrap; max-width: 100ch">{}</pre>', decoded(obj.body))

    @admin.display(description=_("galat"))
    def error_excerpt(self, obj):
        return obj.error[:80]


class MediaInline(admin.TabularInline):
    model = InboundMedia
    fields = ["content_type", "name", "caption", "provider_id", "file", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "channel", "sender_shown", "text_excerpt", "status", "report"]
    list_filter = ["status", "provider", "channel"]
    search_fields = ["external_id", "text", "report__tracking_number"]
    date_hierarchy = "received_at"
    list_select_related = ["report"]
    exclude = ["sender", "parsed"]
    readonly_fields = [
        "request",
        "provider",
        "channel",
        "external_id",
        "sender_shown",
        "text",
        "conversation",
        "report",
        "status",
        "error",
        "received_at",
    ]
    inlines = [MediaInline]

    @admin.display(description=_("teks"))
    def text_excerpt(self, obj):
        return obj.text[:80]

    @admin.display(description=_("pengirim"))
    def sender_shown(self, obj):
        return pii.fingerprint(obj.sender_index)


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["updated_at", "channel", "address_shown", "language", "state", "opted_out", "last_report"]
    list_filter = ["channel", "state", "opted_out", "language"]
    search_fields = ["last_report__tracking_number"]
    list_select_related = ["last_report"]
    exclude = ["address", "name"]
    readonly_fields = [
        "channel",
        "address_shown",
        "language",
        "state",
        "draft",
        "opted_out",
        "rate_warned_at",
        "last_report",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("alamat pengirim"))
    def address_shown(self, obj):
        return pii.fingerprint(obj.address_index)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "provider", "to_shown", "kind", "status", "attempts", "sent_at", "report"]
    list_filter = ["status", "kind", "channel", "provider"]
    search_fields = ["text", "provider_message_id", "message_id", "report__tracking_number"]
    date_hierarchy = "created_at"
    list_select_related = ["report"]
    exclude = ["to"]
    readonly_fields = [
        "uuid",
        "provider",
        "channel",
        "to_shown",
        "kind",
        "text",
        "subject",
        "message_id",
        "in_reply_to",
        "conversation",
        "report",
        "event",
        "status",
        "attempts",
        "claimed_until",
        "provider_message_id",
        "last_error",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("penerima"))
    def to_shown(self, obj):
        return pii.fingerprint(obj.to_index)
