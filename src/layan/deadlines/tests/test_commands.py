"""``layan sla-sweep``, the ``sla_sweep`` task and the worker's periodic sweep."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from layan.deadlines.models import Clock, Step, SweepRun
from layan.deadlines.sweep import run_scheduled_sweep, slot_for
from layan.reports.models import ReportEvent

from .conftest import at


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def test_command_prints_what_it_did(dispatched):
    dispatched()  # first response due Tue 24 Nov 10.00
    out = io.StringIO()
    call_command("sla-sweep", "--dry-run", "--now", "2026-11-24T10:30:00+07:00", stdout=out)
    assert "Tenggat jatuh tempo: 1" in out.getvalue()
    assert not ReportEvent.objects.filter(actor_kind="system").exists()
    out = io.StringIO()
    call_command("sla-sweep", "--now", "2026-11-24T10:30", stdout=out)  # naive: the platform's zone (WIB)
    text = out.getvalue()
    assert "Eskalasi ke pimpinan" in text and "Tenggat diperiksa" in text
    lines = dict(line.rsplit(None, 1) for line in text.splitlines() if line[-1:].isdigit())
    assert lines["Eskalasi ke pimpinan"] == "1" and lines["Notifikasi dibuat"] == "1"
    assert Clock.objects.get(step=Step.FIRST_RESPONSE).escalation_level == 2


def test_command_rejects_a_bad_time(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sla-sweep", "--now", "besok")


def test_task_runs_the_sweep(dispatched, time_machine):
    from layan.deadlines.tasks import sla_sweep

    dispatched()
    time_machine.move_to(at(2026, 11, 24, 5), tick=False)
    result = sla_sweep.enqueue()  # the immediate backend in tests
    assert result.return_value["reminders"] == 1


def test_scheduled_sweep_runs_once_per_slot(dispatched):
    dispatched()
    moment = at(2026, 11, 24, 10, 1)
    first = run_scheduled_sweep(300, now=moment)
    assert first is not None and first.head_escalations == 1
    assert run_scheduled_sweep(300, now=at(2026, 11, 24, 10, 4)) is None  # same 5-minute slot: another worker's
    run = SweepRun.objects.get()
    assert run.slot == slot_for(moment, 300) and run.finished_at and run.result["head_escalations"] == 1
    assert run_scheduled_sweep(300, now=at(2026, 11, 24, 10, 6)).examined == 0  # next slot: nothing left


def test_worker_starts_the_sweep_thread(monkeypatch):
    from layan.core.management.commands import worker
    from layan.ops import taskqueue

    calls = []
    started = []
    monkeypatch.setattr(taskqueue, "call_command", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(worker.SweepScheduler, "start", lambda self: started.append(self.every))
    call_command("worker", "--sweep-every", "60")
    assert started == [60] and calls[0][0] == ("db_worker",)
    call_command("worker", "--batch")
    assert started == [60]  # no periodic sweep in batch mode


def test_scheduler_thread_sweeps_and_survives_a_failure(monkeypatch):
    from layan.core.management.commands import worker
    from layan.deadlines import sweep as sweep_module

    scheduler = worker.SweepScheduler(every=1)
    calls = []

    def fake_run(every):
        calls.append(every)
        if len(calls) == 1:
            raise RuntimeError("database away")  # logged; the next slot runs anyway
        scheduler.stop()

    monkeypatch.setattr(sweep_module, "run_scheduled_sweep", fake_run)
    monkeypatch.setattr(worker.random, "uniform", lambda a, b: 0)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "connections", type("C", (), {"close_all": staticmethod(lambda: None)}))
    scheduler.every = 0  # no waiting between runs in the test
    scheduler.run()
    assert calls == [0, 0]
