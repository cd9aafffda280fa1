"""Two sweeps at the same instant, in two threads with their own database connections (PostgreSQL).

Delivery is left queued (the dummy task backend), so only the sweep's own rows are counted: one timeline entry
per ladder step and one notification per staff recipient (the pimpinan, then the inspektorat's pengawas).
"""

import threading

import pytest
from django.db import connection, connections

from layan.deadlines import sweep as sweep_module
from layan.deadlines.models import Clock, Step
from layan.deadlines.sweep import sweep
from layan.notifications.models import Notification
from layan.reports.models import ReportEvent

from .conftest import at

REPORTS = 24
MOMENT = at(2026, 11, 25, 12)  # past the supervisor step: each clock takes two steps in one claim


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def run_in_two_threads(target):
    barrier = threading.Barrier(2)
    results, failures = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(results) == 2
    return results


def assert_each_step_once(results):
    assert sum(r.errors for r in results) == 0
    assert sum(r.head_escalations for r in results) == REPORTS
    assert sum(r.supervisor_escalations for r in results) == REPORTS
    events = ReportEvent.objects.filter(actor_kind="system")
    keys = list(events.values_list("report_id", "disposition_id", "clock_effect"))
    assert len(keys) == 2 * REPORTS and len(set(keys)) == len(keys)
    assert sorted({effect for _r, _d, effect in keys}) == ["escalate:head", "escalate:supervisor"]
    pairs = list(Notification.objects.filter(event__in=events).values_list("event_id", "recipient"))
    assert len(pairs) == len(set(pairs)) == 2 * REPORTS
    levels = set(Clock.objects.filter(step=Step.FIRST_RESPONSE).values_list("escalation_level", flat=True))
    assert levels == {3}
    assert sweep(MOMENT).examined == 0


def make_reports(dispatched):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (one write transaction at a time): concurrency is PostgreSQL's case")
    for i in range(REPORTS):
        dispatched(when=at(2026, 11, 23, 8, i))  # first response due Tue 24 Nov 08.00-08.23, supervisor Wed


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_reading_the_same_clocks_act_once(dispatched, queued_tasks, monkeypatch):
    """Both sweeps read the same due clocks before either claims any (a second barrier makes the overlap
    certain): one claims every step, the other loses every claim."""
    make_reports(dispatched)
    both_read = threading.Barrier(2)
    lock_reports = sweep_module._lock_reports

    def read_then_lock(report_ids):
        report_ids = list(report_ids)
        both_read.wait(timeout=30)
        lock_reports(report_ids)

    monkeypatch.setattr(sweep_module, "_lock_reports", read_then_lock)
    results = run_in_two_threads(lambda: sweep(MOMENT, batch_size=100))
    assert sorted(r.lost_claims for r in results) == [0, REPORTS]
    assert_each_step_once(results)


@pytest.mark.django_db(transaction=True)
def test_two_free_running_sweeps_in_small_batches(dispatched, queued_tasks):
    make_reports(dispatched)
    results = run_in_two_threads(lambda: sweep(MOMENT, batch_size=3))
    assert sum(r.examined for r in results) >= REPORTS
    assert_each_step_once(results)
