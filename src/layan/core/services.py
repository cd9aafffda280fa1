"""Domain logic for reference data: loading regions, finding agencies for a place."""

import csv
import gzip
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Agency, Region
from .regions import level_for_code, parent_code, timezone_for_code

log = logging.getLogger(__name__)

PACKAGED_REGIONS_FILE = Path(__file__).parent / "data" / "wilayah_kemendagri_2025.csv.gz"
LEVEL_ALIASES = {
    "provinsi": "provinsi",
    "kabkota": "kabkota",
    "kecamatan": "kecamatan",
    "desa": "desa",
    "desa_kelurahan": "desa",
    "kelurahan": "desa",
}


def default_regions_file() -> Path:
    if settings.LAYAN_REGIONS_FILE:
        return Path(settings.LAYAN_REGIONS_FILE)
    return PACKAGED_REGIONS_FILE


@dataclass
class RegionLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RegionFileError(ValueError):
    pass


def read_region_rows(path: Path, province: str | None = None) -> list[tuple[str, str, str]]:
    """Parse the region file into (code, name, level) rows, parents before children.

    Raises RegionFileError naming the line for a row whose code, level or parent does not fit.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        missing = {"kode", "nama", "level"} - set(reader.fieldnames or [])
        if missing:
            raise RegionFileError(f"{path}: missing columns {sorted(missing)}")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            code, name = row["kode"].strip(), row["nama"].strip()
            level = LEVEL_ALIASES.get(row["level"].strip())
            if province and code.split(".")[0] != province:
                continue
            if not code or not name or level is None or level != level_for_code(code):
                raise RegionFileError(f"{path}:{lineno}: bad region row {row!r}")
            if (row.get("kode_induk") or "").strip() not in ("", parent_code(code)):
                raise RegionFileError(f"{path}:{lineno}: parent {row['kode_induk']!r} does not match code {code}")
            rows.append((code, name, level))
    rows.sort(key=lambda r: (r[0].count("."), r[0]))
    return rows


def load_regions(path: Path | None = None, province: str | None = None, batch_size: int = 5000) -> RegionLoadResult:
    """Insert or update regions from the Kemendagri file; running it again changes nothing."""
    path = Path(path) if path else default_regions_file()
    rows = read_region_rows(path, province)
    result = RegionLoadResult()
    with transaction.atomic():
        existing = dict(Region.objects.values_list("code", "name"))
        new, changed = [], []
        for code, name, level in rows:
            if code not in existing:
                new.append(
                    Region(
                        code=code, name=name, level=level, parent_id=parent_code(code), timezone=timezone_for_code(code)
                    )
                )
            elif existing[code] != name:
                changed.append(Region(code=code, name=name))
            else:
                result.unchanged += 1
        codes = set(existing) | {r.code for r in new}
        orphans = [r.code for r in new if r.parent_id and r.parent_id not in codes]
        if orphans:
            raise RegionFileError(f"{len(orphans)} regions have no parent in the file, e.g. {orphans[:3]}")
        Region.objects.bulk_create(new, batch_size=batch_size)
        Region.objects.bulk_update(changed, ["name"], batch_size=batch_size)
    result.created, result.updated = len(new), len(changed)
    log.info("regions loaded from %s: %s", path, result)
    return result


def agencies_serving(region: Region, kinds=None):
    """Agencies whose service area contains ``region`` (directly or through a region above it)."""
    qs = Agency.objects.filter(is_active=True, regions__code__in=region.ancestor_codes).distinct()
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs
