"""Tests of the working calendar. Expected values are hand-computed in the comments.

Default schedule: Monday-Thursday 07:30-16:00 (8.5 h = 30600 s), Friday 07:30-16:30 (9 h = 32400 s).
WIB = UTC+7 (Asia/Jakarta), WITA = UTC+8 (Asia/Makassar), WIT = UTC+9 (Asia/Jayapura).
Week used most: Fri 2025-08-22, Sat 23, Sun 24, Mon 25, Tue 26, Wed 27, Thu 28, Fri 29.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from layan.core.models import Agency, Region, RegionHoliday, default_working_hours
from layan.deadlines.calendar import (
    DEFAULT_WORKING_HOURS,
    MAX_SPAN_DAYS,
    HourMode,
    WorkingCalendar,
    load_region_holidays,
    national_holidays,
    parse_working_hours,
)

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
UTC = dt.UTC


def at(y, m, d, hh=0, mm=0, tz=WIB):
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


@pytest.fixture
def cal():
    return WorkingCalendar("Asia/Jakarta", None, False, set())


# --- schedule and holidays ---------------------------------------------------------------------------------


def test_default_hours_mirror_core_default():
    assert DEFAULT_WORKING_HOURS == default_working_hours()


def test_parse_working_hours_accepts_int_keys_and_rejects_bad_spans():
    assert parse_working_hours({5: ["08:00", "12:00"]}) == {5: (dt.time(8), dt.time(12))}
    assert parse_working_hours({}) == parse_working_hours(DEFAULT_WORKING_HOURS)
    with pytest.raises(ValueError):
        parse_working_hours({"0": ["16:00", "07:30"]})
    with pytest.raises(ValueError):
        parse_working_hours({"7": ["07:30", "16:00"]})
    with pytest.raises(ValueError):
        parse_working_hours({"0": ["7.30"]})


def test_weekends_are_not_working_days(cal):
    assert cal.is_working_day(dt.date(2025, 8, 22))  # Friday
    assert not cal.is_working_day(dt.date(2025, 8, 23))  # Saturday
    assert not cal.is_working_day(dt.date(2025, 8, 24))  # Sunday
    assert cal.is_working_day(dt.date(2025, 8, 25))  # Monday


def test_national_holidays(cal):
    assert not cal.is_working_day(dt.date(2026, 8, 17))  # Monday, Hari Kemerdekaan
    assert cal.is_working_day(dt.date(2026, 8, 18))  # Tuesday, no cuti bersama in 2026
    assert not cal.is_working_day(dt.date(2025, 12, 25))  # Thursday, Natal
    assert "Kemerdekaan" in national_holidays(2026)[dt.date(2026, 8, 17)]


def test_cuti_bersama_is_included(cal):
    assert not cal.is_working_day(dt.date(2025, 12, 26))  # Friday, cuti bersama Natal
    assert not cal.is_working_day(dt.date(2025, 8, 18))  # Monday, cuti bersama Kemerdekaan
    # Lebaran 2026: Idul Fitri Sat 21 + Sun 22 March; cuti bersama Fri 20, Mon 23, Tue 24; Nyepi Thu 19 with
    # its cuti bersama Wed 18.
    for day in (18, 19, 20, 23, 24):
        assert not cal.is_working_day(dt.date(2026, 3, day)), day
    assert cal.is_working_day(dt.date(2026, 3, 17))
    assert cal.is_working_day(dt.date(2026, 3, 25))
    assert "Cuti Bersama" in national_holidays(2025)[dt.date(2025, 12, 26)]
    assert dt.date(2025, 12, 26) not in national_holidays(2025, include_cuti_bersama=False)


def test_cuti_bersama_can_be_excluded():
    cal = WorkingCalendar("Asia/Jakarta", None, False, set(), include_cuti_bersama=False)
    assert cal.is_working_day(dt.date(2025, 12, 26))
    assert not cal.is_working_day(dt.date(2025, 12, 25))


def test_extra_holidays(cal):
    extra = WorkingCalendar("Asia/Jakarta", None, False, {dt.date(2025, 11, 10)})
    assert cal.is_working_day(dt.date(2025, 11, 10))
    assert not extra.is_working_day(dt.date(2025, 11, 10))


def test_custom_hours_with_saturday_and_closed_friday():
    # Monday-Thursday 08:00-15:00, Saturday 08:00-12:00, closed Friday.
    cal = WorkingCalendar(
        "Asia/Jakarta",
        {
            0: ["08:00", "15:00"],
            1: ["08:00", "15:00"],
            2: ["08:00", "15:00"],
            3: ["08:00", "15:00"],
            5: ["08:00", "12:00"],
        },
        False,
        set(),
    )
    assert not cal.is_working_day(dt.date(2025, 8, 22))  # Friday
    assert cal.is_working_day(dt.date(2025, 8, 23))  # Saturday
    # Thu 28 14:00 + 3 working hours: 1 h Thursday, Friday closed, Sat 08:00 + 2 h = Sat 30 10:00.
    assert cal.add_hours(at(2025, 8, 28, 14), 3, "working") == at(2025, 8, 30, 10)


# --- instants and time zones -------------------------------------------------------------------------------


def test_is_working_time_boundaries(cal):
    assert not cal.is_working_time(at(2025, 8, 25, 7, 29))
    assert cal.is_working_time(at(2025, 8, 25, 7, 30))  # opening included
    assert cal.is_working_time(at(2025, 8, 25, 15, 59))
    assert not cal.is_working_time(at(2025, 8, 25, 16, 0))  # closing excluded
    assert cal.is_working_time(at(2025, 8, 22, 16, 15))  # Friday closes 16:30
    assert not cal.is_working_time(at(2025, 8, 23, 10))  # Saturday
    assert not cal.is_working_time(at(2025, 12, 26, 10))  # cuti bersama
    # The instant is converted to local time first: 03:00 UTC = 10:00 WIB Monday.
    assert cal.is_working_time(dt.datetime(2025, 8, 25, 3, tzinfo=UTC))


def test_naive_datetimes_are_rejected(cal):
    with pytest.raises(ValueError):
        cal.is_working_time(dt.datetime(2025, 8, 25, 10))
    with pytest.raises(ValueError):
        cal.add_working_days(dt.datetime(2025, 8, 25, 10), 1)


def test_three_time_zones_same_instant():
    wib = WorkingCalendar("Asia/Jakarta", None, False, set())
    wita = WorkingCalendar("Asia/Makassar", None, False, set())
    wit = WorkingCalendar("Asia/Jayapura", None, False, set())

    # Fri 2025-08-22 00:00 UTC = 07:00 WIB (before opening), 08:00 WITA, 09:00 WIT (open).
    early = dt.datetime(2025, 8, 22, 0, 0, tzinfo=UTC)
    assert (wib.is_working_time(early), wita.is_working_time(early), wit.is_working_time(early)) == (
        False,
        True,
        True,
    )
    # Fri 08:45 UTC = 15:45 WIB (open until 16:30), 16:45 WITA and 17:45 WIT (closed).
    late = dt.datetime(2025, 8, 22, 8, 45, tzinfo=UTC)
    assert (wib.is_working_time(late), wita.is_working_time(late), wit.is_working_time(late)) == (
        True,
        False,
        False,
    )
    # Fri 16:30 UTC is still Friday 23:30 in WIB but already Saturday in WITA (00:30) and WIT (01:30).
    midnight = dt.datetime(2025, 8, 22, 16, 30, tzinfo=UTC)
    assert [c.local_date(midnight) for c in (wib, wita, wit)] == [
        dt.date(2025, 8, 22),
        dt.date(2025, 8, 23),
        dt.date(2025, 8, 23),
    ]

    # Mon 2025-08-25 08:45 UTC + 1 working hour:
    # WIB 15:45 Mon: 15 min to 16:00, 45 min from Tue 07:30 -> Tue 08:15 WIB = Tue 01:15 UTC.
    # WITA 16:45 Mon and WIT 17:45 Mon are after closing: Tue 07:30 + 1 h = 08:30 local
    # = Tue 00:30 UTC (WITA) and Mon 23:30 UTC (WIT).
    start = dt.datetime(2025, 8, 25, 8, 45, tzinfo=UTC)
    assert wib.add_hours(start, 1, "working") == dt.datetime(2025, 8, 26, 1, 15, tzinfo=UTC)
    assert wita.add_hours(start, 1, "working") == dt.datetime(2025, 8, 26, 0, 30, tzinfo=UTC)
    assert wit.add_hours(start, 1, "working") == dt.datetime(2025, 8, 25, 23, 30, tzinfo=UTC)
    assert wita.add_hours(start, 1, "working") == at(2025, 8, 26, 8, 30, tz=WITA)

    # Mon 2025-08-25 00:15 UTC + 1 working day:
    # WIB 07:15, before opening: Monday is day 1 -> Mon 16:00 WIB = 09:00 UTC.
    # WITA 08:15 / WIT 09:15, during hours: Monday is the day of receipt, Tuesday day 1 -> Tue 16:00 local
    # = Tue 08:00 UTC (WITA), Tue 07:00 UTC (WIT).
    start = dt.datetime(2025, 8, 25, 0, 15, tzinfo=UTC)
    assert wib.add_working_days(start, 1) == dt.datetime(2025, 8, 25, 9, 0, tzinfo=UTC)
    assert wita.add_working_days(start, 1) == dt.datetime(2025, 8, 26, 8, 0, tzinfo=UTC)
    assert wit.add_working_days(start, 1) == dt.datetime(2025, 8, 26, 7, 0, tzinfo=UTC)
    # Results come back in the calendar's local zone.
    assert wit.add_working_days(start, 1).utcoffset() == dt.timedelta(hours=9)


# --- hours -------------------------------------------------------------------------------------------------


def test_calendar_hours_ignore_the_schedule(cal):
    # Fri 15:00 + 24 wall-clock hours = Sat 15:00.
    assert cal.add_hours(at(2025, 8, 22, 15), 24, "calendar") == at(2025, 8, 23, 15)
    assert cal.add_hours(at(2025, 8, 22, 15), 24) == at(2025, 8, 23, 15)  # calendar is the default
    with pytest.raises(ValueError):
        cal.add_hours(at(2025, 8, 22, 15), 24, "fortnightly")


def test_working_hours_across_a_night(cal):
    # Mon 15:00 + 2 h: 1 h to 16:00, then Tue 07:30 + 1 h = Tue 08:30.
    assert cal.add_hours(at(2025, 8, 25, 15), 2, HourMode.WORKING) == at(2025, 8, 26, 8, 30)


def test_working_hours_across_a_weekend(cal):
    # Fri 15:00 + 3 h: 1.5 h to 16:30, weekend skipped, Mon 07:30 + 1.5 h = Mon 09:00.
    assert cal.add_hours(at(2025, 8, 22, 15), 3, "working") == at(2025, 8, 25, 9)
    # "1x24 jam" counted in office hours from Fri 15:00: Fri 1.5 h (22.5 h left), Mon 8.5 h (14 h left),
    # Tue 8.5 h (5.5 h left), Wed 07:30 + 5.5 h = Wed 13:00.
    assert cal.add_hours(at(2025, 8, 22, 15), 24, "working") == at(2025, 8, 27, 13)


def test_working_hours_start_outside_hours(cal):
    # Saturday 10:00 + 1 h: starts at Mon 07:30 -> Mon 08:30.
    assert cal.add_hours(at(2025, 8, 23, 10), 1, "working") == at(2025, 8, 25, 8, 30)
    # Mon 06:00 + 1 h: starts at the same day's opening -> Mon 08:30.
    assert cal.add_hours(at(2025, 8, 25, 6), 1, "working") == at(2025, 8, 25, 8, 30)


def test_budget_ending_at_closing_returns_closing(cal):
    # Mon 15:00 + 1 h = Mon 16:00 exactly (not Tue 07:30).
    assert cal.add_working_seconds(at(2025, 8, 25, 15), 3600) == at(2025, 8, 25, 16)
    assert cal.add_working_seconds(at(2025, 8, 25, 15), 0) == at(2025, 8, 25, 15)


def test_working_hours_skip_holidays(cal):
    # Wed 2025-12-24 15:00 + 2 h: 1 h to 16:00; Thu 25 Natal, Fri 26 cuti bersama, weekend;
    # Mon 29 07:30 + 1 h = 08:30.
    assert cal.add_hours(at(2025, 12, 24, 15), 2, "working") == at(2025, 12, 29, 8, 30)


def test_working_seconds_between_across_a_night_and_a_weekend(cal):
    # Fri 15:00 -> Mon 09:00: 1.5 h Friday + 1.5 h Monday = 3 h.
    assert cal.working_seconds_between(at(2025, 8, 22, 15), at(2025, 8, 25, 9)) == 3 * 3600
    # Reversed order gives the negative.
    assert cal.working_seconds_between(at(2025, 8, 25, 9), at(2025, 8, 22, 15)) == -3 * 3600
    # Entirely outside hours: Saturday to Sunday.
    assert cal.working_seconds_between(at(2025, 8, 23, 8), at(2025, 8, 24, 20)) == 0
    # A whole week Mon 00:00 -> next Mon 00:00: 4 x 8.5 h + 9 h = 43 h.
    assert cal.working_seconds_between(at(2025, 8, 25), at(2025, 9, 1)) == 43 * 3600


def test_working_seconds_between_across_a_pause(cal):
    # Budget 24 working hours. Clock runs Mon 25 10:00 -> 14:00 (4 h), pauses (Tertunda) until Wed 27 09:00.
    budget = 24 * 3600
    elapsed = cal.working_seconds_between(at(2025, 8, 25, 10), at(2025, 8, 25, 14))
    assert elapsed == 4 * 3600
    # 20 h left from Wed 09:00: Wed 7 h (13 h left), Thu 8.5 h (4.5 h left), Fri 07:30 + 4.5 h = Fri 12:00.
    deadline = cal.add_working_seconds(at(2025, 8, 27, 9), budget - elapsed)
    assert deadline == at(2025, 8, 29, 12)
    # Without the pause: Mon 6 h (18 h left), Tue 8.5 h (9.5 h left), Wed 8.5 h (1 h left),
    # Thu 07:30 + 1 h = Thu 08:30.
    assert cal.add_working_seconds(at(2025, 8, 25, 10), budget) == at(2025, 8, 28, 8, 30)
    # Working time during the pause (Mon 14:00 -> Wed 09:00) is what the pause saved: 2 + 8.5 + 1.5 = 12 h.
    assert cal.working_seconds_between(at(2025, 8, 25, 14), at(2025, 8, 27, 9)) == 12 * 3600


def test_add_working_seconds_is_the_inverse_of_working_seconds_between(cal):
    starts = [at(2025, 8, 22, 15), at(2025, 8, 23, 10), at(2025, 12, 24, 9), at(2026, 3, 17, 16, 30)]
    for start in starts:
        for hours in (0.25, 1, 8.5, 24, 100):
            end = cal.add_working_seconds(start, hours * 3600)
            assert cal.working_seconds_between(start, end) == pytest.approx(hours * 3600), (start, hours)


def test_negative_seconds_count_backwards(cal):
    # Mon 08:30 - 2 working hours: 1 h back to Mon 07:30, then Fri 16:30 - 1 h = Fri 15:30.
    assert cal.add_working_seconds(at(2025, 8, 25, 8, 30), -2 * 3600) == at(2025, 8, 22, 15, 30)


def test_loops_are_bounded(cal):
    with pytest.raises(ValueError):
        cal.working_seconds_between(at(2025, 1, 1), at(2025, 1, 1) + dt.timedelta(days=MAX_SPAN_DAYS + 2))
    with pytest.raises(ValueError):
        cal.add_working_seconds(at(2025, 1, 1), 100_000 * 3600)
    with pytest.raises(ValueError):
        cal.add_working_days(at(2025, 1, 1), 10_000)
    with pytest.raises(ValueError):
        cal.add_working_days(at(2025, 1, 1), 0)


# --- working days ------------------------------------------------------------------------------------------


def test_working_days_from_monday(cal):
    # Received Mon 10:00, 3 working days: Tue (1), Wed (2), Thu (3) -> Thu 28 16:00.
    assert cal.add_working_days(at(2025, 8, 25, 10), 3) == at(2025, 8, 28, 16)
    # 4 working days end on Friday, which closes at 16:30.
    assert cal.add_working_days(at(2025, 8, 25, 10), 4) == at(2025, 8, 29, 16, 30)


def test_working_days_from_friday_afternoon(cal):
    # Received Fri 22 14:00 (during hours): Mon 25 (1), Tue 26 (2), Wed 27 (3) -> Wed 16:00.
    assert cal.add_working_days(at(2025, 8, 22, 14), 3) == at(2025, 8, 27, 16)
    # Received Fri 22 17:00 (after closing): counting starts Monday as day 1 -> also Wed 27 16:00.
    assert cal.add_working_days(at(2025, 8, 22, 17), 3) == at(2025, 8, 27, 16)


def test_working_days_from_saturday(cal):
    # Received Sat 23: Mon 25 (1), Tue 26 (2), Wed 27 (3) -> Wed 16:00.
    assert cal.add_working_days(at(2025, 8, 23, 10), 3) == at(2025, 8, 27, 16)
    # Received Mon 06:00, before opening: Monday is day 1 -> Wed 27 16:00 as well.
    assert cal.add_working_days(at(2025, 8, 25, 6), 3) == at(2025, 8, 27, 16)


def test_working_days_across_holidays(cal):
    # Received Wed 2025-12-24 10:00: Thu 25 Natal, Fri 26 cuti bersama, weekend;
    # Mon 29 (1), Tue 30 (2), Wed 31 (3) -> Wed 31 16:00.
    assert cal.add_working_days(at(2025, 12, 24, 10), 3) == at(2025, 12, 31, 16)
    # Received Fri 2026-08-14 10:00: weekend, Mon 17 Kemerdekaan; Tue 18 (1), Wed 19 (2), Thu 20 (3).
    assert cal.add_working_days(at(2026, 8, 14, 10), 3) == at(2026, 8, 20, 16)
    # Lebaran 2026: received Tue 17 March 10:00; 18-24 March closed (see above); Wed 25 (1), Thu 26 (2).
    assert cal.add_working_days(at(2026, 3, 17, 10), 2) == at(2026, 3, 26, 16)


# --- 24/7 agency -------------------------------------------------------------------------------------------


def test_open_24_7_agency():
    cal = WorkingCalendar("Asia/Jakarta", None, True, {dt.date(2025, 8, 25)})
    assert cal.is_working_day(dt.date(2025, 8, 23))  # Saturday
    assert cal.is_working_day(dt.date(2025, 12, 25))  # Natal
    assert cal.is_working_day(dt.date(2025, 8, 25))  # extra holiday ignored
    assert cal.is_working_time(at(2025, 8, 24, 3))  # Sunday 03:00
    # Working days are calendar days: Sat 23 10:00 + 3 days = Tue 26 10:00.
    assert cal.add_working_days(at(2025, 8, 23, 10), 3) == at(2025, 8, 26, 10)
    # Working hours are wall-clock hours: Fri 15:00 + 24 h = Sat 15:00.
    assert cal.add_hours(at(2025, 8, 22, 15), 24, "working") == at(2025, 8, 23, 15)
    assert cal.working_seconds_between(at(2025, 8, 22, 15), at(2025, 8, 25, 9)) == 66 * 3600
    assert cal.add_working_seconds(at(2025, 8, 22, 15), -3600) == at(2025, 8, 22, 14)


# --- built from the database -------------------------------------------------------------------------------


@pytest.fixture
def regions(db):
    jatim = Region.objects.create(code="35", name="Jawa Timur", level="provinsi", timezone="Asia/Jakarta")
    surabaya = Region.objects.create(
        code="35.78", name="Kota Surabaya", level="kabkota", parent=jatim, timezone="Asia/Jakarta"
    )
    malang = Region.objects.create(
        code="35.73", name="Kota Malang", level="kabkota", parent=jatim, timezone="Asia/Jakarta"
    )
    sulsel = Region.objects.create(code="73", name="Sulawesi Selatan", level="provinsi", timezone="Asia/Makassar")
    papua = Region.objects.create(code="91", name="Papua", level="provinsi", timezone="Asia/Jayapura")
    # Mon 2025-11-10: only Surabaya; Tue 2025-11-11: all of Jawa Timur; Wed 2025-11-12: national.
    RegionHoliday.objects.create(date=dt.date(2025, 11, 10), name="Hari jadi kota", region=surabaya)
    RegionHoliday.objects.create(date=dt.date(2025, 11, 11), name="Libur provinsi", region=jatim)
    RegionHoliday.objects.create(date=dt.date(2025, 11, 12), name="Libur nasional tambahan", region=None)
    return {"jatim": jatim, "surabaya": surabaya, "malang": malang, "sulsel": sulsel, "papua": papua}


def make_agency(slug, home_region=None, **kwargs):
    return Agency.objects.create(
        name=slug.title(), slug=slug, kind="opd", level="kabkota", home_region=home_region, **kwargs
    )


@pytest.mark.django_db
def test_for_agency_applies_regional_and_national_extra_holidays(regions):
    sby = WorkingCalendar.for_agency(make_agency("dinas-sby", regions["surabaya"]))
    mlg = WorkingCalendar.for_agency(make_agency("dinas-mlg", regions["malang"]))
    assert not sby.is_working_day(dt.date(2025, 11, 10))  # Surabaya's own holiday
    assert mlg.is_working_day(dt.date(2025, 11, 10))  # ... does not apply in Malang
    assert not sby.is_working_day(dt.date(2025, 11, 11))  # province-wide holiday reaches both
    assert not mlg.is_working_day(dt.date(2025, 11, 11))
    assert not sby.is_working_day(dt.date(2025, 11, 12))  # national row
    assert not mlg.is_working_day(dt.date(2025, 11, 12))
    assert mlg.is_working_day(dt.date(2025, 11, 13))
    # Received in Surabaya Fri 2025-11-07 10:00, 3 working days: Mon 10, Tue 11, Wed 12 closed;
    # Thu 13 (1), Fri 14 (2), Mon 17 (3) -> Mon 17 16:00.
    assert sby.add_working_days(at(2025, 11, 7, 10), 3) == at(2025, 11, 17, 16)


@pytest.mark.django_db
def test_for_agency_with_prefetched_holidays_needs_no_query(regions, django_assert_num_queries):
    agency = make_agency("dinas-sby", regions["surabaya"])
    agency = Agency.objects.select_related("home_region").get(pk=agency.pk)
    prefetched = load_region_holidays()
    with django_assert_num_queries(0):
        cal = WorkingCalendar.for_agency(agency, region_holidays=prefetched)
        assert not cal.is_working_day(dt.date(2025, 11, 10))
        assert not cal.is_working_day(dt.date(2025, 11, 11))
        assert not cal.is_working_day(dt.date(2025, 11, 12))
        cal.add_working_days(at(2025, 11, 7, 10), 60)
    assert cal.extra_holidays == WorkingCalendar.for_agency(agency).extra_holidays


@pytest.mark.django_db
def test_for_agency_time_zone_and_hours(regions):
    makassar = WorkingCalendar.for_agency(make_agency("dinas-sulsel", regions["sulsel"]))
    assert makassar.timezone == "Asia/Makassar"
    assert makassar.is_working_day(dt.date(2025, 11, 10))  # Surabaya's holiday is not Makassar's
    assert not makassar.is_working_day(dt.date(2025, 11, 12))  # the national row is
    # No home region: the given region decides the time zone and the regional holidays.
    kementerian = make_agency("kementerian-x")
    assert WorkingCalendar.for_agency(kementerian, regions["papua"]).timezone == "Asia/Jayapura"
    assert WorkingCalendar.for_agency(kementerian).timezone == "Asia/Jakarta"
    assert not WorkingCalendar.for_agency(kementerian, regions["surabaya"]).is_working_day(dt.date(2025, 11, 10))
    assert WorkingCalendar.for_agency(kementerian).is_working_day(dt.date(2025, 11, 10))
    # A home region wins over the given region.
    assert WorkingCalendar.for_agency(make_agency("dinas-papua", regions["papua"]), regions["sulsel"]).timezone == (
        "Asia/Jayapura"
    )
    # Hours and the 24/7 flag come from the agency.
    rsud = make_agency("rsud", regions["surabaya"], open_24_7=True)
    assert WorkingCalendar.for_agency(rsud).is_working_day(dt.date(2025, 11, 10))
    samsat = make_agency("samsat", regions["surabaya"], working_hours={"5": ["08:00", "12:00"]})
    assert WorkingCalendar.for_agency(samsat).is_working_day(dt.date(2025, 11, 8))  # Saturday
    assert not WorkingCalendar.for_agency(samsat).is_working_day(dt.date(2025, 11, 7))  # Friday
    # for_region: ordinary office schedule of the region.
    assert WorkingCalendar.for_region(regions["surabaya"]).hours == parse_working_hours(DEFAULT_WORKING_HOURS)
