"""The e-mail provider on its own: reading real-shaped RFC 5322 messages, and sending threaded replies (through
Django's locmem backend, and through a real SMTP server on loopback that refuses, for the error mapping)."""

import io
import os
import socket
from email.message import EmailMessage as MimeMessage

import pytest
from PIL import Image

from layan.channels.contract import BadSignature, MalformedPayload, Outbound, SendError
from layan.channels.providers.email import EmailProvider, html_to_text, trim_reply

ADDRESS = "lapor@layan.localhost"


def provider() -> EmailProvider:
    return EmailProvider({"address": ADDRESS})


def jpeg_bytes(size: int = 96) -> bytes:
    """A noisy photo (noise does not compress: well over the tiny-image threshold)."""
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF: attachments are re-rendered page by page, so it must be readable."""
    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, "PDF")
    return out.getvalue()


PDF = pdf_bytes()


def citizen_mail(**overrides) -> MimeMessage:
    message = MimeMessage()
    message["From"] = overrides.pop("sender", '"Siti Aminah" <Siti.Aminah@Example.ID>')
    message["To"] = ADDRESS
    message["Subject"] = overrides.pop("subject", "Jalan berlubang")
    message["Date"] = "Tue, 04 Mar 2025 09:15:00 +0700"
    message_id = overrides.pop("message_id", "<pesan-1@example.id>")
    if message_id:
        message["Message-ID"] = message_id
    for name, value in overrides.pop("headers", {}).items():
        message[name] = value
    message.set_content(overrides.pop("text", "Jalan berlubang besar di depan pasar."))
    assert not overrides
    return message


def test_plain_message_becomes_one_inbound_with_sender_subject_date_and_id():
    [inbound] = provider().parse_bytes(citizen_mail().as_bytes())
    assert inbound.channel == inbound.provider == "email"
    assert inbound.sender == "siti.aminah@example.id" and inbound.sender_name == "Siti Aminah"
    assert inbound.subject == "Jalan berlubang"
    assert inbound.text == "Jalan berlubang besar di depan pasar."
    assert inbound.message_id == "<pesan-1@example.id>"
    assert inbound.sent_at.isoformat() == "2025-03-04T09:15:00+07:00"
    assert inbound.media == [] and inbound.in_reply_to == []


def test_encoded_subject_and_name_are_decoded():
    raw = (
        b"From: =?utf-8?q?Bu_D=C3=A9wi?= <dewi@example.id>\r\nTo: lapor@layan.localhost\r\n"
        b"Subject: =?utf-8?b?TGFtcHUgbWF0aSDigJQgc2VnZXJh?=\r\nMessage-ID: <x1@example.id>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Caf=E9 di pojok gelap.\r\n"
    )
    [inbound] = provider().parse_bytes(raw)
    assert inbound.sender_name == "Bu Déwi"
    assert inbound.subject == "Lampu mati — segera"
    assert inbound.text == "Café di pojok gelap."


def test_html_only_message_is_turned_into_text_without_tags_scripts_or_quotes():
    message = citizen_mail()
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Sampah menumpuk &amp; berbau</p><div>di Jl. Kenari&nbsp;5</div>"
        "<blockquote>teks lama yang dikutip</blockquote></body></html>",
        subtype="html",
    )
    [inbound] = provider().parse_bytes(message.as_bytes())
    assert inbound.text == "Sampah menumpuk & berbau\n\ndi Jl. Kenari 5"
    assert "alert" not in inbound.text and "color" not in inbound.text and "dikutip" not in inbound.text


def test_plain_text_is_preferred_over_html():
    message = citizen_mail(text="Teks biasa.")
    message.add_alternative("<p>Teks <b>HTML</b>.</p>", subtype="html")
    [inbound] = provider().parse_bytes(message.as_bytes())
    assert inbound.text == "Teks biasa."


@pytest.mark.parametrize(
    "body",
    [
        "Sudah diperbaiki? Belum.\n\nPada Sen, 3 Mar 2025 pukul 10.00 Layan <lapor@layan.localhost> menulis:\n> Apa?",
        "Sudah diperbaiki? Belum.\n\nOn Mon, 3 Mar 2025 at 10:00, Layan <lapor@layan.localhost>\nwrote:\n> What?",
        "Sudah diperbaiki? Belum.\n-- \nSiti\nRT 03",
        "Sudah diperbaiki? Belum.\n\n-----Original Message-----\nFrom: Layan",
        "> kutipan di atas\nSudah diperbaiki? Belum.\n> kutipan di bawah",
    ],
)
def test_quoted_text_and_signatures_are_trimmed(body):
    assert trim_reply(body) == "Sudah diperbaiki? Belum."


def test_photo_and_pdf_attachments_are_kept_with_bytes_and_tiny_images_skipped():
    photo = jpeg_bytes()
    message = citizen_mail()
    message.add_alternative("<p>Jalan berlubang besar di depan pasar.</p><img src='cid:logo'>", subtype="html")
    message.add_attachment(photo, maintype="image", subtype="jpeg", filename="lubang.jpg")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="surat.pdf")
    message.add_attachment(b"GIF89a" + b"\0" * 40, maintype="image", subtype="gif", filename="pixel.gif")
    message.add_attachment(b"PK\x03\x04 zip", maintype="application", subtype="zip", filename="arsip.zip")
    [inbound] = provider().parse_bytes(message.as_bytes())
    assert inbound.text == "Jalan berlubang besar di depan pasar."
    assert [(m.name, m.content_type) for m in inbound.media] == [
        ("lubang.jpg", "image/jpeg"),
        ("surat.pdf", "application/pdf"),
    ]
    assert inbound.media[0].content == photo and inbound.media[1].content == PDF


def test_threading_ids_come_from_in_reply_to_then_references():
    raw = citizen_mail(
        headers={"In-Reply-To": "<b@layan.localhost>", "References": "<a@layan.localhost> <b@layan.localhost>"}
    ).as_bytes()
    [inbound] = provider().parse_bytes(raw)
    assert inbound.in_reply_to == ["<b@layan.localhost>", "<a@layan.localhost>"]


def test_a_message_without_message_id_gets_a_stable_one_from_its_bytes():
    raw = citizen_mail(message_id=None).as_bytes()
    first, again = provider().parse_bytes(raw)[0], provider().parse_bytes(raw)[0]
    assert first.message_id == again.message_id and first.message_id.endswith("@no-message-id.layan>")
    other = provider().parse_bytes(citizen_mail(message_id=None, text="lain").as_bytes())[0]
    assert other.message_id != first.message_id


@pytest.mark.parametrize(
    ("headers", "sender", "envelope_from", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, None, None, "Auto-Submitted"),
        ({"Precedence": "bulk"}, None, None, "Precedence"),
        ({"X-Autoreply": "yes"}, None, None, "x-autoreply"),
        ({}, "MAILER-DAEMON@mail.example.id", None, "bounce"),
        ({}, None, "", "bounce"),
        ({}, "Layan <lapor@layan.localhost>", None, "loop"),
    ],
)
def test_automatic_mail_yields_no_message_and_says_why(headers, sender, envelope_from, why):
    kwargs = {"headers": headers} | ({"sender": sender} if sender else {})
    items, reason = provider().read(citizen_mail(**kwargs).as_bytes(), envelope_from=envelope_from)
    assert items == [] and why in reason


def test_auto_submitted_no_is_a_person():
    items, reason = provider().read(citizen_mail(headers={"Auto-Submitted": "no"}).as_bytes())
    assert len(items) == 1 and reason == ""


@pytest.mark.parametrize(
    "raw", [b"", b"   \r\n", b"Subject: tanpa pengirim\r\n\r\nisi\r\n", b"From: bukan alamat\r\n\r\nx"]
)
def test_a_message_without_a_sender_is_malformed(raw):
    with pytest.raises(MalformedPayload):
        provider().parse_bytes(raw)


def test_the_webhook_refuses_email(rf):
    with pytest.raises(BadSignature):
        provider().verify(rf.post("/kanal/email/webhook/", data=b"x", content_type="message/rfc822"))


def test_send_threads_the_reply_and_returns_its_message_id(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Layan <no-reply@layan.localhost>"
    sent = provider().send(
        Outbound(
            channel="email",
            to="siti@example.id",
            text="Terima kasih, laporan Anda tercatat.",
            subject="Re: Jalan berlubang",
            in_reply_to="<pesan-1@example.id>",
            references=["<awal@example.id>"],
            message_id="<balasan-1@layan.localhost>",
        )
    )
    assert sent == "<balasan-1@layan.localhost>"
    [mail] = mailoutbox
    message = mail.message()
    assert message["Message-ID"] == "<balasan-1@layan.localhost>"
    assert message["In-Reply-To"] == "<pesan-1@example.id>"
    assert message["References"] == "<awal@example.id> <pesan-1@example.id>"
    assert message["Subject"] == "Re: Jalan berlubang" and mail.to == ["siti@example.id"]
    assert message["Auto-Submitted"] == "auto-replied"
    assert ADDRESS in message["Reply-To"] and mail.from_email == "Layan <no-reply@layan.localhost>"


def test_send_without_message_id_makes_one_on_the_report_address_domain(mailoutbox):
    sent = provider().send(Outbound(channel="email", to="siti@example.id", text="Kabar laporan"))
    assert sent.endswith("@layan.localhost>") and mailoutbox[0].message()["Message-ID"] == sent
    assert mailoutbox[0].message()["Auto-Submitted"] == "auto-generated"
    assert "In-Reply-To" not in mailoutbox[0].message()


@pytest.fixture
def refusing_smtp(settings):
    """A real SMTP server on loopback that answers RCPT TO with the code the test sets."""
    from aiosmtpd.controller import Controller

    class Refuser:
        code = "550 5.1.1 no such user"

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return self.code

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Refuser()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.mark.parametrize(("code", "retry"), [("550 5.1.1 no such user", False), ("451 4.3.0 try later", True)])
def test_smtp_refusals_become_send_errors_retry_only_for_4xx(refusing_smtp, code, retry):
    refusing_smtp.code = code
    with pytest.raises(SendError) as error:
        provider().send(Outbound(channel="email", to="siti@example.id", text="x"))
    assert error.value.retry is retry and code.split()[0] in error.value.message


def test_an_unreachable_smtp_server_is_retried(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    with pytest.raises(SendError) as error:
        provider().send(Outbound(channel="email", to="siti@example.id", text="x"))
    assert error.value.retry is True


def test_html_to_text_survives_broken_markup():
    assert "isi" in html_to_text("<p>isi<div <<<>>")
