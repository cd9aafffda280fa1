"""Reading an old system's export for ``layan.reports.importer``: a CSV file (UTF-8 with or without BOM, or the
Windows code page Excel uses; comma, semicolon or tab separated, as Excel writes it in an Indonesian locale) or an
XLSX workbook (its first sheet). The first row holds the column names; rows are numbered as the user sees them in
the spreadsheet (header = row 1), so an error message points at the right line.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)


class ImportFileError(Exception):
    """The file as a whole cannot be used (unreadable, no header, missing columns); ``message`` is for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number as the user sees it, cells)


def guess_format(filename: str, content: bytes) -> str:
    """XLSX is a zip archive; anything else is taken for CSV. The name's extension wins when it says which."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return XLSX
    if name.endswith((".csv", ".txt")):
        return CSV
    return XLSX if content[:4] == b"PK\x03\x04" else CSV


def read_table(content: bytes, fmt: str) -> Table:
    if fmt not in FORMATS:
        raise ImportFileError(_("Format berkas harus csv atau xlsx."))
    rows = _xlsx_rows(content) if fmt == XLSX else _csv_rows(content)
    numbered = [(number, list(cells)) for number, cells in enumerate(rows, start=1)]
    if not numbered or not any(_filled(cell) for cell in numbered[0][1]):
        raise ImportFileError(_("Baris pertama berkas harus berisi nama kolom."))
    headers = ["" if cell is None else str(cell).strip() for cell in numbered[0][1]]
    body = [(number, cells) for number, cells in numbered[1:] if any(_filled(cell) for cell in cells)]
    return Table(headers=headers, rows=body)


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _decode(content: bytes) -> str:
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("Berkas ini bukan CSV. Simpan sebagai CSV (UTF-8) atau unggah berkas XLSX."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # "CSV (dipisahkan koma)" from Excel on Windows is written in the ANSI code page
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(_("Berkas CSV tidak dapat dibaca. Simpan sebagai CSV UTF-8.")) from None


def _delimiter(first_line: str) -> str:
    """Excel in an Indonesian (or any comma-decimal) locale separates with semicolons; exports may use tabs."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(content: bytes):
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line)))
    except csv.Error as exc:
        raise ImportFileError(_("Berkas CSV rusak: %(error)s") % {"error": exc}) from None


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ImportFileError(_("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel sebagai .xlsx.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
