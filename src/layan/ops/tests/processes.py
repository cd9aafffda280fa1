"""Layan's own commands as real processes for the operations tests (``layan serve``, ``layan worker``), each in its
own process group so that a test's teardown stops it and anything it started."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from layan.core.pii import development_key

SRC = str(Path(__file__).resolve().parents[3])


def database_url(settings_dict) -> str:
    """A DATABASE_URL for the database the running test uses (its test database, not the configured one)."""
    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"])
    if engine.endswith("sqlite3"):
        return f"sqlite:///{name}"
    user, password = quote(settings_dict.get("USER") or "", safe=""), settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(name, safe='')}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_available(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def production_env(workdir: Path, **overrides) -> dict:
    """The environment of a production-mode process on loopback (plain HTTP: no HTTPS redirect)."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "layan.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # the test process's own key (the development one unless set): both read the same encrypted rows
        "LAYAN_DATA_KEY": os.environ.get("LAYAN_DATA_KEY") or development_key(),
        "LAYAN_DATA_DIR": str(workdir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


class Process:
    """A started command; ``stop()`` ends its whole process group (SIGTERM, then SIGKILL)."""

    def __init__(self, args: list[str], env: dict, log_path: Path):
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "layan", *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(log_path.parent),
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 10) -> None:
        self.terminate()
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.popen.wait()


def stop_all(processes, timeout: float = 10) -> None:
    """SIGTERM to every process group at once, then wait (SIGKILL for any still running after ``timeout``)."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.stop(timeout=max(deadline - time.monotonic(), 0.1))


class Server(Process):
    def __init__(self, env: dict, workdir: Path, threads: int = 4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        workdir.mkdir(parents=True, exist_ok=True)
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", str(threads)]
        super().__init__(args, env, workdir / "server.log")

    def wait_until_answering(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"layan serve exited with {self.popen.returncode}:\n{self.log()[-4000:]}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        raise RuntimeError(f"layan serve did not answer within {timeout} s:\n{self.log()[-4000:]}")


def get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    host_port = url.split("/")[2]
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    connection = http.client.HTTPConnection(host_port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
