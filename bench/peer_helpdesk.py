"""Benchmark of Layan's intake against a peer: django-helpdesk's ticket creation, over the same real HTTP stack.

    python -m bench.peer_helpdesk [--database sqlite|postgres|both] [--connections 4] [--requests 2000]
                                  [--seconds 30] [--rounds 2] [--threads 4] [--helpdesk-version 2.6.1]

django-helpdesk (https://github.com/django-helpdesk/django-helpdesk) is the most used open-source ticket tracker
built on Django. The benchmark installs it from PyPI into its own virtual environment on first use (under
``$XDG_CACHE_HOME/layan-bench``, default ``~/.cache/layan-bench``; later runs reuse it), with the same waitress
and psycopg versions as Layan's, generates a minimal Django project for it in a temporary folder (settings, URLs,
a setup and a tally script: nothing of helpdesk's is copied here), and serves it with the same waitress settings
on a fresh database of the same engine, with the same database options (SQLite WAL and IMMEDIATE transactions,
persistent connections).

Layan: ``POST /api/v1/reports/`` with an API key, as in ``bench.intake_bench``. Helpdesk: ``POST /api/tickets/``
(its REST API; it admits staff users only) authenticated with DRF's token authentication (one indexed lookup
per request, like Layan's API key), into one queue; the same complaints as title and description, the reporter's
e-mail as ``submitter_email`` where the Layan body has one. Helpdesk renders the e-mails of a new ticket in the
request (to the submitter and the queue's copies) through ``send_templated_mail``; the project uses Django's dummy
e-mail backend, so they are rendered but not sent (Layan queues its notification as a task, sent by the worker).
The targets alternate in rounds, with the same client processes and connection count; afterwards every 201 is
checked against the rows stored. The ratio column is the target's cost relative to helpdesk's ticket creation.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from bench.intake_bench import (
    PROXY_HEADERS,
    Layan,
    Row,
    Server,
    Target,
    add_common_arguments,
    bodies_needed,
    check_stored,
    describe_run,
    engines,
    free_port,
    fresh_database,
    machine,
    print_table,
    report_bodies,
    report_checks,
    run_rounds,
    waitress,
)

HELPDESK_VERSION = "2.6.1"
CONN_MAX_AGE = 60  # persistent connections checked before reuse, as Layan's production settings run them
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layan-bench"


def helpdesk_python(helpdesk_version: str) -> Path:
    """The interpreter of a virtual environment with django-helpdesk, made on first use and reused after."""
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    venv = CACHE / f"helpdesk-{helpdesk_version}-{tag}"
    python = venv / "bin" / "python"
    stamp = venv / "installed.txt"
    if stamp.exists():
        return python
    print(f"  installing django-helpdesk {helpdesk_version} into {venv} (once)", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    requirements = [
        f"django-helpdesk=={helpdesk_version}",
        f"waitress=={version('waitress')}",  # the same server as Layan's
        f"psycopg[binary]=={version('psycopg')}",
    ]
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *requirements], capture_output=True, text=True, check=False
    )
    if installed.returncode:
        raise RuntimeError(f"pip install {' '.join(requirements)} failed:\n{installed.stderr[-4000:]}")
    frozen = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    stamp.write_text(frozen.stdout)
    return python


# The generated project. Django's default middleware stack (what `startproject` gives), plus the locale
# middleware that Layan also runs.
SETTINGS = """
import json
import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdbench_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": json.loads(os.environ["HDBENCH_DATABASE"])}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
STATIC_URL = "static/"
MEDIA_ROOT = os.environ["HDBENCH_MEDIA"]
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@bench.localhost"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
HELPDESK_TEAMS_MODE_ENABLED = False  # teams need pinax-teams, an optional extra
LOGIN_URL = "helpdesk:login"
"""

URLS = """
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""

SETUP = '''
"""prepare: migrate, one staff user with a token, one queue; tally: the ids of the tickets stored."""
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench_settings")
import django

django.setup()
from django.core.management import call_command

if sys.argv[1] == "prepare":
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_user("petugas", "petugas@bench.localhost", is_staff=True)
    queue = Queue.objects.create(title="Keluhan", slug="keluhan", email_address="keluhan@bench.localhost")
    print(json.dumps({"token": Token.objects.create(user=user).key, "queue": queue.pk}))
else:
    from helpdesk.models import Ticket

    print(json.dumps({"ticket_ids": list(Ticket.objects.values_list("pk", flat=True))}))
'''


def django_database(url: str) -> dict:
    """The DATABASES entry for ``url``, with the options Layan's settings give the same engine."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": parts.path,
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "",
        "PORT": parts.port or "",
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
    }


@dataclass
class Helpdesk:
    """django-helpdesk in its own environment and generated project, on one fresh database."""

    python: Path
    database_url: str
    workdir: Path
    threads: int
    port: int = field(default_factory=free_port)
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        self.project = self.workdir / "project"
        self.project.mkdir(parents=True, exist_ok=True)
        for name, text in (("hdbench_settings.py", SETTINGS), ("hdbench_urls.py", URLS), ("hdbench_setup.py", SETUP)):
            (self.project / name).write_text(text.lstrip())
        (self.workdir / "media").mkdir(exist_ok=True)

    @property
    def env(self) -> dict:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        return {
            **{k: os.environ[k] for k in keep if k in os.environ},
            "PYTHONPATH": str(self.project),
            "DJANGO_SETTINGS_MODULE": "hdbench_settings",
            "SECRET_KEY": "helpdesk-bench-" + "x" * 40,
            "HDBENCH_DATABASE": json.dumps(django_database(self.database_url)),
            "HDBENCH_MEDIA": str(self.workdir / "media"),
        }

    def run(self, step: str) -> dict:
        result = subprocess.run(
            [str(self.python), "hdbench_setup.py", step],
            env=self.env,
            cwd=self.project,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"helpdesk {step} failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def setup(self) -> dict:
        self.info = self.run("prepare")
        return self.info

    def server(self) -> Server:
        command = waitress(str(self.python), "django.core.wsgi:get_wsgi_application", self.port, self.threads)
        command.insert(-1, "--call")
        return Server(command, self.env, self.project, self.workdir / "server.log", self.port)

    def target(self) -> Target:
        headers = {**PROXY_HEADERS, "Authorization": f"Token {self.info['token']}", "Content-Type": "application/json"}
        return Target("helpdesk", self.port, "/api/tickets/", headers, "id")

    def bodies(self, layan_bodies: list[bytes]) -> list[bytes]:
        """The same complaints as tickets: title, description, and the reporter's e-mail as the submitter."""
        tickets = []
        for raw in layan_bodies:
            report = json.loads(raw)
            ticket = {
                "queue": self.info["queue"],
                "title": report["title"],
                "description": report["description"],
                "submitter_email": (report.get("reporter") or {}).get("email", ""),
                "priority": 3,
            }
            tickets.append(json.dumps(ticket, ensure_ascii=False).encode())
        return tickets


def run_database(engine: str, python: Path, args) -> list[Row]:
    with fresh_database(engine, "intake", keep=args.keep) as layan_url:
        with fresh_database(engine, "intake_helpdesk", keep=args.keep) as helpdesk_url:
            workdir = Path(tempfile.mkdtemp(prefix="layan-peer-"))
            try:
                layan = Layan(layan_url, workdir / "layan", args.threads)
                layan.workdir.mkdir()
                helpdesk = Helpdesk(python, helpdesk_url, workdir / "helpdesk", args.threads)
                started = time.perf_counter()
                info = layan.setup(args.router_rows)
                helpdesk.setup()
                print(
                    f"  {engine}: databases ready in {time.perf_counter() - started:.0f} s (Layan's routing model: "
                    f"{info['router']}), logs under {workdir}",
                    flush=True,
                )
                bodies = report_bodies(bodies_needed(args), info)
                layan_target = Target("layan", layan.port, "/api/v1/reports/", layan.headers(), "tracking_number")
                with layan.server(), helpdesk.server():
                    totals = run_rounds(
                        [helpdesk.target(), layan_target],
                        {"layan": bodies, "helpdesk": helpdesk.bodies(bodies)},
                        args,
                    )
                problems = check_stored("helpdesk", totals["helpdesk"].ok_ids, helpdesk.run("tally")["ticket_ids"])
                problems += check_stored(
                    "layan", totals["layan"].ok_ids, layan.tally()["api_tracking_numbers"], info["api_reports_before"]
                )
                stored = f"{len(totals['helpdesk'].ok_ids)} tickets and {len(totals['layan'].ok_ids)} reports"
                report_checks(engine, problems, stored)
                peer = Row(engine, f"helpdesk {args.helpdesk_version} ticket", totals["helpdesk"])
                return [peer, Row(engine, "layan intake", totals["layan"], baseline=peer)]
            finally:
                if not args.keep:
                    shutil.rmtree(workdir, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--helpdesk-version", default=HELPDESK_VERSION)
    args = parser.parse_args(argv)
    python = helpdesk_python(args.helpdesk_version)
    print(describe_run(args), flush=True)
    rows = []
    for engine in engines(args):
        rows += run_database(engine, python, args)
    print_table([row.cells() for row in rows])
    print(f"after the run: {machine()}")


if __name__ == "__main__":
    main()
