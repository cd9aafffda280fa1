"""Clocks: start, stop, pause, resume, and describe them in plain words.

Each transition of a report (``layan.reports.workflow``) names its clock effect; the workflow calls these
functions inside the same database transaction, so a clock never disagrees with the report's state.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .calendar import WorkingCalendar
from .models import Clock, Step, Unit
from .policies import Budget, budget_for

DUE_SOON_FRACTION = 0.75


def calendar_for(report, agency) -> WorkingCalendar:
    return WorkingCalendar.for_agency(agency, region=report.region)


def compute_due(calendar: WorkingCalendar, start: dt.datetime, budget: Budget) -> dt.datetime:
    amount = float(budget.amount)
    if budget.unit == Unit.WORKING_DAYS:
        return calendar.add_working_days(start, int(amount))
    mode = "working" if budget.unit == Unit.WORKING_HOURS else "calendar"
    return calendar.add_hours(start, amount, mode)


def _remind_at(calendar, clock: Clock) -> dt.datetime:
    """The instant at which ``reminder_fraction`` of the clock's time is used."""
    if clock.unit == Unit.CALENDAR_HOURS:
        return clock.started_at + (clock.due_at - clock.started_at) * float(clock.reminder_fraction)
    total = calendar.working_seconds_between(clock.started_at, clock.due_at)
    return calendar.add_working_seconds(clock.started_at, total * float(clock.reminder_fraction))


def _reminder_tail(calendar, clock: Clock) -> float:
    """The time between the reminder and the deadline (wall seconds, or working seconds for working units)."""
    if clock.remind_at is None:
        return 0.0
    if clock.unit == Unit.CALENDAR_HOURS:
        return max((clock.due_at - clock.remind_at).total_seconds(), 0.0)
    return max(calendar.working_seconds_between(clock.remind_at, clock.due_at), 0.0)


def _shifted_reminder(calendar, clock: Clock, tail: float, at: dt.datetime) -> dt.datetime:
    """After a pause the reminder keeps its distance to the (new) deadline: the paused time is not time used.
    Never before the resumption itself."""
    if clock.unit == Unit.CALENDAR_HOURS:
        remind = clock.due_at - dt.timedelta(seconds=tail)
    else:
        remind = calendar.add_working_seconds(clock.due_at, -tail) if tail else clock.due_at
    return max(remind, at)


def start_clock(
    report, step: str, agency, *, disposition=None, at: dt.datetime | None = None, replace: bool = True
) -> Clock:
    """Start (or restart) the clock for ``step``; an already running clock for the same step is replaced.
    ``replace=False`` skips looking for one, for a report stored in this same transaction (the intake)."""
    at = at or timezone.now()
    if replace:
        cancel_clocks(report, [step], disposition=disposition, at=at)
    budget = budget_for(step, agency=agency, category=report.category, report_type=report.type, weight=report.weight)
    calendar = calendar_for(report, agency)
    clock = Clock(
        report=report,
        disposition=disposition,
        agency=agency,
        step=step,
        amount=budget.amount,
        unit=budget.unit,
        reminder_fraction=budget.reminder_fraction,
        supervisor_after=budget.supervisor_after,
        started_at=at,
        due_at=compute_due(calendar, at, budget),
    )
    clock.remind_at = _remind_at(calendar, clock)
    clock.next_check_at = clock.remind_at
    clock.save()
    return clock


def _running(report, steps, disposition=None):
    qs = Clock.objects.filter(report=report, status__in=[Clock.Status.RUNNING, Clock.Status.PAUSED])
    if steps is not None:
        qs = qs.filter(step__in=steps)
    if disposition is not None:
        qs = qs.filter(disposition=disposition)
    return qs


def stop_clocks(report, steps, *, disposition=None, at: dt.datetime | None = None) -> list[Clock]:
    """Stop the running clocks of ``steps``: met if stopped by their due time, late otherwise."""
    at = at or timezone.now()
    stopped = []
    for clock in _running(report, steps, disposition):
        due = clock.due_at
        if clock.status == Clock.Status.PAUSED:
            due = at  # stopped while paused: no time was lost
        clock.status = Clock.Status.MET if at <= due else Clock.Status.LATE
        clock.stopped_at, clock.next_check_at = at, None
        clock.save(update_fields=["status", "stopped_at", "next_check_at"])
        stopped.append(clock)
    return stopped


def cancel_clocks(report, steps=None, *, disposition=None, at: dt.datetime | None = None) -> int:
    return _running(report, steps, disposition).update(
        status=Clock.Status.CANCELLED, stopped_at=at or timezone.now(), next_check_at=None
    )


def pause_clocks(report, *, at: dt.datetime | None = None) -> int:
    """Stop the clocks of a report while it waits for the reporter (status Tertunda), keeping what is left."""
    at = at or timezone.now()
    count = 0
    for clock in _running(report, None).filter(status=Clock.Status.RUNNING):
        calendar = calendar_for(report, clock.agency)
        if clock.unit == Unit.CALENDAR_HOURS:
            clock.remaining_seconds = (clock.due_at - at).total_seconds()
        else:
            clock.remaining_seconds = calendar.working_seconds_between(at, clock.due_at)
        clock.status, clock.paused_at, clock.next_check_at = Clock.Status.PAUSED, at, None
        clock.save(update_fields=["status", "paused_at", "remaining_seconds", "next_check_at"])
        count += 1
    return count


def resume_clocks(report, *, at: dt.datetime | None = None) -> int:
    """Restart paused clocks with the time they had left when paused."""
    at = at or timezone.now()
    count = 0
    for clock in _running(report, None).filter(status=Clock.Status.PAUSED):
        calendar = calendar_for(report, clock.agency)
        remaining = clock.remaining_seconds or 0.0
        tail = _reminder_tail(calendar, clock)
        if clock.unit == Unit.CALENDAR_HOURS:
            clock.due_at = at + dt.timedelta(seconds=remaining)
        else:
            clock.due_at = calendar.add_working_seconds(at, remaining)
        clock.status, clock.paused_at, clock.remaining_seconds = Clock.Status.RUNNING, None, None
        if clock.escalation_level == 0:
            clock.remind_at = _shifted_reminder(calendar, clock, tail, at)
            clock.next_check_at = clock.remind_at
        else:
            clock.next_check_at = clock.due_at
        clock.save()
        count += 1
    return count


@dataclass(frozen=True)
class ClockView:
    clock: Clock
    state: str  # on_time, due_soon, overdue, met, met_late, paused
    state_label: str
    sentence: str


STATE_LABELS = {
    "on_time": gettext_lazy("tepat waktu"),
    "due_soon": gettext_lazy("segera jatuh tempo"),
    "overdue": gettext_lazy("terlambat"),
    "met": gettext_lazy("terpenuhi tepat waktu"),
    "met_late": gettext_lazy("terpenuhi terlambat"),
    "paused": gettext_lazy("dihentikan sementara (menunggu pelapor)"),
}

STEP_PHRASES = {
    Step.VERIFICATION: gettext_lazy("verifikasi"),
    Step.DISPATCH: gettext_lazy("disposisi"),
    Step.FIRST_RESPONSE: gettext_lazy("respon pertama"),
    Step.FOLLOW_UP: gettext_lazy("tindak lanjut"),
    Step.RESOLUTION: gettext_lazy("penyelesaian"),
    Step.CONFIRMATION: gettext_lazy("konfirmasi pelapor"),
}


def clock_state(clock: Clock, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if clock.status == Clock.Status.MET:
        return "met"
    if clock.status == Clock.Status.LATE:
        return "met_late"
    if clock.status == Clock.Status.PAUSED:
        return "paused"
    if now > clock.due_at:
        return "overdue"
    if clock.remind_at and now >= clock.remind_at:
        return "due_soon"
    return "on_time"


def format_local(moment: dt.datetime, tz_name: str) -> str:
    """E.g. "Senin, 24 Nov 2025 10.00 WIB" in the active language, in the region's own time zone."""
    from zoneinfo import ZoneInfo

    from layan.core.regions import TIMEZONE_ABBREVIATIONS

    local = moment.astimezone(ZoneInfo(tz_name))
    return f"{formats.date_format(local, 'l, j M Y')} {local:%H.%M} {TIMEZONE_ABBREVIATIONS.get(tz_name, tz_name)}"


def describe(clock: Clock, now: dt.datetime | None = None) -> ClockView:
    state = clock_state(clock, now)
    tz = clock.report.region.timezone if clock.report.region_id else clock.agency.timezone
    step = STEP_PHRASES[clock.step]
    if state == "paused":
        sentence = _("Tenggat %(step)s dihentikan sementara sampai pelapor melengkapi informasi.") % {"step": step}
    elif state in ("met", "met_late"):
        sentence = _("%(step)s: selesai %(when)s (tenggat %(due)s)") % {
            "step": str(step).capitalize(),
            "when": format_local(clock.stopped_at, tz),
            "due": format_local(clock.due_at, tz),
        }
    else:
        sentence = _("%(step)s paling lambat %(due)s") % {
            "step": str(step).capitalize(),
            "due": format_local(clock.due_at, tz),
        }
    return ClockView(clock, state, str(STATE_LABELS[state]), sentence)


def report_clocks(report, now=None, include_stopped=True) -> list[ClockView]:
    qs = report.clocks.select_related("agency", "report__region").exclude(status=Clock.Status.CANCELLED)
    if not include_stopped:
        qs = qs.filter(status__in=[Clock.Status.RUNNING, Clock.Status.PAUSED])
    return [describe(c, now) for c in qs.order_by("started_at", "pk")]
