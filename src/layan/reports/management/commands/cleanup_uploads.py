import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from layan.reports.attachments import delete_pending_uploads


class Command(BaseCommand):
    help = (
        "Delete attachments left behind by forms that were never submitted (older than --hours, by default "
        "LAYAN_PENDING_UPLOAD_HOURS). Every `layan worker` also does it each hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None)

    def handle(self, *args, hours, **options):
        hours = settings.LAYAN_PENDING_UPLOAD_HOURS if hours is None else hours
        count = delete_pending_uploads(dt.timedelta(hours=hours))
        self.stdout.write(f"{count} pending uploads deleted.")
