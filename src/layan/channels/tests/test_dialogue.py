"""The conversation engine: guided report, one-shot LAPOR, commands, opt-out, rate limit, restarts, redelivery."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from layan.channels import dialogue
from layan.channels.models import Conversation, InboundMessage, OutboundMessage
from layan.core.models import Region
from layan.reports import keys
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.tests.links import reporter_keys_in

from .fakes import Sender, fake_channel  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(django_capture_on_commit_callbacks, demo_agencies, fake_channel):  # noqa: F811
    return Sender(django_capture_on_commit_callbacks)


def sent_texts(provider_api) -> list[str]:
    return [r.json()["text"] for r in provider_api.to("/send")]


def last_text(provider_api) -> str:
    return sent_texts(provider_api)[-1]


def in_language(language, msgid, **values):
    with translation.override(language):
        text = gettext(msgid)
    return text % values if values else text


def test_guided_dialogue_in_indonesian_creates_one_report_with_location_and_clean_photo(siti, fake_channel):  # noqa: F811
    siti.send("Halo")
    assert "Apa yang ingin Anda laporkan?" in last_text(fake_channel)
    siti.send("Lampu penerangan jalan mati sejak seminggu, gelap dan rawan.")
    assert "Di mana lokasinya?" in last_text(fake_channel)
    siti.send("Jl. Kenari 5, Dr. Soetomo")
    assert "Kirim foto atau ketik LEWATI" in last_text(fake_channel)
    siti.send("", photo=True)
    summary = last_text(fake_channel)
    assert "Lampu penerangan jalan mati" in summary and "Dr. Soetomo" in summary and "Foto: 1" in summary
    assert "Balas YA untuk mengirim" in summary
    assert not Report.objects.exists()
    siti.send("ya")

    report = Report.objects.get()
    assert report.channel == Report.Channel.WHATSAPP
    assert report.title == "Lampu penerangan jalan mati sejak seminggu, gelap dan rawan."
    assert report.region_id == "35.78.05.1002"
    assert report.address == "Jl. Kenari 5, Dr. Soetomo"
    assert str(report.reporter.phone) == "+6281234567890" and report.reporter.name == "Siti"
    attachment = report.attachments.get()
    stored = attachment.file.read()
    assert attachment.content_type == "image/jpeg" and b"KameraRahasia" not in stored and b"Exif" not in stored
    thanks = last_text(fake_channel)
    assert report.tracking_number in thanks
    (key,) = reporter_keys_in(thanks, report)
    assert f"https://lapor.example.go.id{report.reporter_url(key)}" in thanks and keys.matches(report, key)
    stored = OutboundMessage.objects.get(text__contains=report.tracking_number, kind=OutboundMessage.Kind.REPLY)
    assert stored.reporter_link and not reporter_keys_in(stored.text, report)  # the row holds no working link
    conversation = Conversation.objects.get()
    assert conversation.state == Conversation.State.IDLE and conversation.draft == {}
    assert conversation.last_report == report
    assert InboundMessage.objects.filter(report=report).count() == 4  # every step after the greeting
    assert all(r.json()["to"] == "+6281234567890" for r in fake_channel.to("/send"))
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {OutboundMessage.Status.SENT}


def test_english_first_message_with_text_location_and_photo_goes_straight_to_confirmation(
    django_capture_on_commit_callbacks,
    demo_agencies,
    fake_channel,  # noqa: F811
):
    john = Sender(django_capture_on_commit_callbacks, address="+6281100000001", name="John", language="en-GB")
    john.send("Broken water pipe flooding the road", photo=True, location=(-7.2653, 112.7401, "Gubeng", ""))
    summary = last_text(fake_channel)
    assert in_language("en", "Balas YA untuk mengirim, BATAL untuk membatalkan.") in summary
    assert Conversation.objects.get().language == "en"
    john.send("YES")
    report = Report.objects.get()
    assert report.region_id == "35.78.08.1001"  # kecamatan and kelurahan Gubeng: the kelurahan wins
    assert float(report.latitude) == pytest.approx(-7.2653) and float(report.longitude) == pytest.approx(112.7401)
    assert report.attachments.count() == 1
    (key,) = reporter_keys_in(last_text(fake_channel), report)
    expected = in_language(
        "en",
        "Terima kasih. Laporan Anda tercatat dengan nomor %(number)s. Pantau dan lengkapi di %(link)s",
        number=report.tracking_number,
        link=f"https://lapor.example.go.id{report.reporter_url(key)}",
    )
    assert last_text(fake_channel) == expected


def test_an_english_command_switches_the_conversation_to_english(siti, fake_channel):  # noqa: F811
    siti.send("HELP")
    assert Conversation.objects.get().language == "en"
    with translation.override("en"):
        assert last_text(fake_channel) == str(dialogue.HELP_TEXT)


def test_one_shot_lapor_syntax_makes_a_report_at_once(django_capture_on_commit_callbacks, demo_agencies, fake_channel):  # noqa: F811
    sms = Sender(django_capture_on_commit_callbacks, address="+6285700000002", channel="sms", name="")
    sms.send("lapor Jl. Kenari 5 Tegalsari#Sampah menumpuk di depan SD sejak tiga hari")
    report = Report.objects.get()
    assert report.channel == Report.Channel.SMS and report.address == "Jl. Kenari 5 Tegalsari"
    assert report.description == "Sampah menumpuk di depan SD sejak tiga hari"
    assert report.region.name == "Tegalsari"
    assert report.tracking_number in last_text(fake_channel)


def test_lapor_without_content_explains_the_format_and_stores_nothing(siti, fake_channel):  # noqa: F811
    siti.send("LAPOR Tegalsari#")
    assert "Format: LAPOR <lokasi>#<isi laporan>" in last_text(fake_channel)
    assert not Report.objects.exists()


def public_report(privacy=Report.Privacy.PUBLIC, phone="+6289900000009"):
    return submit_report(
        NewReport(
            title="Jalan berlubang",
            description="Rahasia: nama kontraktor X",
            region=Region.objects.get(code="35.78.05.1001"),
            privacy=privacy,
        ),
        channel=Report.Channel.WHATSAPP,
        reporter=ReporterInfo(phone=phone, name="Ani"),
    )


def test_status_of_a_public_report_shows_status_and_last_public_update(siti, fake_channel, settings):  # noqa: F811
    settings.LAYAN_PUBLISH_ON_SUBMIT = True  # public at once: another sender may ask for its status
    report = public_report()
    siti.send(f"status {report.tracking_number.replace('-', '').lower()}")
    text = last_text(fake_channel)
    assert text.startswith(f"Laporan {report.tracking_number}: {report.public_status}")
    assert "Laporan diterima melalui WhatsApp." in text
    assert "kontraktor" not in text


def test_status_of_a_report_not_yet_published_is_not_told_to_another_sender(siti, fake_channel):  # noqa: F811
    report = public_report()  # public privacy, but not verified yet: not public (issue 15)
    siti.send(f"status {report.tracking_number}")
    assert last_text(fake_channel) == f"Laporan {report.tracking_number} tidak ditemukan."


def test_status_of_a_confidential_report_only_for_its_reporter_on_this_channel(
    django_capture_on_commit_callbacks,
    demo_agencies,
    fake_channel,  # noqa: F811
):
    report = public_report(privacy=Report.Privacy.RAHASIA, phone="+6281234567890")
    stranger = Sender(django_capture_on_commit_callbacks, address="+6281111111111")
    stranger.send(f"CEK {report.tracking_number}")
    assert last_text(fake_channel) == f"Laporan {report.tracking_number} tidak ditemukan."
    owner = Sender(django_capture_on_commit_callbacks, address="+6281234567890")
    owner.send(f"CEK {report.tracking_number}")
    text = last_text(fake_channel)
    assert text.startswith(f"Laporan {report.tracking_number}: ") and "kontraktor" not in text


def test_status_of_an_unknown_number(siti, fake_channel):  # noqa: F811
    siti.send("STATUS ZZZZ-2222")
    assert last_text(fake_channel) == "Laporan ZZZZ-2222 tidak ditemukan."
    siti.send("status laporan saya bagaimana?")
    assert last_text(fake_channel).startswith("Ketik STATUS diikuti nomor laporan")
    siti.send("Cek jalan rusak di depan balai desa")  # CEK followed by words is a report, not a command
    assert Conversation.objects.get().draft["what"] == "Cek jalan rusak di depan balai desa"


def test_cancel_drops_the_draft(siti, fake_channel):  # noqa: F811
    siti.send("Trotoar rusak di depan pasar")
    assert Conversation.objects.get().state == Conversation.State.ASK_WHERE
    siti.send("batal")
    conversation = Conversation.objects.get()
    assert conversation.state == Conversation.State.IDLE and conversation.draft == {}
    assert "Laporan dibatalkan" in last_text(fake_channel)


def test_restart_in_the_middle_continues_from_the_stored_conversation(siti, fake_channel):  # noqa: F811
    siti.send("Pohon tumbang menutup jalan")
    siti.send("Jl. Tegalsari 10")
    # a new worker process: nothing survives but the database
    fresh = Sender(siti.capture, address=siti.address)
    fresh.count = siti.count
    assert Conversation.objects.get().state == Conversation.State.ASK_PHOTO
    fresh.send("lewati")
    assert "Balas YA" in last_text(fake_channel)
    fresh.send("YA")
    report = Report.objects.get()
    assert report.description == "Pohon tumbang menutup jalan" and report.address == "Jl. Tegalsari 10"
    assert report.region_id == "35.78.05.1001"


def test_redelivered_message_creates_one_report(django_capture_on_commit_callbacks, demo_agencies, fake_channel):  # noqa: F811
    sms = Sender(django_capture_on_commit_callbacks, address="+6285700000003", channel="sms")
    item = sms.inbound("LAPOR Gubeng#Banjir setinggi lutut", message_id="SM-1")
    sms.deliver(item)
    assert sms.deliver(item) == []
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 1
    # running the task again for the same message does nothing twice
    assert dialogue.process(InboundMessage.objects.get().pk) == InboundMessage.Status.HANDLED
    assert Report.objects.count() == 1 and len(fake_channel.to("/send")) == 1


def test_stop_then_no_more_messages_and_start_again(siti, fake_channel, staff):  # noqa: F811
    siti.send("LAPOR Tegalsari#Lampu taman mati")
    report = Report.objects.get()
    siti.send("STOP")
    assert Conversation.objects.get().opted_out
    assert "MULAI" in last_text(fake_channel)  # the confirmation itself is sent
    before = len(fake_channel.to("/send"))
    siti.send("Halo?")  # ignored while opted out
    from layan.reports.workflow import Actor, perform

    with siti.capture(execute=True):
        perform(report, "verify", Actor(user=staff("admin.surabaya")))
    assert len(fake_channel.to("/send")) == before
    assert InboundMessage.objects.order_by("-pk").first().status == InboundMessage.Status.IGNORED
    siti.send("MULAI")
    assert not Conversation.objects.get().opted_out
    assert len(fake_channel.to("/send")) == before + 1


def test_rate_limit_warns_once_and_stops_processing(siti, fake_channel, settings):  # noqa: F811
    settings.LAYAN_CHANNEL_RATE_LIMIT = 3
    for text in ("satu", "dua", "tiga", "empat", "lima", "enam"):
        siti.send(text)
    statuses = list(InboundMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses[:3] == [InboundMessage.Status.HANDLED] * 3
    assert statuses[3:] == [InboundMessage.Status.RATE_LIMITED] * 3
    warnings = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.WARNING)
    assert warnings.count() == 1 and "tunggu 10 menit" in warnings.get().text
    assert "empat" not in Conversation.objects.get().draft.get("what", "")


def test_burst_queued_behind_the_worker_is_handled_only_later_messages_are_limited(siti, fake_channel, settings):  # noqa: F811
    """Six messages arrive before the worker gets to any (the limit is 3): the three taken in are all handled,
    the three that came in over the limit are not, and the sender is warned once."""
    from layan.channels import intake

    settings.LAYAN_CHANNEL_RATE_LIMIT = 3
    with siti.capture() as queued:  # the tasks wait for the worker
        for text in ("satu", "dua", "tiga", "empat", "lima", "enam"):
            intake.accept(intake.store_raw("fake", text.encode()), [siti.inbound(text)])
    assert len(queued) == 6
    for run_task in queued:  # the worker catches up
        run_task()
    statuses = list(InboundMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [InboundMessage.Status.HANDLED] * 3 + [InboundMessage.Status.RATE_LIMITED] * 3
    warnings = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.WARNING)
    assert warnings.count() == 1 and "tunggu 10 menit" in warnings.get().text
    for run_task in queued:  # tasks run twice (a re-driven worker) neither handle nor warn again
        run_task()
    assert OutboundMessage.objects.filter(kind=OutboundMessage.Kind.WARNING).count() == 1
    assert list(InboundMessage.objects.order_by("pk").values_list("status", flat=True)) == statuses


def test_unreadable_attachment_is_refused_with_a_clear_reply(siti, fake_channel):  # noqa: F811
    fake_channel.responses["/media/"] = [(200, b"not an image at all", "image/jpeg")]
    siti.send("Jalan rusak parah", photo=True)
    assert "bukan foto" in " ".join(sent_texts(fake_channel))
    assert Conversation.objects.get().draft.get("media") == []


def test_text_while_report_waits_for_reporter_is_added_to_it(siti, fake_channel, staff):  # noqa: F811
    from layan.reports.workflow import Actor, perform

    siti.send("LAPOR Tegalsari#Parit mampet")
    report = Report.objects.get()
    with siti.capture(execute=True):
        perform(report, "pend", Actor(user=staff("admin.surabaya")), note="Di RT berapa?")
    report.refresh_from_db()
    assert report.state == Report.State.TERTUNDA
    siti.send("RT 03 RW 05, dekat musala", photo=True)
    report.refresh_from_db()
    event = report.events.filter(action="add_info").get()
    assert event.note == "RT 03 RW 05, dekat musala" and report.state != Report.State.TERTUNDA
    assert report.attachments.filter(event=event).count() == 1
    assert Report.objects.count() == 1
