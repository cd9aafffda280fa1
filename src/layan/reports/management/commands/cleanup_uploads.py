import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from layan.reports.models import PendingUpload


class Command(BaseCommand):
    help = "Delete attachments left behind by forms that were never submitted (older than --hours, default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours, **options):
        old = PendingUpload.objects.filter(created_at__lt=timezone.now() - dt.timedelta(hours=hours))
        count = 0
        for upload in old.iterator():
            upload.file.delete(save=False)
            upload.delete()
            count += 1
        self.stdout.write(f"{count} pending uploads deleted.")
