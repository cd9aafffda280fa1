"""Fixtures of the channel tests: a local HTTP server that stands in for the providers' APIs (Graph API, Telegram
Bot API, Twilio, an SMS gateway) and records every request Layan makes to it."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict:
        from urllib.parse import parse_qs

        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class ProviderRecorder:
    """What the fake provider answers (``responses`` per path prefix: a list of (status, body, content type) used
    in order, the last one repeating) and what it received (``requests``)."""

    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    responses: dict[str, list[tuple[int, bytes, str]]] = field(default_factory=dict)
    default: tuple[int, bytes, str] = (200, b'{"ok": true}', "application/json")
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, prefix: str, status: int, body, content_type: str = "application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode() if not isinstance(body, str) else body.encode()
        self.responses.setdefault(prefix, []).append((status, body, content_type))

    def next_response(self, path: str):
        with self.lock:
            for prefix in sorted(self.responses, key=len, reverse=True):
                if path.startswith(prefix):
                    queue = self.responses[prefix]
                    return queue.pop(0) if len(queue) > 1 else queue[0]
            return self.default

    def to(self, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith(prefix)]


@pytest.fixture
def provider_api():
    """A recording HTTP server on 127.0.0.1; point a provider's API URL setting at ``provider_api.url``."""
    recorder = ProviderRecorder()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recorder.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))
            status, payload, content_type = recorder.next_response(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
