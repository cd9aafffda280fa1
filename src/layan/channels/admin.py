"""Read-only admin of the channels: the place where refused and malformed requests are kept for inspection, and
where one can follow a conversation and what was sent back. Nothing here can be changed by hand: the rows are
the audit trail.

Who wrote is never shown here (``layan.core.permissions``: a reporter's identity is for the staff handling the
report, never for the system administrator as such): senders, recipients, names, and the numbers, addresses and
names inside raw bodies and parsed payloads are masked, and one cannot search by them. The handling staff see the
reporter on the staff pages. What is stored is no contact in clear either: senders and recipients are encrypted
and found through their blind index (``layan.core.pii``)."""

import json
import re

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from layan.core import pii

from .models import Conversation, InboundMedia, InboundMessage, InboundRequest, OutboundMessage

BODY_SHOWN = 20_000  # characters of a raw body shown; the bytes are kept whole
CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d\s().-]{6,}\d")
# keys of provider payloads (WhatsApp, Telegram, SMS gateways, e-mail) whose values name or reach the sender
IDENTITY_KEYS = re.compile(
    r"(^|_)(name|first_name|last_name|username|from|to|sender|recipient|phone|msisdn|wa_id|email|address|"
    r"profile|contact|contacts|author|reply_to|cc|bcc)$",
    re.IGNORECASE,
)


def masked(data):
    """A copy of a parsed payload with the sender's identity masked: values under identity keys, and any phone
    number or e-mail address anywhere."""
    if isinstance(data, dict):
        return {
            key: (masked_identity(value) if IDENTITY_KEYS.search(str(key)) else masked(value))
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [masked(item) for item in data]
    if isinstance(data, str):
        return CONTACT.sub(lambda m: pii.mask_contact(m.group()), data)
    return data


def masked_identity(value):
    """Everything under an identity key: every leaf masked (a Telegram ``from`` holds the user's id and names)."""
    if isinstance(value, dict):
        return {key: masked_identity(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked_identity(item) for item in value]
    if value is None or isinstance(value, bool) or value == "":
        return value
    return pii.mask_contact(value)


def masked_text(text: str) -> str:
    """A raw body or a header block: as JSON with its identity masked when it parses, else every number and
    address masked."""
    try:
        return json.dumps(masked(json.loads(text)), ensure_ascii=False, indent=1)
    except (ValueError, RecursionError):
        return CONTACT.sub(lambda m: pii.mask_contact(m.group()), text)


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
    fields = ["external_id", "sender_masked", "text", "status", "report"]
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
    exclude = ["body", "headers", "query"]
    date_hierarchy = "received_at"
    fields = [
        "provider",
        "received_at",
        "method",
        "path",
        "query_masked",
        "headers_masked",
        "remote_addr",
        "status",
        "error",
        "body_text",
    ]
    readonly_fields = fields
    inlines = [MessageInline]

    @admin.display(description=_("isi mentah (identitas pengirim disamarkan)"))
    def body_text(self, obj):
        text = masked_text(decoded(obj.body))
        return format_html('<pre style="white-space: pre-wrap; max-width: 100ch">{}</pre>', text)

    @admin.display(description="query")
    def query_masked(self, obj):
        return CONTACT.sub(lambda m: pii.mask_contact(m.group()), obj.query)

    @admin.display(description=_("header"))
    def headers_masked(self, obj):
        return json.dumps(masked(obj.headers), ensure_ascii=False)

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
    list_display = ["received_at", "provider", "channel", "sender_masked", "text_excerpt", "status", "report"]
    list_filter = ["status", "provider", "channel"]
    search_fields = ["external_id", "report__tracking_number"]
    exclude = ["sender", "parsed"]
    date_hierarchy = "received_at"
    list_select_related = ["report"]
    readonly_fields = [
        "request",
        "provider",
        "channel",
        "external_id",
        "sender_masked",
        "text",
        "parsed_masked",
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

    @admin.display(description=_("hasil baca"))
    def parsed_masked(self, obj):
        return json.dumps(masked(obj.parsed), ensure_ascii=False)


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = [
        "updated_at",
        "channel",
        "address_masked",
        "name_masked",
        "language",
        "state",
        "opted_out",
        "last_report",
    ]
    list_filter = ["channel", "state", "opted_out", "language"]
    search_fields = ["last_report__tracking_number"]
    exclude = ["address", "name", "draft"]
    list_select_related = ["last_report"]
    readonly_fields = [
        "channel",
        "address_masked",
        "name_masked",
        "language",
        "state",
        "draft_masked",
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
    list_display = [
        "created_at",
        "channel",
        "provider",
        "to_masked",
        "kind",
        "status",
        "attempts",
        "sent_at",
        "report",
    ]
    list_filter = ["status", "kind", "channel", "provider"]
    search_fields = ["provider_message_id", "message_id", "report__tracking_number"]
    exclude = ["to"]
    date_hierarchy = "created_at"
    list_select_related = ["report"]
    readonly_fields = [
        "uuid",
        "provider",
        "channel",
        "to_masked",
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


def _masked_display(field: str, description):
    def show(self, obj):
        return pii.mask_contact(getattr(obj, field))

    return admin.display(description=description)(show)


MessageInline.sender_masked = _masked_display("sender", _("pengirim"))
InboundMessageAdmin.sender_masked = _masked_display("sender", _("pengirim"))
ConversationAdmin.address_masked = _masked_display("address", _("alamat pengirim"))
ConversationAdmin.name_masked = _masked_display("name", _("nama"))
OutboundMessageAdmin.to_masked = _masked_display("to", _("penerima"))
ConversationAdmin.draft_masked = admin.display(description=_("draf laporan"))(
    lambda self, obj: json.dumps(masked(obj.draft), ensure_ascii=False)
)
