"""Property tests of deadline arithmetic (``deadlines/calendar.py``): for every time zone (WIB, WITA, WIT), for
office schedules drawn at random (and the default one), with holidays (national, cuti bersama and extra days)
and for 24/7 agencies, adding working time never goes backwards, is monotonic in the start and in the duration,
lands inside office hours on a working day, and is the inverse of measuring working time.

Bounded: 150 examples per property, no deadline per example (a calendar walks day by day)."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from layan.deadlines.calendar import WorkingCalendar

UTC = dt.UTC
ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]  # WIB, WITA, WIT
# derandomized: the same examples on every run and machine, so a CI failure reproduces locally
BOUND = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# instants over the years the holidays package knows cuti bersama for, at second precision
instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 10, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
quarter_hours = st.integers(min_value=0, max_value=95).map(lambda n: dt.time(n // 4, (n % 4) * 15))


@st.composite
def spans(draw):
    """Opening and closing of one weekday, at least two hours apart (the calendar refuses spans beyond five years,
    which 20 working days of 15-minute Sundays would need: a documented ValueError, not a property)."""
    opening, closing = draw(quarter_hours), draw(quarter_hours)
    assume(
        dt.datetime.combine(dt.date.min, closing) - dt.datetime.combine(dt.date.min, opening) >= dt.timedelta(hours=2)
    )
    return [opening.strftime("%H:%M"), closing.strftime("%H:%M")]


schedules = st.one_of(
    st.none(),  # the default: Monday-Thursday 07:30-16:00, Friday 07:30-16:30
    st.dictionaries(st.sampled_from("0123456"), spans(), min_size=1, max_size=7),
)
extra_holidays = st.sets(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)), max_size=30)


@st.composite
def calendars(draw, open_24_7=None):
    return WorkingCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        working_hours=draw(schedules),
        open_24_7=draw(st.booleans()) if open_24_7 is None else open_24_7,
        extra_holidays=draw(extra_holidays),
        include_cuti_bersama=draw(st.booleans()),
    )


# up to 20 working days of 8.5 hours, in whole seconds
durations = st.integers(min_value=0, max_value=20 * 30600)


@BOUND
@given(calendars(), instants, durations)
def test_adding_working_time_never_goes_backwards(calendar, start, seconds):
    assert calendar.add_working_seconds(start, seconds) >= start


@BOUND
@given(calendars(), instants, instants, durations)
def test_monotonic_in_the_start(calendar, a, b, seconds):
    a, b = min(a, b), max(a, b)
    assert calendar.add_working_seconds(a, seconds) <= calendar.add_working_seconds(b, seconds)


@BOUND
@given(calendars(), instants, durations, durations)
def test_monotonic_in_the_duration(calendar, start, s1, s2):
    s1, s2 = min(s1, s2), max(s1, s2)
    assert calendar.add_working_seconds(start, s1) <= calendar.add_working_seconds(start, s2)


@BOUND
@given(calendars(open_24_7=False), instants, durations.filter(lambda s: s > 0))
def test_lands_inside_office_hours_on_a_working_day(calendar, start, seconds):
    """A budget runs out during office hours of a working day (at closing time at the latest), in local time."""
    due = calendar.add_working_seconds(start, seconds)
    assert due.tzinfo is not None and due.utcoffset() == ZoneInfo(calendar.timezone).utcoffset(due)
    day = calendar.local_date(due)
    assert calendar.is_working_day(day)
    opening, closing = calendar.office_hours(day)
    assert opening < due <= closing


@BOUND
@given(calendars(), instants, durations)
def test_is_the_inverse_of_measuring(calendar, start, seconds):
    due = calendar.add_working_seconds(start, seconds)
    assert abs(calendar.working_seconds_between(start, due) - seconds) < 1e-6


@BOUND
@given(calendars(open_24_7=True), instants, durations)
def test_a_24_7_agency_counts_wall_clock_time(calendar, start, seconds):
    assert calendar.add_working_seconds(start, seconds) == start + dt.timedelta(seconds=seconds)
    assert calendar.add_hours(start, seconds / 3600, "working") == calendar.add_hours(start, seconds / 3600)


@BOUND
@given(calendars(), instants, instants, st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60))
def test_working_days_are_monotonic_and_end_at_closing(calendar, a, b, d1, d2):
    a, b = min(a, b), max(a, b)
    d1, d2 = min(d1, d2), max(d1, d2)
    due = calendar.add_working_days(a, d1)
    assert a < due <= calendar.add_working_days(b, d1)
    assert due <= calendar.add_working_days(a, d2)
    if not calendar.open_24_7:
        day = calendar.local_date(due)
        assert calendar.is_working_day(day) and calendar.office_hours(day)[1] == due
