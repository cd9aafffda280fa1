"""Exports of the non-responders report: CSV, XLSX (openpyxl) and PDF (reportlab), from the rows that
``layan.deadlines.stats.compute`` returns or that a publication stored."""

import csv
import io

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

COLUMNS = [
    ("rank", gettext_lazy("Peringkat")),
    ("name", gettext_lazy("Nama")),
    ("received", gettext_lazy("Diterima")),
    ("on_time_pct", gettext_lazy("Respon pertama tepat waktu (%)")),
    ("first_response_median_h", gettext_lazy("Median respon pertama (jam)")),
    ("first_response_p90_h", gettext_lazy("P90 respon pertama (jam)")),
    ("resolution_median_h", gettext_lazy("Median penyelesaian (jam)")),
    ("resolution_p90_h", gettext_lazy("P90 penyelesaian (jam)")),
    ("overdue_now", gettext_lazy("Terlambat saat ini")),
    ("never_answered", gettext_lazy("Tidak pernah ditanggapi")),
    ("reopen_rate_pct", gettext_lazy("Dibuka kembali (%)")),
    ("avg_rating", gettext_lazy("Rata-rata penilaian")),
]
SECTIONS = [("agencies", gettext_lazy("Instansi")), ("regions", gettext_lazy("Kabupaten/Kota"))]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _cell(value):
    return "" if value is None else value


def title_of(data: dict, label: str) -> str:
    return _("Laporan kinerja tindak lanjut pengaduan: %(period)s") % {"period": label}


def to_csv(data: dict, label: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title_of(data, label)])
    for section, section_label in SECTIONS:
        writer.writerow([])
        writer.writerow([str(section_label)])
        writer.writerow([str(c[1]) for c in COLUMNS])
        for row in data[section]:
            writer.writerow([_cell(row.get(key)) for key, _label in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheet programs read it as UTF-8


def _sheet_title(label: str) -> str:
    """Excel refuses / \\ ? * [ ] : in sheet names and more than 31 characters."""
    for char in "/\\?*[]:":
        label = label.replace(char, "-")
    return label[:31]


def to_xlsx(data: dict, label: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for section, section_label in SECTIONS:
        sheet = workbook.create_sheet(_sheet_title(str(section_label)))
        sheet.append([title_of(data, label)])
        sheet.append([str(c[1]) for c in COLUMNS])
        for row in data[section]:
            sheet.append([row.get(key) for key, _label in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(data: dict, label: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1 * cm,
        rightMargin=1 * cm,
        topMargin=1 * cm,
        bottomMargin=1 * cm,
        title=title_of(data, label),
        author=settings.LAYAN_SITE_NAME,
    )
    story = [Paragraph(title_of(data, label), styles["Title"])]
    story.append(Paragraph(_("Data per %(as_of)s.") % {"as_of": data.get("as_of", "")[:16].replace("T", " ")}, small))
    for section, section_label in SECTIONS:
        story += [Spacer(1, 0.4 * cm), Paragraph(str(section_label), styles["Heading2"])]
        table = [[Paragraph(str(c[1]), small) for c in COLUMNS]]
        table += [[Paragraph(str(_cell(row.get(key))), small) for key, _label in COLUMNS] for row in data[section]]
        if len(table) == 1:
            story.append(Paragraph(_("Tidak ada data."), small))
            continue
        widths = [1.4 * cm, 6.5 * cm] + [1.95 * cm] * (len(COLUMNS) - 2)
        grid = Table(table, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for index, row in enumerate(data[section], start=1):
            if row.get("non_responder"):
                style.append(("BACKGROUND", (0, index), (-1, index), colors.Color(1, 0.9, 0.9)))
        grid.setStyle(TableStyle(style))
        story.append(grid)
    doc.build(story)
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}


def response(data: dict, label: str, fmt: str, filename: str) -> HttpResponse:
    content = WRITERS[fmt](data, label)
    result = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
