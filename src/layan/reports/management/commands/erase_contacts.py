from django.core.management.base import BaseCommand

from layan.reports.privacy import erase_due_contacts


class Command(BaseCommand):
    help = (
        "Erase reporters' contact details that are due: anonymous reporters' once their report is closed, everyone "
        "else's LAYAN_CONTACT_RETENTION_DAYS after closure (the worker also runs this with the deadline sweep)."
    )

    def handle(self, *args, **options):
        total = 0
        while erased := erase_due_contacts():
            total += erased
        self.stdout.write(f"{total} citizen contact(s) erased")
