"""The data generator of the benchmarks (``bench/generate.py``) on a small history: what it writes holds together
as the workflow would have left it, and the same seed gives the same history."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import Count, Q

from bench.datagen import reference, shape
from bench.datagen.history import Simulator, TrackingNumbers
from bench.generate import arrival_times, generate

NOW = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
OPEN = ("baru", "tertunda", "terverifikasi", "terdisposisi", "diproses")


@pytest.fixture
def history(db):
    """300 reports over the last two and a half weeks (so that open reports of every state are among them)."""
    return generate(300, seed=11, now=NOW, years=0.05, progress=lambda message: None)


def test_counts_and_states(history):
    from layan.deadlines.models import Clock
    from layan.reports.models import Disposition, Report, ReportEvent, Support

    assert Report.objects.count() == 300 == history["n"]
    assert Clock.objects.count() == history["rows"]["clocks"]
    assert ReportEvent.objects.count() == history["rows"]["events"]
    assert Disposition.objects.count() == history["rows"]["dispositions"]
    states = dict(Report.objects.values_list("state").annotate(n=Count("pk")).order_by())
    assert set(states) == set(Report.State.values)  # every status, from Belum Terverifikasi to Arsip
    assert states == history["states"]
    assert sum(states[s] for s in OPEN) == history["open"]
    assert states["ditutup"] + states["arsip"] > sum(states[s] for s in OPEN) / 3  # plenty of finished ones too
    assert ReportEvent.objects.filter(action="submit").count() == 300
    assert Support.objects.count() == sum(Report.objects.values_list("support_count", flat=True))


def test_open_reports_have_running_clocks(history):
    from layan.deadlines.models import Clock
    from layan.reports.models import Report

    running = Q(clocks__status=Clock.Status.RUNNING)
    paused = Q(clocks__status=Clock.Status.PAUSED)
    reports = Report.objects.annotate(running=Count("clocks", filter=running), paused=Count("clocks", filter=paused))
    for report in reports:
        if report.state == "tertunda":
            assert report.paused and not report.running, report.tracking_number
        elif report.state in OPEN or report.state == "selesai":
            assert report.running, report.tracking_number
        else:
            assert not report.running and not report.paused, report.tracking_number
    # the sweep's bookkeeping: a running clock waits for its next threshold, or has climbed the whole ladder
    for clock in Clock.objects.filter(status=Clock.Status.RUNNING):
        if clock.escalation_level < 3:
            assert clock.next_check_at is not None and clock.next_check_at >= NOW - dt.timedelta(minutes=5)
        assert clock.started_at <= NOW
    assert Clock.objects.filter(status=Clock.Status.RUNNING, due_at__lt=NOW).exists()  # some are overdue
    overdue = Report.objects.filter(clocks__status=Clock.Status.RUNNING, clocks__due_at__lt=NOW).distinct()
    assert all(r.events.filter(action="escalation").exists() for r in overdue)


def test_referential_integrity_and_consistency(history):
    from layan.core.models import Agency, Citizen
    from layan.deadlines.models import Clock
    from layan.reports.models import Disposition, Report, ReportEvent

    connection.check_constraints()  # every foreign key points at a row (raises IntegrityError otherwise)
    report_ids = set(Report.objects.values_list("pk", flat=True))
    disposition_ids = set(Disposition.objects.values_list("pk", flat=True))
    assert set(Clock.objects.values_list("report_id", flat=True)) <= report_ids
    assert set(Clock.objects.exclude(disposition=None).values_list("disposition_id", flat=True)) <= disposition_ids
    assert set(ReportEvent.objects.exclude(disposition=None).values_list("disposition_id", flat=True)) <= (
        disposition_ids
    )
    assert set(Report.objects.exclude(reporter=None).values_list("reporter_id", flat=True)) <= set(
        Citizen.objects.values_list("pk", flat=True)
    )
    pemda = set(Agency.objects.filter(kind=Agency.Kind.PEMDA).values_list("pk", flat=True))
    assert set(Report.objects.values_list("admin_agency_id", flat=True)) <= pemda
    numbers = list(Report.objects.values_list("tracking_number", flat=True))
    assert len(set(numbers)) == 300 and all(len(n) == 9 and n[4] == "-" for n in numbers)
    for report in Report.objects.all():
        events = list(report.events.order_by("created_at", "pk"))
        assert events[0].action == "submit" and events[0].created_at == report.created_at
        assert all(e.created_at <= NOW for e in events)
        last_transition = [e for e in events if e.action not in ("reminder", "escalation")][-1]
        assert last_transition.to_state == report.state, report.tracking_number
        if report.state in ("diproses", "selesai", "ditutup"):
            assert report.first_response_at is not None and report.dispatched_at is not None
        if report.state in ("ditutup", "arsip"):
            assert report.closed_at is not None
    assert not Disposition.objects.filter(report__state__in=["baru", "tertunda"]).exists()


def test_same_seed_same_history(db):
    data_shape = shape.load()
    world = reference.build(data_shape)

    def simulate(seed):
        rng = random.Random(seed)
        simulator = Simulator(world, data_shape, rng, NOW, seed)
        for index, moment in enumerate(arrival_times(150, rng, NOW, 0.2, data_shape.cum_hour_of_week)):
            simulator.report(index + 1, moment)
        return simulator.rows

    first, again, other = simulate(5), simulate(5), simulate(6)
    assert vars(first) == vars(again)
    assert first.reports != other.reports


def test_tracking_numbers_never_repeat():
    numbers = TrackingNumbers(3)
    drawn = {numbers(i) for i in range(1, 200_001)}
    assert len(drawn) == 200_000
    assert numbers(1) != TrackingNumbers(4)(1)


def test_built_in_shape_without_the_file(tmp_path):
    fallback = shape.load(tmp_path / "missing.csv")
    assert fallback.source.startswith("built-in")
    assert len(fallback.hour_of_week) == 168 and len(fallback.first_answer_hours) == 1000
    assert 6 < fallback.first_answer_hours[500] < 10  # median about 8 hours
