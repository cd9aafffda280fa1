"""Scheduled retraining of the routing models, run beside the task worker (``layan worker``).

Every ``LAYAN_ROUTER_RETRAIN_HOURS`` (0 = never) one worker queues the ``retrain_router`` task. Which worker is
decided as for the deadline sweep: the first to record the period's slot (a unique ``deadlines.SweepRun`` row
named ``router:<hours>:<n>``) queues it, the others see the slot taken. A worker started in a period nobody has
claimed yet queues at once; the task skips a model whose labelled reports did not change.
"""

import datetime as dt
import logging
import random
import threading

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone

log = logging.getLogger("layan.worker")
CHECK_EVERY = 600  # seconds between looks at the clock


def slot_for(moment: dt.datetime, hours: float) -> str:
    period = max(int(hours * 3600), 1)
    return f"router:{hours:g}:{int(moment.timestamp()) // period}"


def claim_and_queue(hours: float, *, now: dt.datetime | None = None) -> bool:
    """Queue a retraining if this process is the first to claim the current period; True if it queued one."""
    from layan.deadlines.models import SweepRun

    from .tasks import retrain_router

    moment = now or timezone.now()
    try:
        with transaction.atomic():
            SweepRun.objects.create(slot=slot_for(moment, hours), started_at=moment)
    except IntegrityError:
        return False
    retrain_router.enqueue(only_if_changed=True)
    return True


class RetrainScheduler(threading.Thread):
    def __init__(self, hours: float):
        super().__init__(name="router-retrain", daemon=True)
        self.hours = hours
        self.stopped = threading.Event()

    @classmethod
    def start_if_enabled(cls) -> "RetrainScheduler | None":
        hours = float(getattr(settings, "LAYAN_ROUTER_RETRAIN_HOURS", 0) or 0)
        if hours <= 0:
            return None
        scheduler = cls(hours)
        scheduler.start()
        return scheduler

    def run(self):
        every = min(CHECK_EVERY, max(int(self.hours * 3600), 1))
        delay = random.uniform(1, min(30, every))  # noqa: S311 - jitter, not security
        while not self.stopped.wait(delay):
            try:
                close_old_connections()
                if claim_and_queue(self.hours):
                    log.info("router retraining queued (every %s h)", self.hours)
            except Exception:  # noqa: BLE001 - the scheduler must outlive one failed look
                log.exception("router retraining could not be queued; next look in %s s", every)
            finally:
                connections.close_all()
            delay = every

    def stop(self):
        self.stopped.set()
