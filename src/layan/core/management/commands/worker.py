import logging
import random
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections

from layan.ops.taskqueue import DATABASE, backend_kind, queue_names, run_worker

log = logging.getLogger("layan.worker")


class SweepScheduler(threading.Thread):
    """Runs the deadline sweep every ``every`` seconds in its own thread (and so its own database connection),
    beside the task worker. Two workers share each time slot through ``SweepRun`` (only one sweeps per slot);
    the sweep is idempotent, so even a second run in the same instant would notify nothing twice."""

    def __init__(self, every: int):
        super().__init__(name="sla-sweep", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self):
        from layan.deadlines.sweep import run_scheduled_sweep

        delay = random.uniform(1, min(10, self.every))  # noqa: S311 - jitter, not security
        while not self.stopped.wait(delay):
            try:
                close_old_connections()
                result = run_scheduled_sweep(self.every)
                if result is not None and (result.acted or result.errors):
                    log.info("sla sweep: %s", result.as_dict())
                if result is not None:  # this worker won the slot: also re-queue webhook deliveries left stuck
                    from layan.webhooks.services import redrive

                    requeued = redrive()
                    if requeued:
                        log.info("webhook redrive: %s deliveries re-queued", requeued)
                    from layan.channels.tasks import redrive_stuck

                    stuck = redrive_stuck()
                    if stuck:
                        log.info("channels: %s inbound messages stored but never processed, queued again", stuck)
                    from layan.notifications.services import redrive_pending

                    pending = redrive_pending()
                    if pending:
                        log.info("notifications: %s left pending, queued again", pending)
                    from layan.reports.privacy import erase_due_contacts

                    erased = erase_due_contacts()  # anonymous reporters' at closure, others' after the retention
                    if erased:
                        log.info("reporter contact erased for %s citizens (retention)", erased)
                    from layan.channels.intake import purge_rejected

                    purged = purge_rejected()
                    if purged:
                        log.info("channels: %s records of refused webhook requests purged", purged)
            except Exception:  # noqa: BLE001 - the scheduler must outlive one failed run
                log.exception("sla sweep failed; next run in %s s", self.every)
            finally:
                connections.close_all()
            delay = self.every

    def stop(self):
        self.stopped.set()


class Command(BaseCommand):
    help = "Run the background task worker (database queue, or RQ with TASKS_BACKEND=rq) on every Layan queue."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="process what is queued, then exit")
        parser.add_argument(
            "--queues",
            nargs="+",
            choices=queue_names(),
            help="only these queues (default: all of them); e.g. a worker for 'training' alone",
        )
        parser.add_argument(
            "--sweep-every",
            type=int,
            default=300,
            help="seconds between deadline sweeps (0 = off; never in --batch mode)",
        )

    def handle(self, *args, interval, batch, sweep_every, queues=None, **options):
        scheduler = retrain = keeper = worker_id = None
        if backend_kind() == DATABASE:  # a lease, so a task this worker dies in is queued again (ops.leases)
            from layan.ops.leases import LeaseKeeper, new_worker_id, renew

            worker_id = new_worker_id()
            renew(worker_id)  # before the first claim
            keeper = LeaseKeeper(worker_id)
            keeper.start()
        if sweep_every > 0 and not batch:
            scheduler = SweepScheduler(sweep_every)
            scheduler.start()
        if not batch:  # routing models: retrained every LAYAN_ROUTER_RETRAIN_HOURS, one worker per period
            from layan.routing.schedule import RetrainScheduler

            retrain = RetrainScheduler.start_if_enabled()
        try:  # the database queue's db_worker, or RQ's worker when TASKS_BACKEND=rq (layan.ops.taskqueue)
            run_worker(interval=interval, batch=batch, queues=queues, worker_id=worker_id)
        finally:
            for thread in (scheduler, retrain, keeper):
                if thread is not None:
                    thread.stop()
