"""Scale-out on loopback: three web processes (``layan serve``) and three workers (``layan worker``) against one
PostgreSQL database; 300 reports sent at once over HTTP across the web processes; then every count reconciled.

What must hold with several of each process:
- every report stored once, with its own tracking number, and its verification clock started once;
- every queued task run exactly once by one worker (the database queue claims rows with SKIP LOCKED): no task
  left, none failed, none run by two workers, and every notification sent once (one attempt, one e-mail);
- the deadline sweep, run by all three workers every 2 s, takes each slot in one worker only, and a due clock is
  reminded once however many workers sweep;
- the metrics of all processes add up (prometheus_client multiprocess mode, one directory for the machine).
"""

import concurrent.futures
import json
import time
import uuid
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from layan.ops.tests.processes import (
    Process,
    Server,
    database_url,
    free_port,
    get,
    production_env,
    redis_available,
    stop_all,
)

REPORTS = 300
WEB_PROCESSES = 3
WORKERS = 3
CLIENTS = 24
SWEEP_EVERY = 2
METRICS_TOKEN = "pemantau-uji"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster(tmp_path, demo_agencies):
    """Three web processes and three workers in production mode on the test database; stopped after the test."""
    if connection.vendor != "postgresql":
        pytest.skip("several processes writing at once need PostgreSQL (SQLite takes one writer at a time)")
    (tmp_path / "metrics").mkdir()
    common = dict(
        DATABASE_URL=database_url(connection.settings_dict),
        TASKS_BACKEND="database",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        LAYAN_METRICS_TOKEN=METRICS_TOKEN,
        LAYAN_METRICS_DB_TTL="0",
        API_THROTTLE_CREATE="100000/minute",
        API_THROTTLE_USER="100000/minute",
        LAYAN_ROUTER_RETRAIN_HOURS="0",
    )
    if redis_available():  # the shared cache of a multi-machine deployment (throttles, webhook cache)
        common.update(CACHE_URL="redis://127.0.0.1:6379/11", CACHE_KEY_PREFIX=f"scaleout-{uuid.uuid4().hex}")
    processes = []
    try:
        servers = []
        for i in range(WEB_PROCESSES):
            workdir = tmp_path / f"web{i}"
            server = Server(production_env(workdir, **common), workdir, threads=4)
            processes.append(server)
            servers.append(server)
        worker_metrics = free_port()  # the first worker also serves the machine's metrics itself
        for i in range(WORKERS):
            workdir = tmp_path / f"worker{i}"
            workdir.mkdir()
            args = ["worker", "--interval", "0.2", "--sweep-every", str(SWEEP_EVERY)]
            env = production_env(workdir, **common, LAYAN_WORKER_METRICS_PORT=str(worker_metrics if i == 0 else 0))
            processes.append(Process(args, env, workdir / "worker.log"))
        for server in servers:
            server.wait_until_answering()
        yield servers, [p for p in processes if p not in servers], tmp_path, worker_metrics
    finally:
        stop_all(processes)


def api_key():
    from layan.api.models import ApiKey
    from layan.core.models import Agency

    _key, raw = ApiKey.objects.create_key(
        name="uji skala", agency=Agency.objects.get(slug="surabaya"), permissions=["report.intake"]
    )
    return raw


def post_report(base_url: str, key: str, i: int) -> tuple[int, dict]:
    import http.client

    body = {
        "title": f"Laporan uji skala nomor {i}",
        "description": f"Kejadian ke-{i}: saluran di gang {i % 17} tersumbat sejak {i % 9 + 1} hari ({uuid.uuid4()}).",
        "region": "35.78.05.1001",
        "reporter": {"name": f"Warga {i}", "email": f"warga{i}@example.com"},
    }
    host_port = base_url.split("//")[1]
    conn = http.client.HTTPConnection(host_port, timeout=60)
    try:
        conn.request(
            "POST",
            "/api/v1/reports/",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Api-Key {key}"},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def wait_for(condition, timeout: float, what: str, logs) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"{what}: not reached within {timeout} s\n" + "\n".join(log()[-3000:] for log in logs))


def pending_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()


def test_reports_sent_across_web_processes_are_each_stored_and_processed_once(cluster):
    from django_tasks_db.models import DBTaskResult

    from layan.deadlines.models import Clock, SweepRun
    from layan.notifications.models import Notification
    from layan.reports.models import Report, ReportEvent

    servers, workers, workdir, worker_metrics = cluster
    logs = [p.log for p in (*servers, *workers)]
    key = api_key()
    timings = {}

    # 1. N reports at once, spread over the web processes
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(lambda i: post_report(servers[i % WEB_PROCESSES].url, key, i), range(REPORTS)))
    timings["intake"] = time.monotonic() - started
    statuses = Counter(status for status, _body in answers)
    assert statuses == {201: REPORTS}, (statuses, [b for s, b in answers if s != 201][:3])
    numbers = [body["tracking_number"] for _status, body in answers]
    assert len(set(numbers)) == REPORTS

    # 2. the workers drain the queue: one notification per report, sent
    def drained():
        sent = Notification.objects.filter(event__action="submit", status="sent").count()
        return sent == REPORTS and pending_tasks() == 0

    timings["drain"] = wait_for(drained, 60, "notifications of every report sent", logs)

    # 3. every verification clock falls due at once: the three sweeping workers must remind each report once
    now = timezone.now()
    due = Clock.objects.filter(step="verification", report__tracking_number__in=numbers)
    due.update(remind_at=now - timezone.timedelta(minutes=1), next_check_at=now - timezone.timedelta(minutes=1))
    timings["sweep"] = wait_for(
        lambda: due.filter(escalation_level__gte=1).count() == REPORTS and pending_tasks() == 0,
        30,
        "every due clock reminded",
        logs,
    )

    # reconcile: reports, clocks, timeline
    assert Report.objects.count() == REPORTS
    assert set(Report.objects.values_list("tracking_number", flat=True)) == set(numbers)
    per_report = Clock.objects.filter(step="verification").values("report").annotate(n=Count("pk"))
    assert sorted({row["n"] for row in per_report}) == [1] and len(per_report) == REPORTS
    for action in ("submit", "reminder"):
        per_report = ReportEvent.objects.filter(action=action).values("report").annotate(n=Count("pk"))
        assert len(per_report) == REPORTS, action
        assert {row["n"] for row in per_report} == {1}, f"{action} recorded twice for a report"

    # tasks: each run once, by one worker, none left or failed; the work was shared by the workers
    tasks = list(DBTaskResult.objects.values("status", "worker_ids"))
    assert tasks and Counter(t["status"] for t in tasks) == {"SUCCESSFUL": len(tasks)}
    assert {len(t["worker_ids"]) for t in tasks} == {1}
    assert len({t["worker_ids"][0] for t in tasks}) >= 2, "one worker did all the work"

    # notifications: every one sent in one attempt, and exactly that many e-mails left the workers
    notifications = Notification.objects.all()
    assert notifications.filter(event__action="submit").count() == REPORTS
    assert set(notifications.values_list("status", "attempts").distinct()) == {("sent", 1)}
    mails = sum(f.read_text().count("\n" + "-" * 79) for f in workdir.glob("worker*/mail/*"))
    assert mails == notifications.count()

    # the sweep: one worker per slot (SweepRun.slot is unique), and each reminder counted by exactly one sweep
    runs = list(SweepRun.objects.filter(slot__startswith="sla:").values_list("slot", "result"))
    assert len(runs) == len({slot for slot, _ in runs}) >= 1
    assert sum(result.get("reminders", 0) for _slot, result in runs) == REPORTS

    # metrics of all processes add up through the multiprocess directory
    status, body = get(servers[0].url + "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200
    samples = [s for family in text_string_to_metric_families(body.decode()) for s in family.samples]
    created = sum(
        s.value
        for s in samples
        if s.name == "layan_http_requests_total"
        and s.labels == {"view": "api:report-list", "method": "POST", "status": "201"}
    )
    assert created == REPORTS
    finished = sum(s.value for s in samples if s.name == "layan_tasks_finished_total")
    assert finished == len(tasks)
    assert all(s.value == 0 for s in samples if s.name == "layan_tasks_queued")
    status, body = get(f"http://127.0.0.1:{worker_metrics}/metrics")  # a worker's own exporter, same sums
    assert status == 200
    from_worker = [s for family in text_string_to_metric_families(body.decode()) for s in family.samples]
    assert sum(s.value for s in from_worker if s.name == "layan_tasks_finished_total") == len(tasks)

    for log in logs:
        assert "Traceback" not in log(), log()[-3000:]
    print(
        f"\nscale-out: {REPORTS} reports over {WEB_PROCESSES} web processes in {timings['intake']:.1f} s "
        f"({REPORTS / timings['intake']:.0f}/s), {len(tasks)} tasks drained by {WORKERS} workers "
        f"{timings['drain']:.1f} s later, {REPORTS} due clocks reminded once in {timings['sweep']:.1f} s "
        f"over {len(runs)} sweep slots"
    )
