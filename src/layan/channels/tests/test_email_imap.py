"""``layan mail-poll`` against a real IMAP server: pymap (pure Python, in-memory mailbox) started by the test on a
loopback port. Unseen mail is stored, recorded once and answered; it is flagged \\Seen only once stored."""

import imaplib
import io
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

from layan.channels import intake, mailgateway
from layan.channels.models import InboundMessage, InboundRequest
from layan.reports.models import Report

from .test_email import PDF, citizen_mail

pytestmark = pytest.mark.django_db(transaction=True)
USER, PASSWORD = "lapor", "rahasia imap"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def imap_server(tmp_path):
    """pymap's dict backend: one user, an empty INBOX. Yields the port."""
    pytest.importorskip("pymap", reason="pymap (dev dependency) provides the IMAP server of this test")
    port = free_port()
    log_path = tmp_path / "pymap.log"
    code = "import sys; from pymap.main import main; sys.exit(main())"
    command = [sys.executable, "-c", code, "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"]
    command += ["--demo-user", USER, "--demo-password", PASSWORD]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"pymap exited with {process.returncode}: {log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
                    if connection.recv(4) == b"* OK":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"pymap did not answer: {log_path.read_text()}") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def mailbox(imap_server, settings, demo_agencies):
    """An IMAP client on the INBOX, and the settings pointing ``layan mail-poll`` at it."""
    from urllib.parse import quote

    url = f"imap://{USER}:{quote(PASSWORD)}@127.0.0.1:{imap_server}/INBOX"
    settings.LAYAN_CHANNELS = {
        **settings.LAYAN_CHANNELS,
        "email": {"enabled": True, "address": "lapor@layan.localhost", "imap_url": url},
    }
    client = imaplib.IMAP4("127.0.0.1", imap_server, timeout=30)
    client.login(USER, PASSWORD)
    client.select("INBOX")
    yield client
    client.logout()


def put(client: imaplib.IMAP4, raw: bytes) -> None:
    status, data = client.append("INBOX", None, None, raw)
    assert status == "OK", data


def unseen(client: imaplib.IMAP4) -> int:
    client.noop()
    return len(client.search(None, "UNSEEN")[1][0].split())


def poll() -> str:
    out = io.StringIO()
    call_command("mail-poll", "--once", stdout=out)
    return out.getvalue()


def test_poll_stores_reads_answers_and_marks_seen(mailbox, mailoutbox):
    report_mail = citizen_mail(text="LAPOR Tegalsari#Saluran air mampet, banjir tiap hujan", message_id="<imap-1@x.id>")
    report_mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="foto-saluran.pdf")
    put(mailbox, report_mail.as_bytes())
    put(mailbox, citizen_mail(message_id="<cuti@x.id>", headers={"Auto-Submitted": "auto-replied"}).as_bytes())
    put(mailbox, b"Subject: rusak\r\n\r\ntanpa pengirim\r\n")
    assert unseen(mailbox) == 3

    output = poll()
    assert "Surel diambil: 3, diterima: 1, diabaikan: 1, tidak terbaca: 1" in output
    assert unseen(mailbox) == 0
    assert InboundRequest.objects.count() == 3
    assert InboundRequest.objects.filter(status=InboundRequest.Status.MALFORMED).count() == 1
    assert set(InboundRequest.objects.values_list("headers__imap-folder", flat=True)) == {"INBOX"}
    message = InboundMessage.objects.get()
    assert message.external_id == "<imap-1@x.id>" and message.sender == "siti.aminah@example.id"
    report = Report.objects.get()
    assert report.channel == Report.Channel.EMAIL and report.attachments.get().content_type == "application/pdf"
    [reply] = mailoutbox
    assert reply.to == ["siti.aminah@example.id"] and report.tracking_number in reply.body
    assert reply.message()["In-Reply-To"] == "<imap-1@x.id>"

    assert "Surel diambil: 0" in poll()  # nothing unseen left: nothing stored again


def test_a_message_fetched_again_after_a_crash_is_recorded_once(mailbox, mailoutbox):
    put(mailbox, citizen_mail(text="LAPOR Tegalsari#Lampu mati", message_id="<dua-kali@x.id>").as_bytes())
    poll()
    # as if the poller had died after storing it and before flagging it \Seen
    mailbox.uid("STORE", mailbox.uid("SEARCH", None, "ALL")[1][0], "-FLAGS", "(\\Seen)")
    assert unseen(mailbox) == 1
    assert "diterima: 1" in poll()
    assert InboundRequest.objects.count() == 2
    assert InboundMessage.objects.count() == 1 and Report.objects.count() == 1 and len(mailoutbox) == 1


def test_a_message_that_cannot_be_stored_stays_unseen_for_the_next_poll(mailbox, monkeypatch):
    put(mailbox, citizen_mail(message_id="<nanti@x.id>").as_bytes())
    real = intake.store_raw

    def broken(*args, **kwargs):
        raise ConnectionError("database gone")

    monkeypatch.setattr(intake, "store_raw", broken)
    assert "gagal disimpan: 1" in poll()
    assert unseen(mailbox) == 1 and not InboundRequest.objects.exists()
    monkeypatch.setattr(intake, "store_raw", real)
    assert "diterima: 1" in poll()
    assert unseen(mailbox) == 0


def test_wrong_password_and_bad_url_are_clear_errors(mailbox, imap_server):
    with pytest.raises(CommandError, match="IMAP tidak dapat dibaca"):
        call_command("mail-poll", "--once", "--url", f"imap://{USER}:salah@127.0.0.1:{imap_server}/INBOX")
    with pytest.raises(CommandError, match="imaps://"):
        call_command("mail-poll", "--once", "--url", "http://contoh")


def test_mailbox_url_parts():
    box = mailgateway.mailbox_of("imaps://lapor%40pemda.go.id:s%2Fandi@imap.pemda.go.id/Pengaduan%20Warga")
    assert (box.secure, box.host, box.port, box.user, box.password, box.folder) == (
        True,
        "imap.pemda.go.id",
        993,
        "lapor@pemda.go.id",
        "s/andi",
        "Pengaduan Warga",
    )
    assert mailgateway.quote_folder(box.folder) == '"Pengaduan Warga"'
