"""The working calendar (kalender hari kerja) that deadlines are computed on.

A :class:`WorkingCalendar` knows one place's time zone (WIB, WITA or WIT), an agency's weekly office hours
(jam kerja), whether the agency is open 24/7, and which days are holidays. It answers three kinds of question,
always computing in the calendar's local time and taking and returning time-zone-aware datetimes:

- is this day / instant working time?
- when does a budget of N hours ("1x24 jam") or N working days ("3 hari kerja") run out?
- how much working time went by between two instants (so a clock can pause while a report is *Tertunda*
  and resume later: remaining = budget - elapsed working time)?

Holidays come from three sources:

1. National public holidays (hari libur nasional) from the ``holidays`` package, category ``PUBLIC``.
2. Cuti bersama (joint leave days decreed each year by an SKB of three ministers / a Keppres for civil
   servants, e.g. the days around Lebaran and Christmas). In ``holidays`` (checked on 0.109) they are *not*
   part of the default category: ``holidays.Indonesia`` declares
   ``supported_categories = (GOVERNMENT, PUBLIC)`` with ``PUBLIC`` the default, and the joint leave days live
   in ``IndonesiaStaticHolidays.special_government_holidays`` (2002 onwards, named "Cuti Bersama ..."), so
   they only appear with ``country_holidays("ID", categories=(PUBLIC, GOVERNMENT))``. This module asks for
   both. Examples:
   2025-12-26 (Cuti Bersama Natal), 2025-08-18 (Cuti Bersama Kemerdekaan), and for Lebaran 2026 the public
   holidays 2026-03-21/22 plus the cuti bersama 2026-03-20, 03-23 and 03-24 (with Nyepi on 03-19 and its
   cuti bersama on 03-18). The package lists cuti bersama only for years the decree is known (up to 2027 in
   0.109); for later years Islamic holidays are astronomical estimates ("perkiraan") and no cuti bersama is
   known, so administrators add them as :class:`~layan.core.models.RegionHoliday` rows when decreed.
   Cuti bersama binds civil servants; for a service that keeps its front desk open, build the calendar with
   ``include_cuti_bersama=False``.
3. Extra days an administrator adds (``RegionHoliday``): national rows (no region) and rows for the place's
   region or any region above it (a regency's anniversary, a provincial holiday).

An agency that is open 24/7 has no holidays and no office hours: working time is wall-clock time and a working
day is a calendar day.

Loops walk day by day and stop after :data:`MAX_SPAN_DAYS`; anything longer raises ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays as holidays_lib

UTC = dt.UTC

from layan.core.regions import DEFAULT_WORKING_HOURS  # noqa: E402  (plain module, no Django needed)

DEFAULT_TIMEZONE = "Asia/Jakarta"

# Upper bound for every day-by-day walk (about five years).
MAX_SPAN_DAYS = 366 * 5


class HourMode(enum.StrEnum):
    """How :meth:`WorkingCalendar.add_hours` counts hours."""

    CALENDAR = "calendar"  # wall-clock hours: "1x24 jam" is 24 hours later, nights and weekends included
    WORKING = "working"  # only time inside office hours on working days


@functools.lru_cache(maxsize=128)
def national_holidays(year: int, include_cuti_bersama: bool = True) -> Mapping[dt.date, str]:
    """Indonesia's national holidays of one year (and, by default, cuti bersama), date -> Indonesian name.

    Cached per year: the ``holidays`` package computes lunar calendars on every build."""
    categories = (holidays_lib.PUBLIC, holidays_lib.GOVERNMENT) if include_cuti_bersama else (holidays_lib.PUBLIC,)
    days = holidays_lib.country_holidays("ID", years=year, categories=categories, language="id")
    return MappingProxyType({day: "; ".join(days.get_list(day)) for day in sorted(days)})


def _parse_time(value) -> dt.time:
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))


def parse_working_hours(working_hours: Mapping | None) -> dict[int, tuple[dt.time, dt.time]]:
    """Weekday (0 = Monday) -> (opening, closing) from the ``Agency.working_hours`` JSON shape.

    Keys may be strings or ints; times "HH:MM" strings or ``datetime.time``. Days missing are closed. An empty
    or missing schedule means the default government schedule (an agency can never be closed all week)."""
    if not working_hours:
        working_hours = DEFAULT_WORKING_HOURS
    parsed = {}
    for day, span in working_hours.items():
        weekday = int(day)
        if not 0 <= weekday <= 6:
            raise ValueError(f"Invalid weekday {day!r} in working hours.")
        try:
            opening, closing = (_parse_time(t) for t in span)
        except (TypeError, ValueError):
            raise ValueError(f"Invalid working hours {span!r} for weekday {day!r}.") from None
        if opening >= closing:
            raise ValueError(f"Working hours {span!r} for weekday {day!r} close before they open.")
        parsed[weekday] = (opening, closing)
    return parsed


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")


def load_region_holidays() -> dict[str | None, frozenset[dt.date]]:
    """All ``RegionHoliday`` rows in one query, region code (``None`` = national) -> dates.

    A sweep over many reports loads this once and passes it to :meth:`WorkingCalendar.for_agency`."""
    from layan.core.models import RegionHoliday

    grouped: dict[str | None, set[dt.date]] = {}
    for region_id, day in RegionHoliday.objects.values_list("region_id", "date"):
        grouped.setdefault(region_id, set()).add(day)
    return {code: frozenset(days) for code, days in grouped.items()}


class WorkingCalendar:
    """Working days and office hours of one agency (or one region's ordinary government office) in its
    local time zone."""

    def __init__(
        self,
        timezone: str = DEFAULT_TIMEZONE,
        working_hours: Mapping | None = None,
        open_24_7: bool = False,
        extra_holidays: Iterable[dt.date] = (),
        *,
        include_cuti_bersama: bool = True,
    ):
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        self.hours = parse_working_hours(working_hours)
        self.open_24_7 = bool(open_24_7)
        self.extra_holidays = frozenset(extra_holidays)
        self.include_cuti_bersama = include_cuti_bersama

    def __repr__(self):
        kind = "24/7" if self.open_24_7 else f"{len(self.hours)} days/week"
        return f"<WorkingCalendar {self.timezone} {kind}, {len(self.extra_holidays)} extra holidays>"

    # --- construction from the database -------------------------------------------------------------------

    @classmethod
    def for_agency(cls, agency, region=None, *, region_holidays: Mapping | None = None) -> WorkingCalendar:
        """The calendar of ``agency``. Its place is its home region, or ``region`` (e.g. the report's region)
        when the agency has none; the place decides the time zone (WIB when there is no place) and which
        regional ``RegionHoliday`` rows apply (the place's region and every region above it), on top of the
        national rows. ``agency`` may be ``None``: the region's ordinary government office schedule.

        Reads the database once (``RegionHoliday``), or not at all when ``region_holidays`` from
        :func:`load_region_holidays` is given."""
        place = agency.home_region if agency is not None and agency.home_region_id else region
        codes = place.ancestor_codes if place is not None else []
        if region_holidays is None:
            from django.db.models import Q

            from layan.core.models import RegionHoliday

            rows = RegionHoliday.objects.filter(Q(region__isnull=True) | Q(region_id__in=codes))
            extra = set(rows.values_list("date", flat=True))
        else:
            extra = set()
            for code in [None, *codes]:
                extra.update(region_holidays.get(code, ()))
        return cls(
            timezone=place.timezone if place is not None else DEFAULT_TIMEZONE,
            working_hours=agency.working_hours if agency is not None else None,
            open_24_7=agency.open_24_7 if agency is not None else False,
            extra_holidays=extra,
        )

    @classmethod
    def for_region(cls, region, *, region_holidays: Mapping | None = None) -> WorkingCalendar:
        """The ordinary government office schedule of ``region``: default hours, its holidays, its zone."""
        return cls.for_agency(None, region, region_holidays=region_holidays)

    # --- days and instants --------------------------------------------------------------------------------

    def is_holiday(self, day: dt.date) -> bool:
        """A national holiday, cuti bersama (unless excluded) or an extra holiday; ignores the weekday."""
        return day in self.extra_holidays or day in national_holidays(day.year, self.include_cuti_bersama)

    def is_working_day(self, day: dt.date) -> bool:
        """The office opens on this (local) date: its weekday has hours and it is no holiday. Always true for
        a 24/7 agency."""
        if self.open_24_7:
            return True
        return day.weekday() in self.hours and not self.is_holiday(day)

    def office_hours(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """Opening and closing of a (local) date as UTC datetimes, or ``None`` when it is not a working day.
        Not meaningful for a 24/7 agency (returns the whole day)."""
        if self.open_24_7:
            start = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
            return start.astimezone(UTC), (start + dt.timedelta(days=1)).astimezone(UTC)
        if not self.is_working_day(day):
            return None
        opening, closing = self.hours[day.weekday()]
        return (
            dt.datetime.combine(day, opening, tzinfo=self.tz).astimezone(UTC),
            dt.datetime.combine(day, closing, tzinfo=self.tz).astimezone(UTC),
        )

    def local_date(self, moment: dt.datetime) -> dt.date:
        _require_aware(moment, "moment")
        return moment.astimezone(self.tz).date()

    def is_working_time(self, moment: dt.datetime) -> bool:
        """``moment`` falls inside office hours (opening included, closing excluded) on a working day."""
        _require_aware(moment, "moment")
        if self.open_24_7:
            return True
        span = self.office_hours(self.local_date(moment))
        return span is not None and span[0] <= moment < span[1]

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    # --- hours --------------------------------------------------------------------------------------------

    def add_hours(self, start: dt.datetime, hours: float, mode: HourMode | str = HourMode.CALENDAR) -> dt.datetime:
        """``start`` plus ``hours``: wall-clock hours (``"calendar"``) or office hours (``"working"``, see
        :meth:`add_working_seconds`). For a 24/7 agency both modes agree."""
        _require_aware(start, "start")
        mode = HourMode(mode)
        if mode is HourMode.CALENDAR or self.open_24_7:
            return self._local(start.astimezone(UTC) + dt.timedelta(hours=hours))
        return self.add_working_seconds(start, hours * 3600)

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working time in seconds from ``a`` to ``b`` (negative when ``b`` is before ``a``). For a 24/7
        agency: plain elapsed seconds."""
        _require_aware(a, "a")
        _require_aware(b, "b")
        if b < a:
            return -self.working_seconds_between(b, a)
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if self.open_24_7:
            return (b - a).total_seconds()
        first, last = self.local_date(a), self.local_date(b)
        if (last - first).days > MAX_SPAN_DAYS:
            raise ValueError(f"Span longer than {MAX_SPAN_DAYS} days.")
        total = dt.timedelta()
        day = first
        while day <= last:
            span = self.office_hours(day)
            if span is not None:
                lo, hi = max(a, span[0]), min(b, span[1])
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total.total_seconds()

    def add_working_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant when ``seconds`` of working time have passed since ``start``; the inverse of
        :meth:`working_seconds_between`. A start outside office hours begins at the next opening; a budget
        that runs out exactly at closing time returns the closing time. Negative ``seconds`` count backwards
        (when did a deadline pass). Zero returns ``start``. For a 24/7 agency: ``start + seconds``."""
        _require_aware(start, "start")
        if seconds == 0:
            return self._local(start)
        start_utc = start.astimezone(UTC)
        if self.open_24_7:
            return self._local(start_utc + dt.timedelta(seconds=seconds))
        remaining = dt.timedelta(seconds=abs(seconds))
        step = dt.timedelta(days=1 if seconds > 0 else -1)
        day = self.local_date(start)
        for _ in range(MAX_SPAN_DAYS):
            span = self.office_hours(day)
            if span is not None:
                if seconds > 0:
                    lo, hi = max(start_utc, span[0]), span[1]
                else:
                    lo, hi = span[0], min(start_utc, span[1])
                if hi > lo:
                    if remaining <= hi - lo:
                        return self._local(lo + remaining if seconds > 0 else hi - remaining)
                    remaining -= hi - lo
            day += step
        raise ValueError(f"Working time not exhausted within {MAX_SPAN_DAYS} days.")

    # --- working days -------------------------------------------------------------------------------------

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The deadline of ``days`` working days (hari kerja) counted from ``start``: the closing time of the
        Nth whole working day that opens at or after ``start``.

        So a report received during office hours does not count its day of receipt (received Monday 10:00,
        3 working days: due Thursday at closing); one received outside office hours or on a holiday counts
        from the next working day (received Saturday, or Friday after closing: Monday is day 1, due Wednesday
        at closing; received Monday 06:00 before opening: Monday is day 1). For a 24/7 agency a working day is
        a calendar day: ``start + days``."""
        _require_aware(start, "start")
        if days < 1:
            raise ValueError("days must be at least 1.")
        if self.open_24_7:
            return self._local(start.astimezone(UTC) + dt.timedelta(days=days))
        start_utc = start.astimezone(UTC)
        day = self.local_date(start)
        counted = 0
        for _ in range(MAX_SPAN_DAYS):
            span = self.office_hours(day)
            if span is not None and span[0] >= start_utc:
                counted += 1
                if counted == days:
                    return self._local(span[1])
            day += dt.timedelta(days=1)
        raise ValueError(f"{days} working days do not fit in {MAX_SPAN_DAYS} days.")
