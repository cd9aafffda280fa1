"""``layan restore FILE [--force]``: put back a ``layan backup`` archive (see :mod:`layan.ops.backup`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from layan.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a `layan backup` archive into this (empty) instance; --force replaces whatever it holds."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a non-empty instance (it is lost: back it up)"
        )

    def handle(self, *args, archive, force, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            manifest = restore_backup(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored {path}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} files "
            f"(backup of {manifest['created']}); every checksum and row count matches."
        )
