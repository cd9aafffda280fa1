"""/metrics: who may scrape it, and what it says, read back with prometheus_client's own parser."""

import datetime as dt

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from layan.deadlines.models import SweepRun
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report

TOKEN = "rahasia-pemantauan"
DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "sweeps", "webhooks"],
    }
}


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture(autouse=True)
def _metrics_settings(settings):
    settings.LAYAN_METRICS_TOKEN = TOKEN
    settings.LAYAN_METRICS_ALLOWED_IPS = []
    settings.LAYAN_METRICS_DB_TTL = 0  # read the database at every scrape


@pytest.mark.django_db
def test_metrics_need_the_token_or_an_allowed_address(client, settings):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer salah").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    settings.LAYAN_METRICS_TOKEN = ""
    settings.LAYAN_METRICS_ALLOWED_IPS = ["10.0.0.0/8", "192.0.2.7"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.8").status_code == 404


@pytest.mark.django_db
def test_requests_are_counted_and_timed_by_view(client):
    before = scrape(client)
    client.get("/laporan/")
    client.get("/laporan/")
    client.get("/tidak-ada-halaman-ini/")
    after = scrape(client)
    labels = {"view": "reports:public-list", "method": "GET", "status": "200"}
    assert (
        value(after, "layan_http_requests_total", **labels) - value(before, "layan_http_requests_total", **labels) == 2
    )
    unmatched = {"view": "unmatched", "method": "GET", "status": "404"}
    assert (
        value(after, "layan_http_requests_total", **unmatched) - value(before, "layan_http_requests_total", **unmatched)
        == 1
    )
    timed = {"view": "reports:public-list", "method": "GET"}
    count = value(after, "layan_http_request_duration_seconds_count", **timed)
    assert count - value(before, "layan_http_request_duration_seconds_count", **timed) == 2
    assert value(after, "layan_http_request_duration_seconds_sum", **timed) > 0


@pytest.mark.django_db
def test_reports_created_by_channel_and_open_reports_by_state(
    client, demo_agencies, django_capture_on_commit_callbacks
):
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            submit_report(
                NewReport(title=f"Saluran mampet {i}", description="Air meluap ke jalan setiap hujan."),
                channel=Report.Channel.API,
                reporter=ReporterInfo(name="Warga", email=f"warga{i}@example.com"),
            )
    Report.objects.filter(title="Saluran mampet 0").update(state=Report.State.DIPROSES)
    after = scrape(client)
    created = "layan_reports_created_total"
    assert value(after, created, channel="api") - value(before, created, channel="api") == 3
    new, in_progress = Report.objects.filter(state="baru").count(), Report.objects.filter(state="diproses").count()
    assert (new, in_progress) >= (2, 1)
    assert value(after, "layan_reports_open", state="baru") == new
    assert value(after, "layan_reports_open", state="diproses") == in_progress
    assert ("layan_reports_open", (("state", "ditutup"),)) not in after  # closed ones are not open
    assert value(after, "layan_database_metrics_up") == 1


@pytest.mark.django_db
def test_task_queue_depth_and_failures(client, settings):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from layan.notifications.tasks import notify_event

    settings.TASKS = DATABASE_QUEUE
    before = scrape(client)
    notify_event.enqueue(1)
    notify_event.enqueue(2)
    DBTaskResult.objects.filter(args_kwargs__args=[2]).update(status=TaskResultStatus.FAILED)
    DBTaskResult.objects.filter(args_kwargs__args=[1]).update(enqueued_at=timezone.now() - dt.timedelta(minutes=5))
    after = scrape(client)
    labels = {"queue": "notifications", "backend": "database"}
    assert value(after, "layan_tasks_queued", **labels) == 1
    assert value(after, "layan_tasks_failed", **labels) == 1
    assert value(after, "layan_tasks_oldest_queued_seconds", **labels) >= 300
    enqueued = {"task": "notify_event", "queue": "notifications"}
    assert (
        value(after, "layan_tasks_enqueued_total", **enqueued) - value(before, "layan_tasks_enqueued_total", **enqueued)
        == 2
    )


@pytest.mark.django_db
def test_last_sweep(client):
    assert value(scrape(client), "layan_sweep_duration_seconds") == 0  # no sweep yet: no series
    finished = timezone.now()
    SweepRun.objects.create(slot="sla:300:1", started_at=finished, finished_at=finished, result={})
    SweepRun.objects.create(
        slot="sla:300:2",
        started_at=finished + dt.timedelta(seconds=1),
        finished_at=finished + dt.timedelta(seconds=3),
        result={"seconds": 1.75, "examined": 40, "reminders": 3, "head_escalations": 1, "errors": 0},
    )
    samples = scrape(client)
    assert value(samples, "layan_sweep_duration_seconds") == 1.75
    assert value(samples, "layan_sweep_last_examined") == 40
    assert value(samples, "layan_sweep_last_actions") == 4
    assert value(samples, "layan_sweep_last_finished_timestamp_seconds") == pytest.approx(
        (finished + dt.timedelta(seconds=3)).timestamp()
    )
