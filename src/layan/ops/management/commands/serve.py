"""``layan serve``: the production web server (waitress, a pure-Python WSGI server that needs no compiler and
runs the same on every machine), meant to sit behind a reverse proxy (nginx, Caddy) that terminates TLS.

One process, ``--threads`` threads. Run several processes (one systemd unit each, or ``layan serve`` on several
machines) to use more cores; the database, the shared cache and the task queue hold all the state.
"""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Layan with waitress (production): layan serve --host 127.0.0.1 --port 8000 --threads 8"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="requests served at once (default 8)")
        parser.add_argument(
            "--trusted-proxy",
            default="127.0.0.1",
            help="address of the reverse proxy whose X-Forwarded-For/-Proto/-Host are believed ('' = none); "
            "the client's own address then reaches Layan (throttles, audit, /metrics allow-list)",
        )
        parser.add_argument(
            "--proxy-count", type=int, default=1, help="proxies in front of this server that add X-Forwarded-For"
        )
        parser.add_argument("--connection-limit", type=int, default=1000)
        parser.add_argument("--channel-timeout", type=int, default=120, help="seconds an idle connection is kept")
        parser.add_argument("--max-body-mb", type=int, default=0, help="largest request body (default: attachments)")

    def handle(self, *args, host, port, threads, trusted_proxy, proxy_count, **options):
        from waitress import serve

        from layan.wsgi import application

        max_body = options["max_body_mb"] * 1024 * 1024 or (
            settings.LAYAN_ATTACHMENT_MAX_BYTES * settings.LAYAN_ATTACHMENTS_PER_REPORT + 1024 * 1024
        )
        proxy = {}
        if trusted_proxy:
            proxy = {
                "trusted_proxy": trusted_proxy,
                "trusted_proxy_count": proxy_count,
                "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
                "clear_untrusted_proxy_headers": True,
            }
        self.stdout.write(f"Layan on http://{host}:{port}/ ({threads} threads, settings {settings.SETTINGS_MODULE})")
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="Layan",
            connection_limit=options["connection_limit"],
            channel_timeout=options["channel_timeout"],
            max_request_body_size=max_body,
            **proxy,
        )
