from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from layan.core.services import RegionFileError, default_regions_file, load_regions


class Command(BaseCommand):
    help = "Load administrative regions (Kemendagri codes) from the region CSV (plain or .gz). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help=f"default: {default_regions_file()}")
        parser.add_argument("--province", help="only this province code, e.g. 35")

    def handle(self, *args, file=None, province=None, **options):
        path = file or default_regions_file()
        if not path.exists():
            raise CommandError(f"Region file not found: {path}")
        try:
            result = load_regions(path, province=province)
        except RegionFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Regions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
