"""Administrative regions (wilayah) and their Kemendagri codes.

Codes are dotted: ``35`` (province, provinsi), ``35.78`` (regency/city, kabupaten/kota), ``35.78.01``
(district, kecamatan), ``35.78.01.1001`` (village, desa/kelurahan). The province decides the time zone:
WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9).
"""

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"

# Province code -> IANA time zone (UU / Keppres 41/1987 on Indonesia's three time zones).
PROVINCE_TIMEZONES = {
    **{code: WIB for code in ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21")},  # Sumatra
    **{code: WIB for code in ("31", "32", "33", "34", "35", "36")},  # Java
    "61": WIB,  # Kalimantan Barat
    "62": WIB,  # Kalimantan Tengah
    **{code: WITA for code in ("51", "52", "53")},  # Bali, NTB, NTT
    **{code: WITA for code in ("63", "64", "65")},  # Kalimantan Selatan, Timur, Utara
    **{code: WITA for code in ("71", "72", "73", "74", "75", "76")},  # Sulawesi
    **{code: WIT for code in ("81", "82")},  # Maluku, Maluku Utara
    **{code: WIT for code in ("91", "92", "93", "94", "95", "96")},  # Papua provinces
}

TIMEZONE_ABBREVIATIONS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


# The common local-government office hours: Monday-Thursday 07.30-16.00, Friday 07.30-16.30
# (0 = Monday ... 6 = Sunday; a day without an entry is closed).
DEFAULT_WORKING_HOURS = {
    "0": ["07:30", "16:00"],
    "1": ["07:30", "16:00"],
    "2": ["07:30", "16:00"],
    "3": ["07:30", "16:00"],
    "4": ["07:30", "16:30"],
}


def timezone_for_code(code: str) -> str:
    """The IANA time zone of the region with this Kemendagri code (decided by its province)."""
    return PROVINCE_TIMEZONES.get(code[:2], WIB)


def level_for_code(code: str) -> str:
    """The region level implied by the shape of a dotted Kemendagri code."""
    return {1: "provinsi", 2: "kabkota", 3: "kecamatan", 4: "desa"}[code.count(".") + 1]


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None
