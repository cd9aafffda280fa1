import importlib
import os
import subprocess
import sys

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from layan.core.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create or migrate the database, load the regions and demo data, then serve Layan with a task worker. "
        "Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--data-dir",
            help="where the SQLite database, uploads and secret key live "
            "(default ./var or $LAYAN_DATA_DIR); read by the `layan` command before start-up",
        )
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and stop")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background task worker")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, port, host, no_serve, no_worker, threads, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        call_command("load_regions", stdout=self.stdout)
        self.seed()
        url = f"http://{host}:{port}/"
        self.print_welcome(url)
        if no_serve:
            return
        worker = None if no_worker else self.start_worker()
        try:
            from waitress import serve

            from layan.wsgi import application

            serve(application, host=host, port=port, threads=threads, ident="Layan")
        except KeyboardInterrupt:
            pass
        finally:
            if worker:
                worker.terminate()
                worker.wait(timeout=10)

    def seed(self):
        """Run each Layan app's ``demo.seed()`` in the order of INSTALLED_APPS (core first)."""
        for app in apps.get_app_configs():
            if not app.name.startswith("layan."):
                continue
            try:
                module = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.demo":
                    raise
                continue
            summary = module.seed()
            self.stdout.write(f"Demo data ({app.label}): {summary}")

    def start_worker(self):
        cmd = [sys.executable, "-m", "layan", "worker"]
        self.stdout.write("Starting the task worker: " + " ".join(cmd))
        return subprocess.Popen(cmd, env=os.environ.copy())

    def print_welcome(self, url):
        line = "=" * 72
        self.stdout.write(self.style.SUCCESS(f"\n{line}\nLayan demo: {url}\n{line}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<28} {what}")
        self.stdout.write(f"Admin: {url}admin/   (login: sysadmin)\n")
