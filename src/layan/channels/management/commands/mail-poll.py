"""``layan mail-poll``: fetch unseen e-mail from the IMAP mailbox of the report address (IMAP_URL)."""

import imaplib
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from layan.channels.mailgateway import GatewayUnavailable, poll

log = logging.getLogger("layan.channels.mailpoll")


class Command(BaseCommand):
    help = (
        "Ambil surel yang belum dibaca dari kotak IMAP (IMAP_URL, mis. imaps://pengguna:sandi@host:993/INBOX), "
        "simpan mentah, lalu proses sebagai pesan masuk. Dengan --once: satu kali lalu keluar, untuk cron atau "
        "timer systemd (mis. tiap menit: `layan mail-poll --once`). Tanpa --once: berulang tiap --interval detik, "
        "jalankan sebagai layanan tersendiri di samping `layan worker`. Pemanggilan ganda aman: surel yang sama "
        "(Message-ID sama) hanya dicatat sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="ambil sekali lalu keluar")
        parser.add_argument("--interval", type=float, default=60.0, help="detik antar pengambilan (tanpa --once)")
        parser.add_argument("--url", default=None, help="ganti IMAP_URL untuk pemanggilan ini")

    def handle(self, *args, once, interval, url, **options):
        if once:
            self.poll_once(url, fail=True)
            return
        while True:
            self.poll_once(url, fail=False)
            connections.close_all()
            time.sleep(max(interval, 1.0))

    def poll_once(self, url, *, fail: bool) -> None:
        try:
            result = poll(url)
        except (GatewayUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from None
        except (imaplib.IMAP4.error, OSError) as exc:
            message = _("Kotak surel IMAP tidak dapat dibaca: %(why)s") % {"why": exc}
            if fail:
                raise CommandError(message) from None
            log.warning("%s", message)
            return
        self.stdout.write(
            _(
                "Surel diambil: %(fetched)s, diterima: %(accepted)s, diabaikan: %(ignored)s, "
                "tidak terbaca: %(malformed)s, gagal disimpan: %(failed)s."
            )
            % vars(result)
        )
