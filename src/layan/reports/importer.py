"""Bulk import of historical reports from an old system's export (CSV or XLSX), all or nothing.

An agency moving to Layan brings its past: years of reports, their answers and outcomes. The file is checked in
full before anything is written; every bad row is listed with its row number, column and reason, and a file with
any bad row imports nothing. A row already imported earlier (same admin agency, same source, same ``nomor_lama``)
is skipped, so running the same file again adds nothing.

Each row goes through the one intake, :func:`layan.reports.services.submit_report`, at its historical time, so it
has a proper timeline and clocks; then :func:`layan.reports.workflow.replay_history` replays its recorded outcome
(verification, dispatch to the listed agencies, the agency's answer, resolution, closing or archiving) at the
historical dates, through the same transition effects as every other change of state. Finished reports end with
every clock stopped (met or late by the historical dates, which the response statistics count) so the deadline
sweep leaves them alone; open ones keep their clocks running from their historical start. Nothing is notified:
no citizen hears today of a report made years ago.

The column format (Indonesian names, English aliases accepted) is :data:`COLUMNS` in ``import_format``; the staff
page shows it and offers :func:`template_csv` for download.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.core import inputs, permissions
from layan.core.models import Agency, Region
from layan.core.regions import WIB
from layan.deadlines.models import Clock, Step

from .import_format import (
    ALIASES,
    ARCHIVE_NAMES,
    CHANNEL_NAMES,
    COLUMN_NAMES,
    COLUMNS,
    NEEDS_AGENCY,
    NEEDS_RESOLUTION,
    PRIVACY_NAMES,
    REQUIRED,
    STATUS_NAMES,
    TYPE_NAMES,
    header_key,
    template_csv,
)
from .import_tables import FORMATS, ImportFileError, Table, guess_format, read_table
from .models import Category, Report, ReportEvent
from .services import NewReport, ReporterInfo, admin_agency_for, submit_report
from .workflow import HistoricalStep, TransitionError, replay_history

S = Report.State
DEFAULT_SOURCE = "sistem-lama"
MAX_ERRORS = 5000  # a hopeless file (wrong columns on every row) stops being listed here; the count is still given
__all__ = [
    "COLUMN_NAMES",
    "FORMATS",
    "ImportFileError",
    "load_table",
    "check_import",
    "run_import",
    "write_import",
    "COLUMNS",
    "template_csv",
]


def load_table(content: bytes, filename: str = "", fmt: str | None = None) -> Table:
    """Read an uploaded or given file (format from ``fmt``, else from the name or the content)."""
    return read_table(content, fmt or guess_format(filename, content))


# --- results ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the spreadsheet: header = 1
    column: str
    message: str


@dataclass(frozen=True)
class SkippedRow:
    row: int
    external_id: str
    tracking_number: str


@dataclass
class PlannedReport:
    """One valid row, ready to write."""

    row: int
    external_id: str
    admin_agency: Agency
    new: NewReport
    reporter: ReporterInfo | None
    channel: str
    channel_text: str
    state: str
    reported_at: dt.datetime
    dispatched_at: dt.datetime
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime
    agencies: list[Agency]
    response: str
    archive_reason: str
    archive_note: str


@dataclass
class ImportCheck:
    """What an import would do: rows to create, rows already imported (skipped), and every error."""

    source: str
    total: int = 0
    planned: list[PlannedReport] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, str(message)))


@dataclass
class ImportResult:
    check: ImportCheck
    created: list[SkippedRow] = field(default_factory=list)  # (row, nomor_lama, tracking number) of new reports
    imported: bool = False  # True when the file was written (a dry run or a file with errors never is)


# --- checking -----------------------------------------------------------------------------------------------------


def check_import(table: Table, *, source: str = DEFAULT_SOURCE, admin_agency: Agency | None = None, user=None):
    """Validate every row without writing anything. ``admin_agency`` receives every report (else the intake's
    routing by region decides per row); with a ``user``, each admin agency must be one they may verify for."""
    check = ImportCheck(source=source)
    columns = _map_headers(table.headers, check)
    context = _Context(table, columns, admin_agency, user)
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        check.total += 1
        raw = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
        plan = _RowChecker(number, raw, context, check).plan()
        if plan is None:
            continue
        if plan.external_id in seen:
            check.add_error(
                number,
                "nomor_lama",
                _("Nomor lama “%(id)s” sudah dipakai di baris %(row)s.")
                % {"id": plan.external_id, "row": seen[plan.external_id]},
            )
            continue
        seen[plan.external_id] = number
        check.planned.append(plan)
    _skip_already_imported(check)
    return check


def _map_headers(headers: list[str], check: ImportCheck) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        name = ALIASES.get(header_key(header))
        if name is None:
            check.notices.append(_("Kolom “%(name)s” tidak dikenal dan diabaikan.") % {"name": header})
        elif name in columns:
            raise ImportFileError(
                _("Kolom “%(name)s” muncul lebih dari sekali (kolom %(a)s dan %(b)s).")
                % {"name": name, "a": columns[name] + 1, "b": index + 1}
            )
        else:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(_("Kolom wajib tidak ada di baris 1: %(names)s.") % {"names": ", ".join(missing)})
    return columns


def _skip_already_imported(check: ImportCheck) -> None:
    """Rows whose (admin agency, source, nomor_lama) is already in Layan are skipped, not errors: re-running the
    same file after a partial fix, or twice by mistake, adds nothing."""
    ids = [p.external_id for p in check.planned]
    existing = {}
    for start in range(0, len(ids), 500):
        rows = Report.objects.filter(import_source=check.source, external_id__in=ids[start : start + 500])
        for agency_id, external_id, number in rows.values_list("admin_agency_id", "external_id", "tracking_number"):
            existing[(agency_id, external_id)] = number
    planned = []
    for plan in check.planned:
        number = existing.get((plan.admin_agency.pk, plan.external_id))
        if number:
            check.skipped.append(SkippedRow(plan.row, plan.external_id, number))
        else:
            planned.append(plan)
    check.planned = planned


class _Context:
    """Everything a row is checked against, loaded once per file."""

    def __init__(self, table: Table, columns: dict[str, int], admin_agency: Agency | None, user):
        self.admin_agency, self.user = admin_agency, user
        self.now = timezone.now()
        self.categories: dict[str, Category] = {}
        for category in Category.objects.all():
            self.categories.setdefault(category.slug.lower(), category)
            self.categories.setdefault(category.name.strip().lower(), category)
        self.agencies: dict[str, list[Agency]] = {}
        for agency in Agency.objects.filter(is_active=True).select_related("home_region"):
            self.agencies.setdefault(agency.slug.lower(), [agency])
            names = self.agencies.setdefault(agency.name.strip().lower(), [])
            if agency not in names:
                names.append(agency)
        self.regions = self._load_regions(table, columns.get("kode_wilayah"))
        self._routed: dict[str | None, Agency] = {}
        self._allowed: dict[int, bool] = {}

    @staticmethod
    def _load_regions(table: Table, index: int | None) -> dict[str, Region]:
        if index is None:
            return {}
        codes = sorted({normalise_region_code(_text(cells[index])) for _n, cells in table.rows if index < len(cells)})
        regions = {}
        for start in range(0, len(codes), 500):
            for region in Region.objects.filter(code__in=codes[start : start + 500]):
                regions[region.code] = region
        return regions

    def admin_agency_for(self, region: Region | None) -> Agency:
        if self.admin_agency is not None:
            return self.admin_agency
        key = region.code if region else None
        if key not in self._routed:
            self._routed[key] = admin_agency_for(region)
        return self._routed[key]

    def may_import_into(self, agency: Agency) -> bool:
        if self.user is None:  # the command run by an operator without --user
            return True
        if agency.pk not in self._allowed:
            self._allowed[agency.pk] = permissions.has_perm(self.user, permissions.REPORT_VERIFY, agency)
        return self._allowed[agency.pk]


def normalise_region_code(code: str) -> str:
    """Kemendagri codes are dotted (35.78.05.1001); spreadsheets often drop the dots (3578051001)."""
    if code.isdigit() and len(code) in (4, 6, 10):
        parts = [code[:2], code[2:4], code[4:6], code[6:]]
        return ".".join(p for p in parts if p)
    return code


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell).strip()


class _RowChecker:
    """Checks one row, reporting every problem (not just the first) to the ImportCheck."""

    def __init__(self, number: int, raw: dict, context: _Context, check: ImportCheck):
        self.number, self.raw, self.context, self.check = number, raw, context, check
        self.failed = False

    def error(self, column: str, message) -> None:
        self.failed = True
        self.check.add_error(self.number, column, message)

    def text(self, name: str, max_length: int | None = None) -> str:
        value = _text(self.raw.get(name))
        if max_length and len(value) > max_length:
            self.error(name, _("Paling banyak %(n)s karakter.") % {"n": max_length})
        return value

    def choice(self, name: str, names: dict, default: str, message: str) -> str:
        value = self.text(name)
        if not value:
            return default
        found = names.get(" ".join(value.lower().split()))
        if found is None:
            self.error(name, message % {"value": value})
            return default
        return found

    def plan(self) -> PlannedReport | None:
        external_id = self.text("nomor_lama", 100)
        if not external_id:
            self.error("nomor_lama", _("Nomor lama wajib diisi."))
        description = self.text("isi")
        if not description:
            self.error("isi", _("Isi laporan wajib diisi."))
        title = self.text("judul", 200) or derive_title(description)
        report_type = self.choice(
            "jenis",
            TYPE_NAMES,
            Report.Type.PENGADUAN,
            _("Jenis “%(value)s” tidak dikenal: pengaduan, aspirasi atau informasi."),
        )
        privacy = self.choice(
            "kerahasiaan",
            PRIVACY_NAMES,
            Report.Privacy.PUBLIC,
            _("Kerahasiaan “%(value)s” tidak dikenal: publik, rahasia atau anonim."),
        )
        state = self.state()
        category = self.category()
        region = self.region()
        latitude, longitude = self.coordinates()
        channel, channel_text = self.channel()
        reporter = self.reporter()
        agencies = self.agencies(state)
        admin_agency = self.admin_agency(region)
        tz = ZoneInfo(region.timezone if region else (admin_agency.timezone if admin_agency else WIB))
        dates = self.dates(state, tz)
        address = self.text("alamat", 300)
        response = self.text("tanggapan")
        reason, reason_note = self.archive_reason(state)
        if self.failed:
            return None
        new = NewReport(
            title=title,
            description=description,
            type=report_type,
            category=category,
            region=region,
            address=address,
            latitude=latitude,
            longitude=longitude,
            privacy=privacy,
            admin_agency=admin_agency,
        )
        return PlannedReport(
            row=self.number,
            external_id=external_id,
            admin_agency=admin_agency,
            new=new,
            reporter=reporter,
            channel=channel,
            channel_text=channel_text,
            state=state,
            agencies=agencies,
            response=response,
            archive_reason=reason,
            archive_note=reason_note,
            **dates,
        )

    def state(self) -> str:
        value = self.text("status")
        if not value:
            self.error("status", _("Status wajib diisi."))
            return S.BARU
        state = self.choice("status", STATUS_NAMES, S.BARU, _("Status “%(value)s” tidak dikenal."))
        if state == S.TERDISPOSISI and "terverifikasi" in value.lower() and not self.text("instansi"):
            return S.TERVERIFIKASI  # LAPOR!'s shared label: verified, not yet with an agency
        return state

    def category(self) -> Category | None:
        value = self.text("kategori")
        if not value:
            return None
        category = self.context.categories.get(value.lower())
        if category is None:
            self.error("kategori", _("Kategori “%(value)s” tidak ada di Layan.") % {"value": value})
        return category

    def region(self) -> Region | None:
        value = self.text("kode_wilayah")
        if not value:
            return None
        region = self.context.regions.get(normalise_region_code(value))
        if region is None:
            self.error(
                "kode_wilayah", _("Kode wilayah “%(value)s” tidak dikenal (kode Kemendagri).") % {"value": value}
            )
        return region

    def coordinates(self) -> tuple[Decimal | None, Decimal | None]:
        latitude = self.coordinate("lintang", 90)
        longitude = self.coordinate("bujur", 180)
        if (latitude is None) != (longitude is None) and not self.failed:
            missing = "bujur" if longitude is None else "lintang"
            self.error(missing, _("Lintang dan bujur harus diisi keduanya atau dikosongkan keduanya."))
        return latitude, longitude

    def coordinate(self, name: str, limit: int) -> Decimal | None:
        value = self.text(name)
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", ".") if "." not in value else value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > limit:
            self.error(name, _("“%(value)s” bukan angka antara -%(n)s dan %(n)s.") % {"value": value, "n": limit})
            return None
        return number.quantize(Decimal("0.000001"))

    def channel(self) -> tuple[str, str]:
        value = self.text("kanal_asal")
        channel = CHANNEL_NAMES.get(" ".join(value.lower().split())) if value else None
        return (channel or Report.Channel.IMPORT), ("" if channel else value)

    def reporter(self) -> ReporterInfo | None:
        name = self.text("nama_pelapor", 150)
        phone = self.text("telepon_pelapor")
        email = self.text("email_pelapor").lower()
        if phone:
            from phonenumber_field.phonenumber import to_python

            number = to_python(phone, region="ID")
            if number is None or not number.is_valid():
                self.error("telepon_pelapor", _("Nomor telepon “%(value)s” tidak valid.") % {"value": phone})
            else:
                phone = number.as_e164
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error("email_pelapor", _("Alamat surel “%(value)s” tidak valid.") % {"value": email})
        if not (name or phone or email):
            return None
        return ReporterInfo(name=name, phone=phone, email=email)

    def agencies(self, state: str) -> list[Agency]:
        value = self.text("instansi")
        found = []
        for part in [p.strip() for p in value.split(";") if p.strip()]:
            matches = self.context.agencies.get(part.lower(), [])
            if len(matches) == 1:
                if matches[0] not in found:
                    found.append(matches[0])
            elif matches:
                self.error(
                    "instansi", _("Nama instansi “%(value)s” tidak unik; pakai kode singkatnya.") % {"value": part}
                )
            else:
                self.error("instansi", _("Instansi “%(value)s” tidak ada di Layan atau tidak aktif.") % {"value": part})
        if not value and state in NEEDS_AGENCY:
            self.error(
                "instansi",
                _("Instansi tujuan wajib diisi untuk status “%(status)s”.") % {"status": Report.State(state).label},
            )
        return found

    def admin_agency(self, region: Region | None) -> Agency | None:
        try:
            agency = self.context.admin_agency_for(region)
        except ValidationError as exc:
            self.error("kode_wilayah", " ".join(exc.messages))
            return None
        if not self.context.may_import_into(agency):
            self.error("", _("Anda tidak berwenang mengimpor laporan untuk %(agency)s.") % {"agency": agency.name})
        return agency

    def moment(self, name: str, tz: ZoneInfo) -> tuple[dt.datetime | None, bool]:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, False
        try:
            moment, date_only = parse_moment(value, tz)
            inputs.check_moment(moment)
        except inputs.InputError as error:
            self.error(name, error.message)
            return None, False
        except ValueError:
            self.error(
                name,
                _("Tanggal “%(value)s” tidak dikenali. Gunakan TTTT-BB-HH atau HH/BB/TTTT, dengan jam JJ:MM bila ada.")
                % {"value": _text(value)},
            )
            return None, False
        if moment > self.context.now:
            self.error(name, _("Tanggal tidak boleh di masa depan."))
            return None, False
        return moment, date_only

    def dates(self, state: str, tz: ZoneInfo) -> dict:
        """The historical moments, each not before the one it follows. A date without a time on the same day as
        the step before it means "that day", so it is taken as that step's own time."""
        if not self.text("tanggal_lapor"):
            self.error("tanggal_lapor", _("Tanggal lapor wajib diisi."))
        reported, _date_only = self.moment("tanggal_lapor", tz)
        values = {"reported_at": reported}
        previous, previous_name = reported, "tanggal_lapor"
        for name, key in (
            ("tanggal_disposisi", "dispatched_at"),
            ("tanggal_tanggapan", "responded_at"),
            ("tanggal_selesai", "resolved_at"),
            ("tanggal_ditutup", "closed_at"),
        ):
            moment, date_only = self.moment(name, tz)
            if moment is not None and previous is not None and moment < previous:
                if date_only and moment.date() == previous.astimezone(tz).date():
                    moment = previous
                else:
                    self.error(
                        name,
                        _("%(column)s tidak boleh sebelum %(previous)s.") % {"column": name, "previous": previous_name},
                    )
            values[key] = moment
            if moment is not None:
                previous, previous_name = moment, name
        if state in NEEDS_RESOLUTION and values["resolved_at"] is None and not self.failed:
            self.error(
                "tanggal_selesai",
                _("Tanggal selesai wajib diisi untuk status “%(status)s”.") % {"status": Report.State(state).label},
            )
        values["dispatched_at"] = values["dispatched_at"] or reported
        values["closed_at"] = values["closed_at"] or values["resolved_at"] or values["dispatched_at"]
        return values

    def archive_reason(self, state: str) -> tuple[str, str]:
        value = self.text("alasan_arsip")
        if state != S.ARSIP:
            return "", ""
        reason = ARCHIVE_NAMES.get(" ".join(value.lower().split())) if value else None
        if reason:
            return reason, ""
        return Report.ArchiveReason.LAINNYA, value


def derive_title(description: str) -> str:
    """The first line of the text, cut at a word before 100 characters: old systems often had no title."""
    line = " ".join(description.strip().splitlines()[0].split()) if description.strip() else ""
    if len(line) <= 100:
        return line
    cut = line[:100].rsplit(" ", 1)[0] or line[:100]
    return cut.rstrip(".,;:") + "…"


DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")


def parse_moment(value, tz: ZoneInfo) -> tuple[dt.datetime, bool]:
    """A date or date-time from a cell: a spreadsheet date, ISO 8601 (with or without offset), or the Indonesian
    day/month/year with an optional time (14:30 or 14.30). Without an offset the time is local to ``tz``. Returns
    the aware moment and whether the cell gave a date only. Raises ValueError."""
    if isinstance(value, dt.datetime):
        date_only = value.time() == dt.time() and value.tzinfo is None
        return (value if value.tzinfo else value.replace(tzinfo=tz)), date_only
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=tz), True
    text = " ".join(str(value).split())
    match = DATE_YMD.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
    else:
        match = DATE_DMY.match(text)
        if match:
            day, month, year, hour, minute, second = match.groups()
    if match:
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        return moment.replace(tzinfo=tz), hour is None
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))  # with an offset, e.g. 2019-03-05T14:30+08:00
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)), False


# --- writing ------------------------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def run_import(
    table: Table, *, source: str = DEFAULT_SOURCE, admin_agency: Agency | None = None, user=None, dry_run=False
) -> ImportResult:
    """Check the whole file; unless ``dry_run`` or any row is bad, write every new row in one transaction."""
    check = check_import(table, source=source, admin_agency=admin_agency, user=user)
    if dry_run or not check.ok:
        return ImportResult(check=check)
    return write_import(check, user=user)


def write_import(check: ImportCheck, *, user=None) -> ImportResult:
    """Write the checked rows in one transaction: if any fails (another process imported the same number in the
    meantime, or the intake refuses it), its error is added to the check and nothing at all is kept."""
    result = ImportResult(check=check)
    try:
        with transaction.atomic():
            for plan in check.planned:
                try:
                    with transaction.atomic():
                        report = import_row(plan, source=check.source, user=user)
                except (ValidationError, TransitionError) as exc:
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc.message)]
                    check.add_error(plan.row, "", " ".join(messages))
                    raise _Rollback from None
                except IntegrityError:
                    check.add_error(
                        plan.row, "nomor_lama", _("Baris ini baru saja diimpor oleh proses lain. Periksa ulang berkas.")
                    )
                    raise _Rollback from None
                result.created.append(SkippedRow(plan.row, plan.external_id, report.tracking_number))
    except _Rollback:
        result.created = []
        return result
    result.imported = True
    return result


def import_row(plan: PlannedReport, *, source: str, user=None) -> Report:
    """One row: through the intake at its historical time, marked with its origin, then its history replayed."""
    report = submit_report(
        plan.new,
        channel=plan.channel,
        reporter=plan.reporter,
        entered_by=user,
        at=plan.reported_at,
        notify=False,
    )
    report.import_source, report.external_id = source, plan.external_id
    Report.objects.filter(pk=report.pk).update(import_source=source, external_id=plan.external_id)
    replay_history(report, history_steps(plan))
    if report.state == S.SELESAI:
        _close_if_window_passed(report)
    ReportEvent.objects.create(
        report=report,
        action="note",
        actor=user if user is not None and user.is_authenticated else None,
        actor_kind="system",
        to_state=report.state,
        note=_import_note(plan, source),
        is_public=False,
    )
    return report


def _import_note(plan: PlannedReport, source: str) -> str:
    note = _("Diimpor dari %(source)s, nomor lama %(id)s, baris %(row)s.") % {
        "source": source,
        "id": plan.external_id,
        "row": plan.row,
    }
    if plan.channel_text:
        note += " " + _("Kanal asal: %(channel)s.") % {"channel": plan.channel_text}
    return note


def history_steps(plan: PlannedReport) -> list[HistoricalStep]:
    """The transitions that bring a new report to the row's recorded state, at the row's dates."""
    state = plan.state
    if state == S.BARU:
        return []
    if state == S.TERTUNDA:
        note = plan.response or _("Menunggu pelapor melengkapi informasi (riwayat dari sistem lama).")
        return [HistoricalStep("pend", plan.responded_at or plan.dispatched_at, {"note": note})]
    if state == S.ARSIP:
        data = {"reason": plan.archive_reason, "note": plan.archive_note}
        return [HistoricalStep("archive", plan.closed_at, data)]
    if state == S.TERVERIFIKASI:
        return [HistoricalStep("verify", plan.dispatched_at)]
    steps = [HistoricalStep("verify", plan.dispatched_at, {"agencies": plan.agencies})]
    if state == S.TERDISPOSISI:
        return steps
    responded = plan.responded_at or plan.dispatched_at
    if state == S.DIPROSES:
        for agency in plan.agencies:
            if plan.response:
                data = {"stage": ReportEvent.Stage.PENGERJAAN, "note": plan.response}
                steps.append(HistoricalStep("progress", responded, data, agency=agency))
            else:
                steps.append(HistoricalStep("accept", responded, agency=agency))
        return steps
    answer = plan.response or _("Laporan telah ditindaklanjuti (riwayat dari sistem lama).")
    for agency in plan.agencies:
        if plan.responded_at and plan.responded_at < plan.resolved_at:
            steps.append(HistoricalStep("accept", plan.responded_at, agency=agency))
        steps.append(HistoricalStep("resolve", plan.resolved_at, {"note": answer}, agency=agency))
    if state == S.DITUTUP:
        note = _("Selesai dan ditutup (riwayat dari sistem lama).")
        steps.append(HistoricalStep("confirm", plan.closed_at, {"note": note}, actor_kind="system"))
    return steps


def _close_if_window_passed(report: Report) -> None:
    """A report recorded as "Terdisposisi Selesai" long ago would have closed by itself when the reporter's
    confirmation window ended: close it at that moment, as the sweep would have, instead of letting today's sweep
    do it (and tell the reporter). A window still open keeps running."""
    clock = report.clocks.filter(step=Step.CONFIRMATION, status=Clock.Status.RUNNING).first()
    if clock is not None and clock.due_at <= timezone.now():
        replay_history(report, [HistoricalStep("auto_close", clock.due_at)])
