"""Prometheus metrics at ``/metrics``.

Two kinds, so that several processes on several machines add up:

- **Per process** (prometheus_client counters and histograms): HTTP requests and their latency by view, reports
  created by channel, tasks queued and finished. Each web process counts what it served; Prometheus scrapes each
  one (``sum by (view) (rate(layan_http_requests_total[5m]))``). With several processes on one machine behind one
  port, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, wiped at each start, shared by the web processes and
  the workers of that machine): prometheus_client's multiprocess mode then adds up every process's files.
- **From the database** (computed at scrape time, kept ``LAYAN_METRICS_DB_TTL`` seconds in the shared cache):
  open reports by state, the task queue's depth (ready, running, failed, oldest waiting) and the last deadline
  sweep (duration, when, what it did). Every instance reports the same values: aggregate with ``max``.

Access: a bearer token (``LAYAN_METRICS_TOKEN``) or a client address in ``LAYAN_METRICS_ALLOWED_IPS``
(addresses or networks). With neither, /metrics answers 404.
"""

import ipaddress
import logging
import os

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "layan_http_requests", "HTTP requests answered, by view (URL name), method and status", ["view", "method", "status"]
)
LATENCY = Histogram(
    "layan_http_request_duration_seconds",
    "Time to answer an HTTP request, by view (URL name) and method",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0),
)
REPORTS_CREATED = Counter("layan_reports_created", "Reports stored by intake in this process, by channel", ["channel"])
TASKS_ENQUEUED = Counter("layan_tasks_enqueued", "Tasks queued by this process, by task and queue", ["task", "queue"])
TASKS_FINISHED = Counter(
    "layan_tasks_finished", "Tasks run by this process (a worker), by task and outcome", ["task", "status"]
)

DB_CACHE_KEY = "layan:ops:metrics:db"


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


# --- recording -----------------------------------------------------------------------------------------------


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view, method, str(status)).inc()
    LATENCY.labels(view, method).observe(seconds)


def _report_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        channel = instance.channel
        transaction.on_commit(lambda: REPORTS_CREATED.labels(channel).inc())


def _task_enqueued(sender, task_result, **kwargs):
    TASKS_ENQUEUED.labels(task_result.task.name, task_result.task.queue_name).inc()


def _task_finished(sender, task_result, **kwargs):
    TASKS_FINISHED.labels(task_result.task.name, str(task_result.status).lower()).inc()


def connect_signals() -> None:
    from django.db.models.signals import post_save
    from django_tasks.signals import task_enqueued, task_finished

    from layan.reports.models import Report

    post_save.connect(_report_saved, sender=Report, dispatch_uid="layan.ops.report_created")
    task_enqueued.connect(_task_enqueued, dispatch_uid="layan.ops.task_enqueued")
    task_finished.connect(_task_finished, dispatch_uid="layan.ops.task_finished")


# --- from the database -----------------------------------------------------------------------------------------


def database_figures() -> dict:
    """The figures read from the database, as plain data (cached in the shared cache between scrapes)."""
    from django.db.models import Count

    from layan.deadlines.models import SweepRun
    from layan.reports.models import Report

    from . import taskqueue

    open_states = [str(state) for state in Report.OPEN_STATES]
    by_state = dict.fromkeys(open_states, 0)
    rows = Report.objects.filter(state__in=open_states).values("state").annotate(n=Count("pk"))
    by_state.update({row["state"]: row["n"] for row in rows})
    last = (  # SweepRun also records the routing retrainer's periods ("router:…"): only the deadline sweep's here
        SweepRun.objects.filter(slot__startswith="sla:", finished_at__isnull=False).order_by("-started_at").first()
    )
    sweep = None
    if last is not None:
        result = last.result or {}
        sweep = {
            "seconds": float(result.get("seconds", 0.0)),
            "finished": last.finished_at.timestamp(),
            "examined": int(result.get("examined", 0)),
            "acted": sum(int(result.get(k, 0)) for k in _SWEEP_ACTIONS),
            "errors": int(result.get("errors", 0)),
        }
    queues = [depth.__dict__ for depth in taskqueue.depths()]
    return {"open_reports": by_state, "sweep": sweep, "queues": queues, "backend": taskqueue.backend_kind()}


_SWEEP_ACTIONS = (
    "reminders",
    "head_escalations",
    "supervisor_escalations",
    "reporter_reminders",
    "auto_closed",
)


class DatabaseCollector:
    """Gauges computed from the database at scrape time (the same for every instance)."""

    def collect(self):
        try:
            figures = cached_database_figures()
        except Exception:  # noqa: BLE001 - a scrape must still return the process metrics
            log.exception("metrics: could not read the figures from the database")
            up = GaugeMetricFamily("layan_database_metrics_up", "1 when the database figures could be read")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("layan_database_metrics_up", "1 when the database figures could be read")
        up.add_metric([], 1)
        yield up
        reports = GaugeMetricFamily("layan_reports_open", "Open reports by state", labels=["state"])
        for state, n in sorted(figures["open_reports"].items()):
            reports.add_metric([state], n)
        yield reports
        yield from _queue_families(figures["queues"], figures["backend"])
        yield from _sweep_families(figures["sweep"])


def _queue_families(queues, backend):
    ready = GaugeMetricFamily("layan_tasks_queued", "Tasks waiting for a worker, by queue", labels=["queue", "backend"])
    running = GaugeMetricFamily("layan_tasks_running", "Tasks being run now, by queue", labels=["queue", "backend"])
    failed = GaugeMetricFamily(
        "layan_tasks_failed", "Tasks that failed (kept until pruned), by queue", labels=["queue", "backend"]
    )
    oldest = GaugeMetricFamily(
        "layan_tasks_oldest_queued_seconds",
        "How long the oldest task due now has waited, by queue (grows when no worker runs)",
        labels=["queue", "backend"],
    )
    for depth in queues:
        labels = [depth["queue"], backend]
        ready.add_metric(labels, depth["ready"])
        running.add_metric(labels, depth["running"])
        failed.add_metric(labels, depth["failed"])
        oldest.add_metric(labels, depth["oldest_ready_seconds"])
    return ready, running, failed, oldest


def _sweep_families(sweep):
    if sweep is None:
        return ()
    duration = GaugeMetricFamily("layan_sweep_duration_seconds", "Duration of the last finished deadline sweep")
    duration.add_metric([], sweep["seconds"])
    finished = GaugeMetricFamily(
        "layan_sweep_last_finished_timestamp_seconds", "When the last deadline sweep finished (Unix time)"
    )
    finished.add_metric([], sweep["finished"])
    examined = GaugeMetricFamily("layan_sweep_last_examined", "Clocks examined by the last deadline sweep")
    examined.add_metric([], sweep["examined"])
    acted = GaugeMetricFamily(
        "layan_sweep_last_actions", "Reminders, escalations and auto-closes of the last deadline sweep"
    )
    acted.add_metric([], sweep["acted"])
    errors = GaugeMetricFamily("layan_sweep_last_errors", "Clocks the last deadline sweep failed on")
    errors.add_metric([], sweep["errors"])
    return duration, finished, examined, acted, errors


def cached_database_figures() -> dict:
    ttl = settings.LAYAN_METRICS_DB_TTL
    if ttl <= 0:
        return database_figures()
    figures = cache.get(DB_CACHE_KEY)
    if figures is None:
        figures = database_figures()
        cache.set(DB_CACHE_KEY, figures, ttl)
    return figures


DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
DATABASE_REGISTRY.register(DatabaseCollector())


# --- exposition --------------------------------------------------------------------------------------------------


def process_registry():
    """This process's metrics, or every process's of this machine in multiprocess mode."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition() -> tuple[bytes, str]:
    return generate_latest(process_registry()) + generate_latest(DATABASE_REGISTRY), CONTENT_TYPE_LATEST


def allowed(request) -> bool:
    """A scrape is allowed with the bearer token, or from an allowed address."""
    token = settings.LAYAN_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and constant_time_compare(header[7:].strip(), token):
        return True
    networks = settings.LAYAN_METRICS_ALLOWED_IPS
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def start_worker_exporter() -> None:
    """A worker has no web server: with ``LAYAN_WORKER_METRICS_PORT`` set it serves its own counters (tasks run,
    by outcome) on that port, for Prometheus to scrape like a web process."""
    port = int(os.environ.get("LAYAN_WORKER_METRICS_PORT", "0") or 0)
    if port:
        address = os.environ.get("LAYAN_WORKER_METRICS_ADDR", "127.0.0.1")
        start_http_server(port, addr=address, registry=process_registry())
        log.info("worker metrics on http://%s:%s/metrics", address, port)
