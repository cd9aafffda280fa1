import datetime as dt

from django.core.management.base import BaseCommand

from layan.webhooks.services import redrive


class Command(BaseCommand):
    help = (
        "Queue again webhook deliveries whose next attempt is long overdue (a worker stopped after claiming "
        "one). Safe to run at any time: an attempt is claimed atomically and never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15, help="overdue by at least this many minutes")

    def handle(self, *args, minutes, **options):
        count = redrive(dt.timedelta(minutes=minutes))
        self.stdout.write(f"{count} webhook deliveries queued again")
