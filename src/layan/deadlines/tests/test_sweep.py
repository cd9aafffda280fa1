"""The escalation ladder run by the sweep, with frozen time. Hand-computed instants are in the comments.

The main report is dispatched to DLH Surabaya (an OPD under Pemkot Surabaya, default office hours, WIB) on
Monday 23 Nov 2026 10.00 WIB. Its first-response clock (1x24 jam, calendar hours, reminder at 75%, supervisor
after 24 more hours): remind_at = Tue 24 Nov 04.00, due_at = Tue 24 Nov 10.00, supervisor at Wed 25 Nov 10.00.
Its follow-up and resolution clocks (5 working days) are due Mon 30 Nov 16.00 and stay quiet until Thursday.
"""

import datetime as dt

import time_machine
from django.core import mail

from layan.deadlines.models import Clock, Step
from layan.deadlines.sweep import sweep
from layan.notifications.models import Notification
from layan.reports.models import Report, ReportEvent
from layan.reports.workflow import Actor, perform

from .conftest import WIT, WITA, at


def first_clock(report):
    return Clock.objects.get(report=report, step=Step.FIRST_RESPONSE, status__in=["running", "paused"])


def ladder_events(report):
    return list(ReportEvent.objects.filter(report=report, actor_kind="system").order_by("pk"))


def recipients(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient", flat=True))


def test_clock_starts_with_its_reminder_as_next_check(dispatched):
    report = dispatched()
    clock = first_clock(report)
    assert clock.remind_at == at(2026, 11, 24, 4)
    assert clock.due_at == at(2026, 11, 24, 10)
    assert clock.next_check_at == clock.remind_at
    assert clock.escalation_level == 0


def test_nothing_happens_before_the_reminder(dispatched):
    report = dispatched()
    result = sweep(at(2026, 11, 24, 3, 59))
    assert result.examined == 0 and ladder_events(report) == []


def test_reminder_goes_to_the_liaison_officer(dispatched, django_capture_on_commit_callbacks):
    report = dispatched()
    with time_machine.travel(at(2026, 11, 24, 4, 5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = sweep()
    assert result.reminders == 1 and result.head_escalations == 0
    clock = first_clock(report)
    assert clock.escalation_level == 1 and clock.next_check_at == at(2026, 11, 24, 10)
    [event] = ladder_events(report)
    assert event.action == "reminder" and event.clock_effect == "remind:liaison"
    assert not event.is_public and event.actor_kind == "system" and event.agency.slug == "dlh-sby"
    assert "Respon pertama paling lambat Selasa, 24 Nov 2026 10.00 WIB".lower() in event.note.lower()
    assert recipients(event) == ["penghubung.dlh-sby@demo.layan.id"]
    # the internal reminder reaches the liaison officer only, never the reporter
    assert [m.to for m in mail.outbox] == [["penghubung.dlh-sby@demo.layan.id"]]
    assert "paling lambat" in mail.outbox[0].body and "/staf/laporan/" in mail.outbox[0].body
    assert Notification.objects.get(event=event).status == Notification.Status.SENT


def test_escalation_to_head_at_the_deadline(dispatched, django_capture_on_commit_callbacks):
    report = dispatched()
    sweep(at(2026, 11, 24, 5))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(at(2026, 11, 24, 10, 1))
    assert result.head_escalations == 1 and result.reminders == 0
    clock = first_clock(report)
    # supervisor after 24 calendar hours more: Wed 25 Nov 10.00
    assert clock.escalation_level == 2 and clock.next_check_at == at(2026, 11, 25, 10)
    event = ladder_events(report)[-1]
    assert (event.action, event.clock_effect, event.is_public) == ("escalation", "escalate:head", True)
    assert "pimpinan Dinas Lingkungan Hidup Kota Surabaya" in event.note
    assert event.created_at == at(2026, 11, 24, 10, 1)
    assert recipients(event) == ["pimpinan.dlh-sby@demo.layan.id", "siti@example.com"]
    assert sorted(m.to[0] for m in mail.outbox) == ["pimpinan.dlh-sby@demo.layan.id", "siti@example.com"]


def test_escalation_to_the_supervising_level(dispatched):
    report = dispatched()
    sweep(at(2026, 11, 24, 5))
    sweep(at(2026, 11, 24, 11))
    result = sweep(at(2026, 11, 25, 10))
    assert result.supervisor_escalations == 1
    clock = first_clock(report)
    assert clock.escalation_level == 3 and clock.next_check_at is None
    event = ladder_events(report)[-1]
    assert event.clock_effect == "escalate:supervisor" and event.is_public
    # DLH's parent Pemkot Surabaya is overseen by Inspektorat Surabaya (kind inspektorat); the Ombudsman also
    # oversees it but is not the supervising level of the government's own chain.
    assert "Inspektorat Kota Surabaya" in event.note and "Ombudsman" not in event.note
    assert "pengawas.inspektorat-sby@demo.layan.id" in recipients(event)
    assert sweep(at(2026, 11, 26, 10)).supervisor_escalations == 0  # the top of the ladder


def test_late_sweep_catches_up_without_a_stale_reminder(dispatched):
    report = dispatched()
    result = sweep(at(2026, 11, 25, 12))  # nothing ran since the dispatch: past the supervisor step already
    assert (result.reminders, result.head_escalations, result.supervisor_escalations) == (0, 1, 1)
    assert [e.clock_effect for e in ladder_events(report)] == ["escalate:head", "escalate:supervisor"]
    assert first_clock(report).escalation_level == 3


def test_sweep_twice_notifies_nothing_twice(dispatched, django_capture_on_commit_callbacks):
    report = dispatched()
    moment = at(2026, 11, 24, 10, 30)
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep(moment)
        second = sweep(moment)
        third = sweep(at(2026, 11, 24, 10, 35))
    assert first.head_escalations == 1
    assert second.examined == 0 and third.examined == 0
    assert len(ladder_events(report)) == 1
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_stale_read_loses_its_claim(dispatched):
    """A sweep that read a clock before another process claimed it acts on nothing."""
    from layan.deadlines import sweep as sweep_module

    report = dispatched()
    moment = at(2026, 11, 24, 10, 30)
    rows = list(sweep_module.due_clocks(moment).order_by("pk").values(*sweep_module.ROW_FIELDS))
    assert sweep(moment).head_escalations == 1
    context = sweep_module._Context(moment)
    result = sweep_module._run_batch(rows, context)
    assert result.lost_claims == len(rows) and result.events == 0
    assert len(ladder_events(report)) == 1


def test_answered_clock_is_not_escalated(dispatched, staff):
    report = dispatched()
    disposition = report.dispositions.get()
    perform(report, "accept", Actor(user=staff("penghubung.dlh-sby")), disposition=disposition, at=at(2026, 11, 23, 15))
    assert sweep(at(2026, 11, 24, 12)).acted == 0
    assert ladder_events(report) == []


def test_admin_steps_remind_the_platform_admins(agencies):
    from .conftest import new_report

    report = new_report(when=at(2026, 11, 23, 10))  # verification: 3 working days, due Thu 26 Nov 16.00
    clock = Clock.objects.get(report=report, step=Step.VERIFICATION)
    assert clock.due_at == at(2026, 11, 26, 16)
    sweep(clock.remind_at)
    [event] = ladder_events(report)
    assert event.clock_effect == "remind:admin"
    assert recipients(event) == ["admin.surabaya@demo.layan.id"]
    sweep(at(2026, 11, 26, 16, 5))
    event = ladder_events(report)[-1]
    # staff rows are made by the sweep; the reporter's by the delivery task after the commit (not run here)
    assert event.clock_effect == "escalate:head" and recipients(event) == ["pimpinan.surabaya@demo.layan.id"]
    # supervisor_after 1 working day: Fri 27 Nov 16.30 (Friday closes at 16.30)
    assert Clock.objects.get(pk=clock.pk).next_check_at == at(2026, 11, 27, 16, 30)


def test_pause_and_resume_shift_the_deadline(dispatched, staff):
    """Verification (3 working days) of a report received Mon 23 Nov 10.00: due Thu 26 Nov 16.00. The admin
    pends it at once (Mon 10.00): working time left = Mon 6 h + Tue 8.5 + Wed 8.5 + Thu 8.5 = 31.5 h. The
    reporter answers on Wed 25 Nov 09.00: Wed 09.00-16.00 7 h (24.5 left), Thu 8.5 h (16 left), Fri 07.30-16.30
    9 h (7 left), Mon 30 Nov 07.30 + 7 h = Mon 30 Nov 14.30 WIB. The reminder keeps its distance to the deadline
    (the paused days are not time used): before the pause it was at 75% of 31.5 h = 23.625 h after Mon 10.00 ->
    Mon 6 h, Tue 8.5 h, Wed 8.5 h (23 h), Thu 07.30 + 0.625 h = Thu 08.07.30, i.e. 7.875 working hours before the
    deadline; after it: Mon 30 Nov 14.30 - 7.875 h -> Mon 07.30-14.30 is 7 h, Fri 27 Nov 16.30 - 0.875 h =
    Fri 27 Nov 15.37.30."""
    from .conftest import new_report

    report = new_report(when=at(2026, 11, 23, 10))
    clock = Clock.objects.get(report=report, step=Step.VERIFICATION)
    assert clock.due_at == at(2026, 11, 26, 16)
    perform(report, "pend", Actor(user=staff("admin.surabaya")), note="Mohon foto lokasi.", at=at(2026, 11, 23, 10))
    clock.refresh_from_db()
    assert clock.status == Clock.Status.PAUSED and clock.next_check_at is None
    assert clock.remaining_seconds == 31.5 * 3600
    assert sweep(at(2026, 11, 25, 8)).examined == 0  # paused: the old reminder time passes silently
    perform(report, "add_info", Actor(reporter_secret=report.secret), note="Foto terlampir.", at=at(2026, 11, 25, 9))
    clock.refresh_from_db()
    assert clock.status == Clock.Status.RUNNING
    assert clock.due_at == at(2026, 11, 30, 14, 30)
    assert clock.remind_at == at(2026, 11, 27, 15, 37) + dt.timedelta(seconds=30)
    assert sweep(at(2026, 11, 26, 16, 1)).acted == 0  # the old deadline means nothing now
    assert sweep(at(2026, 11, 27, 15, 40)).reminders == 1
    assert sweep(at(2026, 11, 30, 14, 29)).head_escalations == 0
    assert sweep(at(2026, 11, 30, 14, 30)).head_escalations == 1
    assert "Senin, 30 Nov 2026 14.30 WIB" in ladder_events(report)[-1].note


def test_24_7_agency_counts_nights_and_weekends(dispatched):
    """PDAM Surya Sembada runs 24/7: its resolution (5 working days) is 5 calendar days: Fri 27 Nov 18.00 +
    5 days = Wed 2 Dec 18.00, and the supervisor step 1 day later, Thu 3 Dec 18.00."""
    report = dispatched(agency="pdam-sby", when=at(2026, 11, 27, 18))
    clock = Clock.objects.get(report=report, step=Step.RESOLUTION)
    assert clock.due_at == at(2026, 12, 2, 18)
    sweep(at(2026, 12, 2, 18))
    clock.refresh_from_db()
    assert clock.escalation_level == 2 and clock.next_check_at == at(2026, 12, 3, 18)
    assert "Rabu, 2 Des 2026 18.00 WIB" in ladder_events(report)[-1].note


def test_wita_and_wit_regions(agencies, staff):
    """A report from Denpasar (WITA) dispatched to an agency seated there, Mon 23 Nov 2026 09.00 WITA; one from
    Jayapura (WIT) dispatched at the same instant (10.00 WIT). Their 1x24 jam deadlines are shown in their own
    zones; the working-day clocks close at 16.00 local time."""
    from layan.core.models import Agency, Region

    from .conftest import dispatch, new_report

    for code, tz, slug, hour in (("51.71.01", WITA, "dpu-denpasar", 9), ("91.71.01", WIT, "dpu-jayapura", 10)):
        region = Region.objects.get(code=code)
        agency = Agency.objects.create(
            name=f"Dinas PU {region.name}", slug=slug, kind="opd", level="kabkota", home_region=region
        )
        when = at(2026, 11, 23, hour, tz=tz)
        report = new_report(region=code, when=when)
        dispatch(report, staff("sysadmin"), agency, when=when)
        resolution = Clock.objects.get(report=report, step=Step.RESOLUTION)
        assert resolution.due_at == at(2026, 11, 30, 16, tz=tz)  # Tue..Mon, 5 working days, local closing
        sweep(at(2026, 11, 24, hour, 1, tz=tz))
        event = ladder_events(report)[-1]
        zone = "WITA" if tz is WITA else "WIT"
        assert f"Selasa, 24 Nov 2026 {hour:02d}.00 {zone}" in event.note
        assert event.clock_effect == "escalate:head"


def test_auto_close_after_the_confirmation_window(dispatched, staff, django_capture_on_commit_callbacks):
    """Resolved Tue 24 Nov 11.00; 10 working days (reminder at 80%): Wed 25 .. Tue 8 Dec (Fri 25 Dec is far)
    -> due Tue 8 Dec 16.00."""
    report = dispatched()
    disposition = report.dispositions.get()
    agent = Actor(user=staff("penghubung.dlh-sby"))
    perform(report, "resolve", agent, disposition=disposition, note="Lampu sudah diganti.", at=at(2026, 11, 24, 9))
    clock = Clock.objects.get(report=report, step=Step.CONFIRMATION)
    assert clock.due_at == at(2026, 12, 8, 16)
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(clock.remind_at)
    assert result.reporter_reminders == 1
    reminder = ladder_events(report)[-1]
    assert reminder.clock_effect == "remind:reporter" and reminder.is_public
    assert any(m.to == ["siti@example.com"] for m in mail.outbox)
    result = sweep(at(2026, 12, 8, 16, 5))
    assert result.auto_closed == 1
    report.refresh_from_db()
    assert report.state == Report.State.DITUTUP
    closing = ReportEvent.objects.filter(report=report, action="auto_close").get()
    assert closing.actor_kind == "system"
    assert sweep(at(2026, 12, 9)).auto_closed == 0


def test_confirmed_report_is_not_closed_again(dispatched, staff):
    report = dispatched()
    disposition = report.dispositions.get()
    agent = Actor(user=staff("penghubung.dlh-sby"))
    perform(report, "resolve", agent, disposition=disposition, note="Selesai.", at=at(2026, 11, 24, 9))
    perform(report, "confirm", Actor(reporter_secret=report.secret), at=at(2026, 11, 25, 9))
    assert sweep(at(2026, 12, 31)).auto_closed == 0


def test_escalation_can_be_switched_off(dispatched, settings):
    settings.LAYAN_ESCALATION_ENABLED = False
    report = dispatched()
    assert sweep(at(2026, 11, 25, 12)).examined == 0
    assert ladder_events(report) == []
