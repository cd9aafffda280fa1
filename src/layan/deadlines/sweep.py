"""The deadline sweep: moves every due clock up its escalation ladder (see ``layan.deadlines.ladder``).

It selects running clocks whose ``next_check_at`` has come through the ``clock_sweep_idx`` index on
``(status, next_check_at)``, in batches of ``batch_size`` rows walked in the index's own order (keyset
pagination on ``(next_check_at, pk)``: each batch starts strictly after the last row of the previous one), so
a run reads only the due rows, never all clocks and never all due rows at once: ordering by the primary key
alone made SQLite walk the whole table in key order and PostgreSQL sort every remaining due row per batch.
Each batch is one transaction that

1. locks the batch's reports (``FOR NO KEY UPDATE`` on PostgreSQL, in primary key order), the same order as
   ``workflow.perform`` (report, then its clocks), so a sweep and a staff action cannot deadlock;
2. claims each clock's step with a conditional UPDATE: ``escalation_level`` (and ``next_check_at``, ``status``)
   must still be what the sweep read, and only the process whose UPDATE changed the row acts. Two sweeps at
   once (two workers, a worker and ``layan sla-sweep``) or a sweep run twice therefore notify nothing twice;
3. writes the timeline entries (``ReportEvent``) and the staff's ``Notification`` rows in bulk, and queues
   their delivery after the commit (one task per batch, ``layan.deadlines.tasks.deliver_sweep_notifications``);
4. closes reports whose confirmation window ran out through ``workflow.perform(report, "auto_close",
   SYSTEM_ACTOR)``.

A batch that fails (a database error) is rolled back and retried clock by clock; a clock that still fails is
logged and stays due for the next sweep. The work per run is proportional to the clocks that are due, not to
the open reports (bench/sweep_bench.py).
"""

import datetime as dt
import logging
import time
from dataclasses import asdict, dataclass, fields

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from .ladder import Calendars, Directory, Wording, escalation_enabled, message, plan
from .models import Clock, Step, SweepRun

log = logging.getLogger(__name__)

BATCH_SIZE = 500
ROW_FIELDS = (
    "id",
    "report_id",
    "disposition_id",
    "agency_id",
    "step",
    "unit",
    "supervisor_after",
    "remind_at",
    "due_at",
    "escalation_level",
    "next_check_at",
    "report__state",
    "report__tracking_number",
    "report__title",
    "report__privacy",
    "report__region_id",
    "report__admin_agency_id",
)


@dataclass
class SweepResult:
    examined: int = 0
    reminders: int = 0
    head_escalations: int = 0
    supervisor_escalations: int = 0
    reporter_reminders: int = 0
    auto_closed: int = 0
    rescheduled: int = 0
    lost_claims: int = 0
    errors: int = 0
    events: int = 0
    notifications: int = 0
    seconds: float = 0.0

    def merge(self, other: "SweepResult") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def acted(self) -> int:
        steps = (self.reminders, self.head_escalations, self.supervisor_escalations, self.reporter_reminders)
        return sum(steps) + self.auto_closed


COUNTERS = {
    "remind": "reminders",
    "head": "head_escalations",
    "supervisor": "supervisor_escalations",
    "remind_reporter": "reporter_reminders",
}


def due_clocks(now: dt.datetime, *, escalation: bool = True):
    """Running clocks whose next step is due at ``now``; only confirmation windows when escalation is off."""
    qs = Clock.objects.filter(status=Clock.Status.RUNNING, next_check_at__lte=now)
    return qs if escalation else qs.filter(step=Step.CONFIRMATION)


class _Context:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.directory = Directory()
        self.calendars = Calendars(self.directory)
        self.wording = Wording()


def sweep(now: dt.datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Run every due step once. Idempotent; safe to run in several processes at once."""
    started = time.perf_counter()
    now = now or timezone.now()
    result = SweepResult()
    queryset = due_clocks(now, escalation=escalation_enabled()).order_by("next_check_at", "pk").values(*ROW_FIELDS)
    context = None
    after = None
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            page = queryset
            if after is not None:  # keyset: strictly after the last row read, in the index's own order
                later = Q(next_check_at__gt=after[0]) | Q(next_check_at=after[0], pk__gt=after[1])
                # the plain bound lets the index scan start there, past the entries already swept
                page = page.filter(later, next_check_at__gte=after[0])
            rows = list(page[:batch_size])
            if not rows:
                break
            after = (rows[-1]["next_check_at"], rows[-1]["id"])
            context = context or _Context(now)
            result.examined += len(rows)
            result.merge(_run_batch(rows, context))
    result.seconds = time.perf_counter() - started
    if result.acted or result.errors:
        log.info("deadline sweep: %s", result.as_dict())
    return result


def _run_batch(rows: list[dict], context: _Context) -> SweepResult:
    try:
        with transaction.atomic():
            return _process(rows, context)
    except DatabaseError:
        log.warning("deadline sweep: batch from clock %s failed, retrying clock by clock", rows[0]["id"], exc_info=True)
    result = SweepResult()
    for row in rows:
        try:
            with transaction.atomic():
                result.merge(_process([row], context))
        except DatabaseError:
            log.exception("deadline sweep: clock %s failed; it stays due", row["id"])
            result.errors += 1
    return result


def _lock_reports(report_ids) -> None:
    from layan.reports.models import Report

    if connection.features.has_select_for_update:
        locked = Report.objects.filter(pk__in=sorted(set(report_ids))).order_by("pk").select_for_update(no_key=True)
        list(locked.values_list("pk", flat=True))


def _claim_sql() -> str:
    table = connection.ops.quote_name(Clock._meta.db_table)
    return (
        f"UPDATE {table} SET escalation_level = %s, next_check_at = %s "
        "WHERE id = %s AND status = %s AND escalation_level = %s AND next_check_at = %s"
    )


def _claim_params(row: dict, level: int, next_check_at) -> list:
    adapt = connection.ops.adapt_datetimefield_value
    old_next = adapt(row["next_check_at"])
    return [level, adapt(next_check_at), row["id"], Clock.Status.RUNNING.value, row["escalation_level"], old_next]


def _claim(row: dict, level: int, next_check_at) -> bool:
    """Take this clock's step: the conditional UPDATE

        Clock.objects.filter(pk=id, status=RUNNING, escalation_level=old, next_check_at=old_next)
                     .update(escalation_level=new, next_check_at=next)

    written once as SQL (the ORM spent ten times longer compiling it than the database running it). It changes
    the row only if nobody moved the clock since the sweep read it; True means this process won the step."""
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), _claim_params(row, level, next_check_at))
        return cursor.rowcount == 1


def _claim_all(claims: list[tuple[dict, int, object]]) -> set[int]:
    """The ids of the clocks this process won, one conditional UPDATE (:func:`_claim`) per clock. On
    PostgreSQL the UPDATEs go in one pipeline (psycopg's ``executemany``, ``RETURNING id`` per statement), so a
    batch costs one round trip instead of one per clock; each statement is still decided on its own."""
    if not claims:
        return set()
    if connection.vendor != "postgresql":
        return {row["id"] for row, level, next_check in claims if _claim(row, level, next_check)}
    won = set()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.executemany(_claim_sql() + " RETURNING id", [_claim_params(*claim) for claim in claims], returning=True)
        while True:
            won.update(pk for (pk,) in raw.fetchall())
            if not raw.nextset():
                break
    return won


def _process(rows: list[dict], context: _Context) -> SweepResult:
    """Claim and act on ``rows`` inside the caller's transaction."""
    from layan.notifications.models import Notification
    from layan.reports.models import ReportEvent

    result = SweepResult()
    now = context.now
    _lock_reports(r["report_id"] for r in rows)
    context.calendars.load_regions({r["report__region_id"] for r in rows})
    events, recipients_of, closing = [], [], []
    plans = [(row, plan(row, now, context.calendars)) for row in rows]
    won = _claim_all([(row, p.level, p.next_check_at) for row, p in plans])
    for row, step_plan in plans:
        if row["id"] not in won:
            result.lost_claims += 1
            continue
        if not step_plan.actions:
            result.rescheduled += 1
        for action in step_plan.actions:
            if action == "auto_close":
                closing.append(row)
                continue
            msg = message(action, row, context.directory, context.calendars, context.wording)
            setattr(result, COUNTERS[action], getattr(result, COUNTERS[action]) + 1)
            events.append(
                ReportEvent(
                    report_id=row["report_id"],
                    action=msg.action,
                    actor_kind="system",
                    agency_id=row["agency_id"],
                    disposition_id=row["disposition_id"],
                    from_state=row["report__state"],
                    to_state=row["report__state"],
                    note=msg.note,
                    is_public=msg.is_public,
                    clock_effect=msg.clock_effect,
                    deadline_at=row["due_at"],
                    created_at=now,
                )
            )
            recipients_of.append(msg)
    if events:
        ReportEvent.objects.bulk_create(events)
        event_ids = [e.pk for e in events]
        notifications = [
            Notification(event=event, channel="email", recipient=email, subject=msg.subject, body=msg.body)
            for event, msg in zip(events, recipients_of, strict=True)
            for email in msg.recipients
        ]
        Notification.objects.bulk_create(notifications)
        result.events += len(events)
        result.notifications += len(notifications)
        _queue_delivery(event_ids)
        from layan.webhooks.hooks import sweep_events_recorded

        sweep_events_recorded(events)  # reminders and escalations, for the agencies' webhooks
    for row in closing:
        result.merge(_auto_close(row, now))
    return result


def _auto_close(row: dict, now: dt.datetime) -> SweepResult:
    from layan.reports.models import Report
    from layan.reports.workflow import SYSTEM_ACTOR, TransitionError, perform

    result = SweepResult()
    report = Report(pk=row["report_id"])
    try:
        with transaction.atomic():
            perform(report, "auto_close", SYSTEM_ACTOR, at=now)
    except TransitionError:
        # the report is no longer waiting for its reporter: this window is stale
        Clock.objects.filter(pk=row["id"], status=Clock.Status.RUNNING).update(
            status=Clock.Status.CANCELLED, stopped_at=now, next_check_at=None
        )
        log.warning("deadline sweep: report %s not closable, confirmation clock cancelled", row["report_id"])
        return result
    result.auto_closed += 1
    result.events += 1
    return result


def _queue_delivery(event_ids: list[int]) -> None:
    from .tasks import deliver_sweep_notifications

    transaction.on_commit(lambda: deliver_sweep_notifications.enqueue(event_ids))


# --- scheduling: the worker's periodic run ---------------------------------------------------------------------


def slot_for(moment: dt.datetime, every: int) -> str:
    return f"sla:{every}:{int(moment.timestamp()) // every}"


def run_scheduled_sweep(every: int, *, now: dt.datetime | None = None, keep_days: int = 30) -> SweepResult | None:
    """Run the sweep once for the current ``every``-second slot, unless another process already took it.

    The slot row (``SweepRun``, unique) is the guard that keeps two workers from sweeping at the same instant;
    correctness never depends on it, the sweep being idempotent. Returns None when the slot was taken."""
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            run = SweepRun.objects.create(slot=slot_for(moment, every), started_at=moment)
    except IntegrityError:
        return None
    result = sweep(now)
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result.as_dict())
    SweepRun.objects.filter(started_at__lt=moment - dt.timedelta(days=keep_days)).delete()
    return result
