"""NIK (Nomor Induk Kependudukan), the 16-digit national identity number.

Structure (DOMAIN.md section 6): digits 1-2 province, 3-4 regency/city, 5-6 district (Kemendagri codes of
the place of first registration), 7-12 birth date DDMMYY with 40 added to DD for women, 13-16 a serial from
0001. There is no check digit, so a valid NIK is one whose region is real, whose date exists and whose serial
is not zero.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIK_RE = re.compile(r"^\d{16}$")


@dataclass(frozen=True)
class NikInfo:
    district_code: str  # dotted, e.g. "35.78.01"
    birth_day: int
    birth_month: int
    birth_year_2digits: int
    female: bool
    serial: int


def parse_nik(value: str) -> NikInfo:
    """Split a NIK into its parts, raising ValidationError for a wrong shape or an impossible date.

    The region is not checked here (see :func:`validate_nik`), so this works without a database.
    """
    nik = (value or "").strip().replace(" ", "")
    if not NIK_RE.match(nik):
        raise ValidationError(_("NIK harus terdiri dari 16 angka."), code="nik_length")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    if not _date_exists(day, month, year):
        raise ValidationError(_("Tanggal lahir dalam NIK tidak valid."), code="nik_date")
    serial = int(nik[12:16])
    if serial == 0:
        raise ValidationError(_("Nomor urut dalam NIK tidak boleh 0000."), code="nik_serial")
    district = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    return NikInfo(district, day, month, year, female, serial)


def _date_exists(day: int, month: int, yy: int) -> bool:
    # The century is ambiguous: accept the date if it exists in either 19yy or 20yy (29 Feb needs a leap year).
    for century in (1900, 2000):
        try:
            datetime.date(century + yy, month, day)
            return True
        except ValueError:
            continue
    return False


def validate_nik(value: str) -> None:
    """Django validator: the NIK's structure, date and serial, and that its district exists in the region data."""
    info = parse_nik(value)
    from .models import Region

    if not Region.objects.filter(code=info.district_code, level=Region.Level.KECAMATAN).exists():
        raise ValidationError(
            _("Kode wilayah %(code)s dalam NIK tidak dikenal."),
            code="nik_region",
            params={"code": info.district_code},
        )
