"""Erasure of a reporter's contact (``layan.reports.privacy``) on the messaging channels: the messages that made
and followed their reports lose their sender (and the raw requests that carried them their body), messages sent
to them lose the address (one not yet sent is cancelled), and the conversation itself is forgotten unless it is
still in use (a report being written, or another report of the sender still open)."""

from django.db.models import Q

from layan.reports.models import Report

from .models import Conversation, InboundMessage, InboundRequest, OutboundMessage


def on_reporter_contact_erased(sender, *, report_ids, **kwargs):
    messages = InboundMessage.objects.filter(report_id__in=report_ids)
    conversation_ids = set(messages.exclude(conversation=None).values_list("conversation_id", flat=True))
    conversation_ids |= set(Conversation.objects.filter(last_report_id__in=report_ids).values_list("pk", flat=True))
    forgotten = [pk for pk in conversation_ids if not _in_use(pk, report_ids)]
    inbound = InboundMessage.objects.filter(Q(report_id__in=report_ids) | Q(conversation_id__in=forgotten))
    request_ids = set(inbound.exclude(request=None).values_list("request_id", flat=True))
    for message in inbound.only("pk", "parsed"):
        parsed = dict(message.parsed or {})
        parsed.pop("sender_name", None)
        InboundMessage.objects.filter(pk=message.pk).update(sender="", sender_index="", parsed=parsed)
    InboundRequest.objects.filter(pk__in=request_ids).update(body=b"", query="", headers={})
    outbound = OutboundMessage.objects.filter(Q(report_id__in=report_ids) | Q(conversation_id__in=forgotten))
    outbound.filter(status=OutboundMessage.Status.PENDING).update(status=OutboundMessage.Status.CANCELLED)
    outbound.update(to="", to_index="")
    Conversation.objects.filter(pk__in=forgotten).update(address="", address_index="", name="", draft={})


def _in_use(conversation_id, erased_report_ids) -> bool:
    conversation = Conversation.objects.get(pk=conversation_id)
    if conversation.state != Conversation.State.IDLE:
        return True
    made = InboundMessage.objects.filter(conversation_id=conversation_id).exclude(report=None).values("report_id")
    others = Report.objects.filter(Q(pk__in=made) | Q(pk=conversation.last_report_id or 0))
    return others.exclude(pk__in=erased_report_ids).filter(state__in=Report.OPEN_STATES).exists()
