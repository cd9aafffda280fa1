"""Sending: the one HTTP client, retries with backoff, opt-out, public updates through the report's channel."""

import pytest
from django.core import mail

from layan.channels import http, outbound
from layan.channels.contract import SendError
from layan.channels.models import Conversation, InboundMessage, OutboundMessage
from layan.reports import keys
from layan.reports.models import Report
from layan.reports.tests.links import reporter_keys_in
from layan.reports.workflow import Actor, perform

from .fakes import Sender, fake_channel  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_http_client_classifies_failures(provider_api):
    provider_api.answer("/busy", 503, "maintenance")
    provider_api.answer("/slow-down", 429, {"error": "rate"})
    provider_api.answer("/bad", 400, {"error": {"message": "invalid recipient"}})
    with pytest.raises(SendError) as busy:
        http.post_json(provider_api.url + "/busy", {})
    assert busy.value.retry and busy.value.status == 503 and "maintenance" in busy.value.message
    with pytest.raises(SendError) as limited:
        http.post_form(provider_api.url + "/slow-down", {"a": "b"})
    assert limited.value.retry and limited.value.status == 429
    with pytest.raises(SendError) as bad:
        http.get(provider_api.url + "/bad")
    assert not bad.value.retry and "invalid recipient" in bad.value.message
    with pytest.raises(SendError) as refused:
        http.get("http://127.0.0.1:9/")  # the discard port: nothing listens
    assert refused.value.retry and "connection error" in refused.value.message
    assert http.get(provider_api.url + "/ok").json() == {"ok": True}
    assert provider_api.requests[0].headers["User-Agent"].startswith("Layan")


@pytest.fixture
def conversation(db):
    return Conversation.objects.create(channel="whatsapp", address="+6281234567890", name="Siti")


def test_retry_with_backoff_then_success(fake_channel, conversation, django_capture_on_commit_callbacks):  # noqa: F811
    fake_channel.responses["/send"] = [
        (500, b"oops", "text/plain"),
        (502, b"", "text/plain"),
        (200, b'{"id": "m-9"}', "application/json"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        message = outbound.reply(conversation, "Halo")
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 3
    assert message.provider_message_id == "m-9" and message.claimed_until is None
    assert len(fake_channel.to("/send")) == 3
    assert outbound.send(message.pk) == OutboundMessage.Status.SENT  # sent once: a late task sends nothing
    assert len(fake_channel.to("/send")) == 3


def test_message_claimed_by_a_dead_worker_is_looked_at_again_when_the_claim_expires(fake_channel, conversation):  # noqa: F811
    """The worker died while sending; its task, run again (``ops.leases``), finds the claim still held: instead of
    ending with the message unsent, it queues itself for the moment the claim expires, and then sends it."""
    import datetime as dt

    from django.test import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    message = outbound.reply(conversation, "Halo")  # not sent: the on-commit queueing is not run here
    claimed_until = timezone.now() + dt.timedelta(seconds=50)
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_until=claimed_until, attempts=1)
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}}
    with override_settings(TASKS=tasks):
        assert outbound.send(message.pk) == OutboundMessage.Status.PENDING
    again = DBTaskResult.objects.get(task_path="layan.channels.tasks.send_message")
    assert again.args_kwargs["args"] == [message.pk] and again.run_after > claimed_until
    assert fake_channel.to("/send") == []
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert outbound.send(message.pk) == OutboundMessage.Status.SENT  # what that task does when its time comes
    assert len(fake_channel.to("/send")) == 1


def test_backoff_doubles():
    assert [outbound.backoff(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]


def test_gives_up_after_max_attempts_and_on_permanent_errors(fake_channel, conversation, settings):  # noqa: F811
    settings.LAYAN_CHANNEL_SEND_ATTEMPTS = 2
    fake_channel.responses["/send"] = [(503, b"down", "text/plain")]
    message = outbound.reply(conversation, "Halo")
    outbound.send(message.pk)  # immediate backend: the retry runs at once
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED and message.attempts == 2 and "503" in message.last_error
    fake_channel.responses["/send"] = [(403, b'{"error": "token"}', "application/json")]
    other = outbound.reply(conversation, "Halo lagi")
    outbound.send(other.pk)
    other.refresh_from_db()
    assert other.status == OutboundMessage.Status.FAILED and other.attempts == 1 and "token" in other.last_error


def test_nothing_is_sent_to_an_opted_out_conversation_but_the_confirmation(fake_channel, conversation):  # noqa: F811
    conversation.opted_out = True
    conversation.save()
    update = outbound.reply(conversation, "Pembaruan", kind=OutboundMessage.Kind.UPDATE)
    confirmation = outbound.reply(conversation, "Anda berhenti", kind=OutboundMessage.Kind.OPT_OUT)
    assert outbound.send(update.pk) == OutboundMessage.Status.CANCELLED
    assert outbound.send(confirmation.pk) == OutboundMessage.Status.SENT
    assert [r.json()["text"] for r in fake_channel.to("/send")] == ["Anda berhenti"]


def test_staff_resolving_the_report_sends_the_update_through_its_channel(
    django_capture_on_commit_callbacks,
    demo_agencies,
    staff,
    fake_channel,  # noqa: F811
):
    siti = Sender(django_capture_on_commit_callbacks)
    siti.send("LAPOR Tegalsari#Lampu jalan mati di gang 3")
    report = Report.objects.get()
    admin, agency = Actor(user=staff("admin.surabaya")), Actor(user=staff("penghubung.dsdabm-sby"))
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "verify", admin, agencies=[demo_agencies["dsdabm-sby"]])
        disposition = report.dispositions.get()
        perform(report, "accept", agency, disposition=disposition)
        perform(report, "resolve", agency, disposition=disposition, note="Lampu sudah diganti petugas.")
    updates = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.UPDATE, report=report).order_by("pk")
    assert updates.count() == report.events.filter(is_public=True).exclude(action="submit").count() >= 3
    last = updates.last()
    assert last.status == OutboundMessage.Status.SENT and last.to == "+6281234567890"
    assert "Lampu sudah diganti petugas." in last.text and report.tracking_number in last.text
    sent = fake_channel.to("/send")[-1].json()["text"]
    (key,) = reporter_keys_in(sent, report)
    assert f"https://lapor.example.go.id{report.reporter_url(key)}" in sent and keys.matches(report, key)
    assert last.reporter_link and not reporter_keys_in(last.text, report)  # the stored row holds no working link
    assert sent == last.text.replace(keys.PLACEHOLDER, f"https://lapor.example.go.id{report.reporter_url(key)}")
    # the same event again (a retried task) adds nothing
    assert outbound.notify_event(last.event) == []
    assert mail.outbox == []  # a phone reporter has no e-mail follower


def test_email_report_updates_are_threaded_and_not_doubled_by_follower_mail(
    django_capture_on_commit_callbacks,
    demo_agencies,
    staff,
    fake_channel,  # noqa: F811
):
    budi = Sender(django_capture_on_commit_callbacks, address="budi@example.com", channel="email", name="Budi")
    budi.send(
        "LAPOR Gubeng#Pungutan liar di loket KTP",
        message_id="<warga-1@example.com>",
        subject="Pungli loket KTP",
    )
    report = Report.objects.get()
    assert report.reporter.email == "budi@example.com"
    thanks = OutboundMessage.objects.get(report=report, kind=OutboundMessage.Kind.REPLY)
    assert thanks.subject == "Re: Pungli loket KTP" and thanks.in_reply_to == "<warga-1@example.com>"
    assert thanks.message_id.startswith("<") and thanks.message_id.endswith("@layan.localhost>")
    sent = fake_channel.to("/send")[-1].json()
    assert sent["in_reply_to"] == "<warga-1@example.com>" and sent["message_id"] == thanks.message_id
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies["dsdabm-sby"]])
    update = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.UPDATE).last()
    assert update.to == "budi@example.com" and update.subject == "Re: Pungli loket KTP"
    assert update.in_reply_to == "<warga-1@example.com>"
    assert [m.to for m in mail.outbox] == []  # the follower e-mail would repeat the threaded update

    # the citizen answers our message: the text lands on the same report
    with django_capture_on_commit_callbacks(execute=True):
        perform(report, "note", Actor(user=staff("admin.surabaya")), note="internal")
    budi.send(
        "Loketnya di lantai 2, setiap Senin.",
        message_id="<warga-2@example.com>",
        subject="Re: Pungli loket KTP",
        in_reply_to=[update.message_id],
    )
    info = report.events.get(action="add_info")
    assert info.note == "Loketnya di lantai 2, setiap Senin."
    assert InboundMessage.objects.get(external_id="<warga-2@example.com>").report == report
    assert Report.objects.count() == 1
