"""The non-responders report (laporan instansi yang tidak merespons): per month or quarter, per agency and per
region (kabupaten/kota of the report), how agencies answered the reports dispatched to them.

One function per figure, all on the dispositions (disposisi) dispatched in the period:

- ``received``: dispositions dispatched in the period;
- ``on_time_pct``: first response within the deadline: met first-response clocks / decided ones (met, late,
  or still running past their deadline); clocks not yet due, paused or cancelled (forwarded) are undecided;
- ``first_response_median_h`` / ``_p90_h``: hours from dispatch to the agency's first response;
- ``resolution_median_h`` / ``_p90_h``: hours from dispatch to the agency marking it done (selesai);
- ``overdue_now``: dispositions with a running clock past its deadline at ``as_of``;
- ``never_answered``: dispositions with no first response that the agency did not pass on either (a forward
  "bukan wewenang" or a return to the admin is an answer under the no-wrong-door rule);
- ``reopen_rate_pct``: of the dispositions marked done at least once, those whose report the reporter reopened;
- ``avg_rating``: mean rating (1-5) the reporters gave to those reports.

Percentiles interpolate linearly between the closest ranks (as Excel's PERCENTILE.INC / numpy's default):
the p-th percentile of sorted x_0..x_{n-1} is x_k + (x_{k+1} - x_k) * f where k + f = p * (n - 1).
Period bounds are midnights in the platform's time zone (``TIME_ZONE``, WIB by default).

Ranking names the agencies that did not respond first: never answered > 0 (most first), then the lowest
on-time share; agencies with nothing decided yet come last.
"""

import datetime as dt
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from layan.core import inputs
from layan.core.permissions import in_agencies

from .models import Clock, PublishedPeriodReport, Step

MONTH, QUARTER = PublishedPeriodReport.PeriodKind.MONTH, PublishedPeriodReport.PeriodKind.QUARTER
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date

    @classmethod
    def parse(cls, code: str) -> "Period":
        """``2026-Q3`` (a quarter) or ``2026-07`` (a month); ValueError otherwise, ``inputs.InputError`` (a
        ValueError with a message naming the range) for a year outside ``inputs.EARLIEST``..``inputs.LATEST``
        (9999-12 ended in year 10000, and 0001-Q1 started before UTC's year 1)."""
        code = (code or "").strip().upper()
        year, _sep, part = code.partition("-")
        if not (len(year) == 4 and year.isascii() and year.isdigit()):
            raise ValueError(code)
        if part.startswith("Q") and part[1:] in ("1", "2", "3", "4"):
            return cls(QUARTER, dt.date(inputs.check_year(int(year)), 3 * int(part[1:]) - 2, 1))
        if len(part) == 2 and part.isascii() and part.isdigit() and 1 <= int(part) <= 12:
            return cls(MONTH, dt.date(inputs.check_year(int(year)), int(part), 1))
        raise ValueError(code)

    @classmethod
    def containing(cls, day: dt.date, kind: str = QUARTER) -> "Period":
        if kind == MONTH:
            return cls(MONTH, day.replace(day=1))
        return cls(QUARTER, dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))

    @property
    def months(self) -> int:
        return 3 if self.kind == QUARTER else 1

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        month = self.start.month - 1 + self.months
        return dt.date(self.start.year + month // 12, month % 12 + 1, 1)

    @property
    def code(self) -> str:
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == QUARTER:
            return _("Triwulan %(q)s %(year)s") % {"q": ROMAN[(self.start.month - 1) // 3 + 1], "year": self.start.year}
        return formats.date_format(self.start, "F Y")

    def previous(self) -> "Period":
        return Period.containing(self.start - dt.timedelta(days=1), self.kind)

    def next(self) -> "Period":
        return Period(self.kind, self.end)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = ZoneInfo(settings.TIME_ZONE)
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.end, dt.time(), tzinfo=tz),
        )


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (inclusive); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = p * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def _pct(part: int, whole: int):
    return None if not whole else round(100.0 * part / whole, 1)


def hours(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 3600


class _Group:
    """The raw figures of one agency or one region."""

    def __init__(self):
        self.received = 0
        self.met = 0
        self.decided = 0
        self.first_response: list[float] = []
        self.resolution: list[float] = []
        self.overdue_now = 0
        self.never_answered = 0
        self.resolved_once = 0
        self.reopened = 0
        self.ratings: list[int] = []

    def row(self) -> dict:
        return {
            "received": self.received,
            "on_time_pct": _pct(self.met, self.decided),
            "first_response_median_h": _round(percentile(self.first_response, 0.5)),
            "first_response_p90_h": _round(percentile(self.first_response, 0.9)),
            "resolution_median_h": _round(percentile(self.resolution, 0.5)),
            "resolution_p90_h": _round(percentile(self.resolution, 0.9)),
            "overdue_now": self.overdue_now,
            "never_answered": self.never_answered,
            "reopen_rate_pct": _pct(self.reopened, self.resolved_once),
            "avg_rating": _round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None,
        }


def dispositions_in(period: Period, agency_ids=None, admin_agency_ids=None):
    """Dispositions dispatched in ``period``; with ``agency_ids``, those to these agencies or (with
    ``admin_agency_ids``) of reports administered by these governments."""
    from layan.reports.models import Disposition

    start, end = period.bounds()
    qs = Disposition.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)
    if agency_ids is not None:
        condition = in_agencies("agency_id", agency_ids)
        if admin_agency_ids is not None:
            condition |= in_agencies("report__admin_agency_id", admin_agency_ids)
        qs = qs.filter(condition)
    return qs


ID_BATCH = 5000  # ids per IN (...) list: SQLite allows only so many parameters in one query


def _clocks_of(disposition_ids: list[int], **conditions):
    """Clock rows of these dispositions, asked by id in batches: given the ids, both databases go straight to the
    clocks through their disposition index (a ``disposition IN (subquery)`` led PostgreSQL to read every clock)."""
    for begin in range(0, len(disposition_ids), ID_BATCH):
        batch = disposition_ids[begin : begin + ID_BATCH]
        yield from Clock.objects.filter(disposition_id__in=batch, **conditions).values_list(
            "disposition_id", "status", "due_at"
        )


def kabkota_code(region_id: str | None) -> str:
    return ".".join(region_id.split(".")[:2]) if region_id else ""


def compute(period: Period, *, agency_ids=None, admin_agency_ids=None, as_of: dt.datetime | None = None) -> dict:
    """The report of ``period``: ``{"period", "as_of", "agencies": [...], "regions": [...]}``, rows ranked.
    ``agency_ids=None`` covers every agency. JSON-serialisable (it is what a publication stores)."""
    from layan.core.models import Agency, Region
    from layan.reports.models import Disposition

    as_of = as_of or timezone.now()
    dispositions = dispositions_in(period, agency_ids, admin_agency_ids)
    rows = list(
        dispositions.order_by("pk").values_list(
            "pk",
            "agency_id",
            "state",
            "dispatched_at",
            "first_response_at",
            "resolved_at",
            "report__region_id",
            "report__rating",
            "report__reopen_count",
        )
    )
    ids = [row[0] for row in rows]
    first_clocks = {
        disposition_id: (status, due_at)
        for disposition_id, status, due_at in _clocks_of(ids, step=Step.FIRST_RESPONSE)
        if status != Clock.Status.CANCELLED
    }
    overdue = {
        disposition_id
        for disposition_id, status, due_at in _clocks_of(ids, status=Clock.Status.RUNNING)
        if due_at < as_of
    }
    by_agency, by_region = defaultdict(_Group), defaultdict(_Group)
    passed_on = (Disposition.State.DITERUSKAN, Disposition.State.DIKEMBALIKAN)
    for pk, agency_id, state, dispatched, first, resolved, region_id, rating, reopens in rows:
        for group in (by_agency[agency_id], by_region[kabkota_code(region_id)]):
            group.received += 1
            clock = first_clocks.get(pk)
            if clock is not None:
                status, due_at = clock
                if status == Clock.Status.MET:
                    group.met += 1
                    group.decided += 1
                elif status == Clock.Status.LATE or (status == Clock.Status.RUNNING and due_at < as_of):
                    group.decided += 1
            if first is not None:
                group.first_response.append(hours(dispatched, first))
            elif state not in passed_on:
                group.never_answered += 1
            if resolved is not None:
                group.resolution.append(hours(dispatched, resolved))
            if resolved is not None or reopens:
                group.resolved_once += 1
                group.reopened += 1 if reopens else 0
            if rating:
                group.ratings.append(rating)
            if pk in overdue:
                group.overdue_now += 1
    agencies = Agency.objects.in_bulk(list(by_agency))
    agency_rows = [
        {
            "agency_id": pk,
            "name": agencies[pk].name,
            "short_name": agencies[pk].short_name,
            **group.row(),
        }
        for pk, group in by_agency.items()
    ]
    regions = Region.objects.in_bulk([code for code in by_region if code])
    region_rows = [
        {
            "region_code": code,
            "name": regions[code].name if code in regions else (code or _("Tanpa wilayah")),
            **group.row(),
        }
        for code, group in by_region.items()
    ]
    return {
        "period": {"kind": period.kind, "start": period.start.isoformat(), "code": period.code},
        "as_of": as_of.isoformat(),
        "agencies": rank(agency_rows),
        "regions": rank(region_rows),
    }


def remembered(kind: str, key_parts, make):
    """``make()``, kept in the cache for ``LAYAN_STATS_CACHE_SECONDS`` (default 300; 0 = always fresh) under a key
    of ``kind`` and ``key_parts``. The live figures of a quarter read every disposition of it (about 100,000 at a
    million reports, most of a second); a dashboard shows them at most that many seconds old instead, so a page
    view does not redo the work. Publication always computes afresh."""
    seconds = getattr(settings, "LAYAN_STATS_CACHE_SECONDS", 300)
    if seconds <= 0:
        return make()
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    key = f"layan:{kind}:{translation.get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, seconds)
    return value


def cached_compute(period: Period, *, agency_ids=None, admin_agency_ids=None) -> dict:
    """:func:`compute` for a dashboard (see :func:`remembered`)."""
    scope = [sorted(ids) if ids is not None else None for ids in (agency_ids, admin_agency_ids)]
    return remembered(
        "nonresponders",
        (period.kind, period.start.isoformat(), *scope),
        lambda: compute(period, agency_ids=agency_ids, admin_agency_ids=admin_agency_ids),
    )


def rank(rows: list[dict]) -> list[dict]:
    """Non-responders first (most never-answered first), then the lowest on-time share; undecided last."""

    def key(row):
        on_time = row["on_time_pct"]
        return (
            row["never_answered"] == 0,
            -row["never_answered"],
            on_time is None,
            on_time if on_time is not None else 0,
            -row["overdue_now"],
            row["name"],
        )

    ordered = sorted(rows, key=key)
    for position, row in enumerate(ordered, start=1):
        row["rank"] = position
        row["non_responder"] = row["never_answered"] > 0
    return ordered


def period_of(report_data: dict) -> Period:
    return Period(report_data["period"]["kind"], dt.date.fromisoformat(report_data["period"]["start"]))
