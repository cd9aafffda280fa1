from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks database backend) on every Layan queue."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="process what is queued, then exit")

    def handle(self, *args, interval, batch, **options):
        queues = ",".join(settings.TASKS["default"]["QUEUES"])
        call_command(
            "db_worker", queue_name=queues, interval=interval, batch=batch, reload=False, startup_delay=not batch
        )
