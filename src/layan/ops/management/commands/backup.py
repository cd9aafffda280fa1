"""``layan backup [FILE]``: the database and the attachments in one .tar.gz (see :mod:`layan.ops.backup`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from layan.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the attachments into one .tar.gz with a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", help="archive to write (default layan-backup-<time>.tar.gz here)")
        parser.add_argument(
            "--method",
            choices=["auto", "native", "json"],
            default="auto",
            help="native: SQLite's backup API or pg_dump; json: every table as JSON lines (auto: native if possible)",
        )

    def handle(self, *args, output, method, **options):
        path = Path(output or f"layan-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = create_backup(path, method=method)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup written: {path} ({manifest['vendor']}, {manifest['method']}; {len(manifest['tables'])} tables, "
            f"{rows} rows, {len(manifest['media'])} files)"
        )
