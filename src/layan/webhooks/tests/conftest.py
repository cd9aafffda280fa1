"""A real HTTP receiver on 127.0.0.1 (http.server in a thread) that records every request and answers from a
script of status codes, and helpers to make reports and subscriptions."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from layan.core.models import Agency, Region
from layan.reports.services import NewReport, ReporterInfo, submit_report
from layan.reports.workflow import Actor, perform
from layan.webhooks.hooks import CACHE_KEY
from layan.webhooks.models import EventType
from layan.webhooks.services import create_subscription


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list = field(default_factory=list)
    script: list = field(default_factory=list)  # status codes to answer, in order; 200 once it runs out
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else 200


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = state.next_status()
            answer = f"status {status}".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fresh_cache():
    """The 'any active subscription' answer is cached across tests, whose data is rolled back."""
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def agency(slug) -> Agency:
    return Agency.objects.get(slug=slug)


def subscribe(slug, url, events=None, **kwargs):
    return create_subscription(
        agency=agency(slug), name=f"Sistem {slug}", target_url=url, events=events or list(EventType.values), **kwargs
    )


def new_report(privacy="publik", name="Siti Aminah", phone="081234567890", email="siti@example.com"):
    return submit_report(
        NewReport(
            title="Saluran tersumbat di Jl. Tegalsari",
            description="Air meluap ke jalan setiap hujan deras.",
            region=Region.objects.get(code="35.78.05.1001"),
            privacy=privacy,
        ),
        reporter=ReporterInfo(name=name, phone=phone, email=email),
    )


def dispatch(report, user, *slugs):
    perform(report, "verify", Actor(user=user), agencies=[agency(s) for s in slugs])
    report.refresh_from_db()
    return report
