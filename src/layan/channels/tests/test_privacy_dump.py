"""A database dump does not reveal a reporter: after an anonymous report through the web form (with its e-mail
updates sent) and a report through WhatsApp (Meta's documented payloads, the replies sent to the Graph API), the
reporter's phone number, e-mail address and name appear nowhere in clear: not in the SQLite file's bytes, not in
any text column on PostgreSQL (``layan.core.tests.dump``)."""

import pytest
from django.core import mail
from django.urls import reverse

from layan.channels.models import Conversation, InboundMessage, InboundRequest, OutboundMessage
from layan.channels.tests.test_whatsapp import (
    CITIZEN,
    PHONE_NUMBER_ID,
    deliver,
    graph_media,
    jpeg,
    payload,
    sent_answer,
    whatsapp_config,
)
from layan.core.models import Citizen
from layan.core.tests.dump import places_of
from layan.notifications.models import Notification
from layan.reports import privacy, workflow
from layan.reports.models import Report
from layan.reports.workflow import Actor

pytestmark = pytest.mark.django_db(transaction=True)

PHONE, EMAIL, NAME = "081298765432", "pelapor.anonim@example.com", "Rahmat Pelapor"
# every writing of the number a dump could hold: as typed, E.164, without the plus (WhatsApp's wa_id), national
WEB_NEEDLES = (PHONE, "+6281298765432", "6281298765432", "81298765432", EMAIL, NAME)
WA_NEEDLES = (CITIZEN, CITIZEN.lstrip("+"), "81234567001", "Siti Aminah")


def test_an_anonymous_web_reporter_is_nowhere_in_clear_in_the_database(client, demo_agencies, staff):
    data = {
        "type": "pengaduan",
        "title": "Pungutan liar di kantor kelurahan",
        "description": "Petugas meminta uang tambahan untuk surat pengantar, tanpa kuitansi.",
        "kabkota": "35.78",
        "kecamatan": "35.78.05",
        "desa": "35.78.05.1001",
        "address": "Kantor Kelurahan Tegalsari",
        "privacy": "anonim",
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "want_updates": "on",
        "kirim": "1",
    }
    assert client.post(reverse("reports:submit"), data).status_code == 302
    report = Report.objects.get()
    assert report.privacy == Report.Privacy.ANONIM and report.reporter.phone == "+6281298765432"
    workflow.perform(report, "verify", Actor(user=staff("admin.surabaya")))  # a public update: e-mailed
    assert Notification.objects.filter(status=Notification.Status.SENT).exists()
    assert EMAIL in [address for message in mail.outbox for address in message.to]  # delivered, yet not stored
    assert places_of(*WEB_NEEDLES) == {}


def test_a_whatsapp_reporter_is_nowhere_in_clear_in_the_database(client, settings, provider_api, demo_agencies):
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "whatsapp": whatsapp_config(provider_api.url)}
    provider_api.answer(f"/v21.0/{PHONE_NUMBER_ID}/messages", 200, sent_answer("wamid.balasan-1"))
    graph_media(provider_api, "1003383421387256", jpeg())
    for name in ("text", "location", "image", "button_reply"):
        assert deliver(client, payload(name)).status_code == 200
    report = Report.objects.get()
    assert report.channel == Report.Channel.WHATSAPP and report.reporter.phone == CITIZEN
    assert report.reporter.name == "Siti Aminah"
    assert Conversation.objects.get().address == CITIZEN and InboundRequest.objects.count() == 4
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).exists()
    assert places_of(*WA_NEEDLES) == {}
    # once the contact is erased, the channel rows do not keep it either (nor its fingerprint)
    privacy.erase_citizen(Citizen.objects.get(pk=report.reporter_id))
    assert set(InboundMessage.objects.values_list("sender", "sender_index").distinct()) == {("", "")}
    assert set(InboundRequest.objects.values_list("body", flat=True)) == {b""}
    assert set(OutboundMessage.objects.values_list("to", flat=True)) == {""}
    assert Conversation.objects.get().address == ""
