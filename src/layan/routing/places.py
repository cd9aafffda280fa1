"""Where a report happened, as the suggestion models see it: the names of its region and the regions above it,
and the district (kecamatan) or village (desa/kelurahan) office that serves it.

Some reports belong to the office of the place where they happened; the models learn that as one label per kind
of office ("@kecamatan", "@desa") and it is resolved back here for each report.
"""

from functools import lru_cache

from layan.core.models import Agency, Region

# place-relative labels of the models -> the kind of office they mean (a CSV's "@kelurahan" is a desa office)
PLACE_LABELS = {
    "@kecamatan": Agency.Kind.KECAMATAN,
    "@kec": Agency.Kind.KECAMATAN,
    "@distrik": Agency.Kind.KECAMATAN,
    "@desa": Agency.Kind.DESA,
    "@kelurahan": Agency.Kind.DESA,
    "@kel": Agency.Kind.DESA,
}
LABEL_FOR_KIND = {Agency.Kind.KECAMATAN: "@kecamatan", Agency.Kind.DESA: "@desa"}


def ancestor_codes(code: str) -> list[str]:
    """``35.78.05.1001`` -> the codes of it and every region above it, nearest first (as Region.ancestor_codes)."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


@lru_cache(maxsize=8192)
def place_names(code: str | None) -> tuple[str, ...]:
    """The names of region ``code`` and the regions above it, widest first: ("Jawa Timur", "Kota Surabaya",
    "Tegalsari", "Dr. Soetomo"). Cached per process: region names are reference data that hardly ever change."""
    if not code:
        return ()
    codes = ancestor_codes(code)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return tuple(names[c] for c in reversed(codes) if c in names)


def names_for_codes(codes) -> dict[str, tuple[str, ...]]:
    """:func:`place_names` for many regions at once (training): one query per 500 ancestor codes."""
    wanted = sorted({a for code in codes if code for a in ancestor_codes(code)})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        names.update(Region.objects.filter(code__in=wanted[start : start + 500]).values_list("code", "name"))
    return {code: tuple(names[c] for c in reversed(ancestor_codes(code)) if c in names) for code in codes if code}


def office_id_for(region_code: str | None, kind: str) -> int | None:
    """The id of the active office of ``kind`` (kecamatan or desa) serving ``region_code``: the one serving the
    nearest region at or above it (the longest code), as ``reports.services.admin_agency_for`` finds the admin
    desk. One query."""
    if not region_code:
        return None
    served = Agency.regions.through.objects.filter(
        region_id__in=ancestor_codes(region_code), agency__is_active=True, agency__kind=kind
    ).values_list("region_id", "agency_id")
    nearest = max(served, key=lambda pair: (len(pair[0]), -pair[1]), default=None)
    return nearest[1] if nearest else None


def offices_by_region() -> dict[str, dict[int, set[str]]]:
    """For training: kind -> {office id: the region codes it serves}, for every kecamatan and desa office."""
    result: dict[str, dict[int, set[str]]] = {kind: {} for kind in LABEL_FOR_KIND}
    rows = Agency.regions.through.objects.filter(agency__kind__in=list(LABEL_FOR_KIND)).values_list(
        "agency_id", "agency__kind", "region_id"
    )
    for agency_id, kind, region_id in rows:
        result[kind].setdefault(agency_id, set()).add(region_id)
    return result


def place_label(agency_id: int, kind: str, region_code: str | None, offices: dict) -> str | None:
    """ "@kecamatan"/"@desa" if the agency is the office of its kind serving the report's own place, else None."""
    if kind not in LABEL_FOR_KIND or not region_code:
        return None
    served = offices.get(kind, {}).get(agency_id, set())
    if served.intersection(ancestor_codes(region_code)):
        return LABEL_FOR_KIND[kind]
    return None
