"""Shared fixtures: a small slice of real regions and the demo agencies, built by the tests themselves."""

import pytest

REGION_ROWS = [
    ("35", "Jawa Timur"),
    ("35.78", "Kota Surabaya"),
    ("35.78.05", "Tegalsari"),
    ("35.78.05.1001", "Tegalsari"),
    ("35.78.05.1002", "Dr. Soetomo"),
    ("35.78.08", "Gubeng"),
    ("35.78.08.1001", "Gubeng"),
    ("35.78.12", "Pabean Cantian"),
    ("35.78.13", "Bubutan"),
    ("35.78.15", "Krembangan"),
    ("35.78.16", "Semampir"),
    ("35.78.17", "Kenjeran"),
    ("35.23", "Kabupaten Tuban"),
    ("35.23.15", "Semanding"),
    ("35.23.15.2009", "Bektiharjo"),
    ("35.23.16", "Tuban"),
    ("51", "Bali"),
    ("51.71", "Kota Denpasar"),
    ("51.71.01", "Denpasar Selatan"),
    ("91", "Papua"),
    ("91.71", "Kota Jayapura"),
    ("91.71.01", "Jayapura Utara"),
]


def make_regions():
    from layan.core.models import Region
    from layan.core.regions import level_for_code, parent_code, timezone_for_code

    for code, name in REGION_ROWS:
        Region.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, level=level_for_code(code), parent_id=parent_code(code), timezone=timezone_for_code(code)
            ),
        )


@pytest.fixture
def regions(db):
    make_regions()


@pytest.fixture
def demo_agencies(regions):
    """The demo agencies and staff (one login per role per agency), as ``layan demo`` creates them."""
    from layan.core.demo import seed_reference_data

    return seed_reference_data()


@pytest.fixture
def staff(demo_agencies):
    """Look up a demo staff user by username, e.g. ``staff("penghubung.dlh-sby")``."""
    from layan.core.models import User

    return lambda username: User.objects.get(username=username)


# --- Layan as a real server process -----------------------------------------------------------------------------


def _database_url(settings_dict) -> str:
    """A DATABASE_URL for the database the running test uses (its test database, not the configured one)."""
    from urllib.parse import quote

    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"])
    if engine.endswith("sqlite3"):
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("layan_server needs the SQLite test database in a file (see layan.settings.test)")
        return f"sqlite:///{name}"
    if engine.endswith(("postgresql", "postgis")):
        user, password = quote(settings_dict.get("USER") or "", safe=""), settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
        host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
        return f"postgres://{auth}{host}:{port}/{quote(name, safe='')}"
    raise RuntimeError(f"layan_server does not know how to pass on {engine}")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(process, host: str, port: int, log_path, timeout: float = 60) -> None:
    """Until the server answers any HTTP request; fails at once, with its log, if the process dies."""
    import http.client
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"layan_server exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        connection = http.client.HTTPConnection(host, port, timeout=5)
        try:
            connection.request("HEAD", "/")
            connection.getresponse()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"layan_server did not answer within {timeout} s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture
def layan_server_env():
    """Extra environment variables for the ``layan_server`` process. Override this fixture in a test module (or
    parametrize it indirectly) to give the server settings of its own, e.g. a channel's webhook secret."""
    return {}


@pytest.fixture
def layan_server(transactional_db, layan_server_env, tmp_path_factory):
    """Layan running as a real server process (waitress, ``layan.wsgi``) on a free loopback port, against the
    test database of the running test; yields its base URL, e.g. ``http://127.0.0.1:40123`` (no trailing slash).

    For clients nobody here wrote, and for anything that must cross a real HTTP stack (webhooks of SMS and
    WhatsApp providers, Open311 apps). Because the server is another process, the test must commit what it
    wants it to see: this fixture brings in ``transactional_db`` (mark the test
    ``@pytest.mark.django_db(transaction=True)`` too), and the test process may read and change the database
    while the server runs (e.g. a staff action through ``workflow.perform``) and see the server's writes.

    The server runs the demo settings with: the test's DATABASE_URL, the same SECRET_KEY (signed values agree
    both ways) and MEDIA_ROOT, ``LAYAN_PUBLIC_URL`` = its own URL, tasks run at once
    (``TASKS_BACKEND`` immediate), mail written to files under its data directory, the flood limits of forms and
    webhooks (``RATE_LIMIT_*``) out of the way; ``layan_server_env`` adds or overrides variables. Its output goes
    to ``server.log`` next to that directory, printed at the end of the test (pytest shows it when the test fails).
    Stopped (SIGTERM, then SIGKILL) after the test."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    workdir = tmp_path_factory.mktemp("layan-server")
    log_path = workdir / "server.log"
    host, port = "127.0.0.1", _free_port()
    base_url = f"http://{host}:{port}"
    src = str(Path(__file__).resolve().parent / "src")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "layan.settings.demo",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "SECRET_KEY": settings.SECRET_KEY,
        "LAYAN_DATA_DIR": str(workdir / "data"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LAYAN_PUBLIC_URL": base_url,
        "ALLOWED_HOSTS": f"{host},localhost",
        "DEBUG": "false",
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        # the flood limits of forms and webhooks (layan.core.ratelimit) count every test client as one address;
        # a test of those limits sets its own rates through layan_server_env
        "RATE_LIMIT_REPORT_FORM": "100000/hour",
        "RATE_LIMIT_FOLLOW": "100000/hour",
        "RATE_LIMIT_FOLLOW_ADDRESS": "100000/day",
        "RATE_LIMIT_CHANNEL_WEBHOOK": "100000/minute",
        **layan_server_env,
    }
    command = [sys.executable, "-m", "waitress", f"--listen={host}:{port}", "--threads=4", "layan.wsgi:application"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(workdir))
    try:
        _wait_until_answering(process, host, port, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"--- layan_server log ({log_path}) ---\n{log_path.read_text(errors='replace')[-8000:]}")


@pytest.fixture(autouse=True)
def _indonesian_by_default():
    """Every test starts in the default language (Bahasa Indonesia), whatever an earlier test left active in
    this thread (a response in English, a ``translation.activate`` in code under test)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (layan.core.ratelimit, the API's throttles) live in the cache: every test starts from
    zero, so tests that post many forms from one test client do not trip the limits of earlier tests."""
    from django.core.cache import cache

    cache.clear()
    yield
