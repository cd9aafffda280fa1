"""``layan mail-gateway``: the SMTP server that receives citizens' e-mail for the report address."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from layan.channels.mailgateway import GatewayUnavailable, gateway_controller


class Command(BaseCommand):
    help = (
        "Jalankan gerbang SMTP (aiosmtpd) yang menerima surel pengaduan untuk alamat LAYAN_REPORT_EMAIL. "
        "Setiap surel disimpan mentah sebelum dijawab 250; penerima lain ditolak 550. Arahkan MX atau relai "
        "server surel instansi ke host dan port ini."
    )

    def add_arguments(self, parser):
        config = settings.LAYAN_CHANNELS.get("email", {})
        parser.add_argument("--host", default=config.get("gateway_host", "127.0.0.1"), help="alamat yang didengar")
        parser.add_argument("--port", type=int, default=config.get("gateway_port", 2525), help="port SMTP")

    def handle(self, *args, host, port, **options):
        try:
            controller = gateway_controller(host, port)
        except GatewayUnavailable as exc:
            raise CommandError(str(exc)) from None
        stopped = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stopped.set())
        try:
            controller.start()
        except Exception as exc:  # noqa: BLE001  port taken, address not available: say it plainly
            raise CommandError(_("Gerbang surel tidak dapat dijalankan: %(why)s") % {"why": exc}) from None
        addresses = ", ".join(sorted(controller.handler.addresses))
        self.stdout.write(
            _("Gerbang surel mendengarkan di %(host)s:%(port)s untuk %(addresses)s.")
            % {"host": host, "port": port, "addresses": addresses}
        )
        self.stdout.flush()
        try:
            stopped.wait()
        finally:
            controller.stop()
            self.stdout.write(_("Gerbang surel berhenti."))
