"""E-mail end to end through the real SMTP gateway (aiosmtpd on a loopback port, the same handler ``layan
mail-gateway`` runs), fed with ``smtplib``: stored raw, recorded once, the guided dialogue answering by threaded
e-mail (locmem outbox), the report made with its attachments, and the citizen's replies landing on it."""

import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage as MimeMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import pytest

from layan.channels.mailgateway import gateway_controller, max_message_bytes
from layan.channels.models import Conversation, InboundMedia, InboundMessage, InboundRequest, OutboundMessage
from layan.core import pii
from layan.reports.models import Report
from layan.reports.workflow import Actor, perform

from .test_email import PDF, jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)
ADDRESS = "lapor@layan.localhost"
CITIZEN = "siti@example.id"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gateway(transactional_db, settings, demo_agencies):
    """The SMTP gateway for lapor@layan.localhost on a free loopback port; yields its port."""
    settings.LAYAN_CHANNELS = {**settings.LAYAN_CHANNELS, "email": {"enabled": True, "address": ADDRESS}}
    port = free_port()
    controller = gateway_controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


def mail(text: str, *, subject="Jalan berlubang", message_id=None, reply_to: MimeMessage | None = None, **headers):
    message = MimeMessage()
    message["From"] = f"Siti Aminah <{CITIZEN}>"
    message["To"] = ADDRESS
    if reply_to is not None:
        subject = reply_to["Subject"] if reply_to["Subject"].startswith("Re:") else f"Re: {reply_to['Subject']}"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{time.monotonic_ns()}@example.id>"
    if reply_to is not None:
        message["In-Reply-To"] = reply_to["Message-ID"]
        message["References"] = " ".join(filter(None, [reply_to.get("References"), reply_to["Message-ID"]]))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def deliver(port: int, message: MimeMessage, *, to=ADDRESS, sender=CITIZEN):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        return smtp.send_message(message, from_addr=sender, to_addrs=[to])


def last_reply(mailoutbox) -> MimeMessage:
    """The last e-mail Layan sent, parsed as the citizen's mail program sees it."""
    return BytesParser(policy=default_policy).parsebytes(mailoutbox[-1].message().as_bytes())


def answer(port, mailoutbox, text: str) -> MimeMessage:
    """The citizen answers Layan's last e-mail, quoting it below, as mail programs do."""
    previous = last_reply(mailoutbox)
    quoted = "\n".join("> " + line for line in previous.get_content().splitlines())
    body = f"{text}\n\nPada Sel, 4 Mar 2025 pukul 10.00 Layan <{ADDRESS}> menulis:\n{quoted}\n"
    message = mail(body, reply_to=previous)
    deliver(port, message)
    return message


def test_guided_report_by_email_with_photo_and_pdf_threads_every_reply(gateway, mailoutbox, staff):
    first = mail("Jalan berlubang besar di depan pasar, sudah dua minggu.")
    first.add_attachment(jpeg_bytes(), maintype="image", subtype="jpeg", filename="lubang.jpg")
    first.add_attachment(PDF, maintype="application", subtype="pdf", filename="surat-rt.pdf")
    deliver(gateway, first)

    raw = InboundRequest.objects.get()
    assert raw.provider == "email" and raw.status == InboundRequest.Status.PROCESSED
    stored = BytesParser(policy=default_policy).parsebytes(bytes(raw.body))  # the whole message, as it came
    assert stored["Message-ID"] == first["Message-ID"]
    assert [part.get_content() for part in stored.iter_attachments()][1] == PDF
    assert pii.decrypt(raw.headers["mail-from"]) == CITIZEN and raw.headers["rcpt-to"] == [ADDRESS]
    assert raw.remote_addr == "127.0.0.1"
    message = InboundMessage.objects.get()
    assert message.external_id == first["Message-ID"] and message.sender == CITIZEN
    assert message.parsed["subject"] == "Jalan berlubang"
    assert sorted(InboundMedia.objects.values_list("name", flat=True)) == ["lubang.jpg", "surat-rt.pdf"]

    question = last_reply(mailoutbox)
    assert "Di mana lokasinya?" in question.get_content()
    assert question["In-Reply-To"] == first["Message-ID"] and question["Subject"] == "Re: Jalan berlubang"
    assert question["To"] == CITIZEN and ADDRESS in question["Reply-To"]
    assert OutboundMessage.objects.get().message_id == question["Message-ID"]

    answer(gateway, mailoutbox, "Jl. Kenari 5, Tegalsari")
    summary = last_reply(mailoutbox).get_content()
    assert "Jl. Kenari 5" in summary and "Foto: 2" in summary and "Balas YA" in summary
    assert not Report.objects.exists()

    answer(gateway, mailoutbox, "Ya")
    report = Report.objects.get()
    assert report.channel == Report.Channel.EMAIL and report.title == "Jalan berlubang"
    assert report.reporter.email == CITIZEN and report.reporter.name == "Siti Aminah"
    assert report.address == "Jl. Kenari 5, Tegalsari"
    assert sorted(report.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/jpeg"]
    thanks = last_reply(mailoutbox)
    assert report.tracking_number in thanks.get_content()
    assert InboundMessage.objects.filter(report=report).count() == 3

    # the citizen answers the thank-you mail: it lands on the same report, not a new one
    answer(gateway, mailoutbox, "Tambahan: lubangnya sekitar 1 meter.")
    assert Report.objects.count() == 1
    event = report.events.get(action="add_info")
    assert event.note == "Tambahan: lubangnya sekitar 1 meter."
    assert "menulis:" not in event.note and ">" not in event.note
    assert report.tracking_number in last_reply(mailoutbox).get_content()

    # a public update of the report is sent back in the thread of the citizen's first mail
    sent_before = len(mailoutbox)
    report.refresh_from_db()
    perform(report, "verify", Actor(user=staff("admin.surabaya")), version=report.version, note="Sedang dicek.")
    updates = [m for m in mailoutbox[sent_before:] if m.to == [CITIZEN]]
    assert updates, "no update reached the citizen"
    update = BytesParser(policy=default_policy).parsebytes(updates[-1].message().as_bytes())
    assert update["In-Reply-To"] == first["Message-ID"] and report.tracking_number in update.get_content()


def test_the_same_message_delivered_twice_is_stored_twice_and_recorded_once(gateway, mailoutbox):
    message = mail("LAPOR Tegalsari#Lampu jalan mati", message_id="<sekali@example.id>")
    deliver(gateway, message)
    deliver(gateway, message)
    assert InboundRequest.objects.count() == 2
    assert InboundMessage.objects.get().external_id == "<sekali@example.id>"
    assert Report.objects.count() == 1
    assert len([m for m in mailoutbox if Report.objects.get().tracking_number in m.body]) == 1


def test_mail_for_another_recipient_is_refused_and_nothing_stored(gateway, mailoutbox):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        deliver(gateway, mail("Halo"), to="kepala@layan.localhost")
    code, text = refused.value.recipients["kepala@layan.localhost"]
    assert code == 550 and b"tidak dikenal" in text
    assert not InboundRequest.objects.exists() and not mailoutbox


def test_an_auto_reply_is_stored_but_never_answered(gateway, mailoutbox):
    deliver(gateway, mail("Saya sedang cuti sampai 10 Maret.", subject="Out of office", Auto_Submitted="auto-replied"))
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.PROCESSED and "Auto-Submitted" in raw.error
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()
    assert mailoutbox == []


def test_a_bounce_with_an_empty_envelope_sender_is_not_answered(gateway, mailoutbox):
    deliver(gateway, mail("Delivery failed"), sender="")
    assert pii.decrypt(InboundRequest.objects.get().headers["mail-from"]) == "<>"
    assert not InboundMessage.objects.exists() and mailoutbox == []


def test_an_unreadable_message_is_kept_and_refused(gateway, mailoutbox):
    with smtplib.SMTP("127.0.0.1", gateway, timeout=30) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail(CITIZEN, [ADDRESS], b"Subject: tanpa pengirim\r\n\r\nisi\r\n")
    assert refused.value.smtp_code == 550 and b"tidak dapat dibaca" in refused.value.smtp_error
    raw = InboundRequest.objects.get()
    assert raw.status == InboundRequest.Status.MALFORMED and b"tanpa pengirim" in bytes(raw.body)
    assert not InboundMessage.objects.exists() and mailoutbox == []


def test_an_oversized_message_is_refused_before_anything_is_stored(gateway, settings):
    settings.LAYAN_ATTACHMENT_MAX_BYTES, settings.LAYAN_ATTACHMENTS_PER_REPORT = 1024, 1
    limit = max_message_bytes()
    controller_port = free_port()
    controller = gateway_controller("127.0.0.1", controller_port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller_port, timeout=30) as smtp:
            smtp.ehlo()
            assert int(smtp.esmtp_features["size"]) == limit
            with pytest.raises(smtplib.SMTPException):
                smtp.sendmail(CITIZEN, [ADDRESS], mail("x" * (limit + 10)).as_bytes())
    finally:
        controller.stop()
    assert not InboundRequest.objects.exists()


def test_a_storage_failure_answers_451_so_the_sender_retries(gateway, monkeypatch):
    from layan.channels import intake

    def broken(*args, **kwargs):
        raise ConnectionError("database gone")

    monkeypatch.setattr(intake, "store_raw", broken)
    with smtplib.SMTP("127.0.0.1", gateway, timeout=30) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.send_message(mail("Halo"), from_addr=CITIZEN, to_addrs=[ADDRESS])
    assert refused.value.smtp_code == 451


def test_layan_mail_gateway_command_serves_smtp(transactional_db, tmp_path):
    """The command itself, as a process: it listens, accepts mail for the report address, refuses others."""
    from django.conf import settings
    from django.db import connection

    from conftest import _database_url

    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "layan.settings.demo",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "SECRET_KEY": settings.SECRET_KEY,
        "LAYAN_DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LAYAN_REPORT_EMAIL": ADDRESS,
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    import os

    env = {**os.environ, **env}
    src = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH", "")]))
    log_path = tmp_path / "gateway.log"
    command = [sys.executable, "-m", "layan.cli", "mail-gateway", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_smtp(process, port, log_path)
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            code, _text = smtp.ehlo()
            assert code == 250
            assert smtp.noop()[0] == 250
            code, _text = smtp.mail(CITIZEN)
            assert smtp.rcpt("lain@layan.localhost")[0] == 550
            assert smtp.rcpt(ADDRESS)[0] == 250
            smtp.rset()
        deliver(port, mail("LAPOR Tegalsari#Saluran air mampet", message_id="<proses@example.id>"))
        message = InboundMessage.objects.get()
        assert message.external_id == "<proses@example.id>" and message.request.provider == "email"
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "Gerbang surel mendengarkan" in log_path.read_text(), log_path.read_text()


def wait_for_smtp(process, port: int, log_path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mail-gateway exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
                if connection.recv(3) == b"220":
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"mail-gateway did not answer within {timeout} s:\n{log_path.read_text()}")
