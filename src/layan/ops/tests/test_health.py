"""/healthz and /readyz: in-process, and against real ``layan serve`` processes whose database or task queue is
unreachable."""

import json

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from layan.ops import health

from .processes import Process, Server, database_url, free_port, get, production_env, redis_available, stop_all


def test_healthz_answers_without_touching_the_database(client):
    # no database fixture: pytest-django would fail the test on any query
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")  # a load balancer calls by address: no host check
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_check(client):
    health.forget_migrations_state()
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert [c["name"] for c in body["checks"]] == ["database", "migrations", "tasks"]
    assert all(c["ok"] for c in body["checks"])
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_not_applied(client):
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="reports").order_by("-id").first()
    recorder.record_unapplied(last.app, last.name)
    health.forget_migrations_state()
    try:
        response = client.get("/readyz")
    finally:
        recorder.record_applied(last.app, last.name)
        health.forget_migrations_state()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["reason"] == f"migrations: 1 not applied: reports.{last.name}"
    assert client.get("/readyz").status_code == 200  # applied again: ready again


@pytest.mark.django_db(transaction=True)
def test_readyz_of_real_servers_with_an_unreachable_database_or_queue(tmp_path):
    """Three production-mode servers at once: database down, task queue (Redis) down, and both up with RQ."""
    closed = free_port()  # nothing listens there
    test_db = database_url(connection.settings_dict)
    # the RQ backend brings django_rq and its migrations: a deployment switching to it runs `layan migrate`
    migrate = Process(
        ["migrate", "django_rq", "--noinput"],
        production_env(tmp_path, DATABASE_URL=test_db, TASKS_BACKEND="rq"),
        tmp_path / "migrate.log",
    )
    assert migrate.popen.wait(timeout=120) == 0, migrate.log()
    cases = {
        "database down": dict(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/layan", LAYAN_METRICS_ALLOWED_IPS="198.51.100.7"
        ),
        "queue down": dict(DATABASE_URL=test_db, TASKS_BACKEND="rq", TASKS_REDIS_URL=f"redis://127.0.0.1:{closed}/0"),
    }
    if redis_available():
        cases["all up on redis"] = dict(DATABASE_URL=test_db, TASKS_BACKEND="rq", TASKS_REDIS_URL="redis://127.0.0.1/9")
    servers = {
        name: Server(production_env(tmp_path / str(i), **env), tmp_path / str(i))
        for i, (name, env) in enumerate(cases.items())
    }
    try:
        answers = {}
        for name, server in servers.items():
            server.wait_until_answering()
            answers[name] = (get(server.url + "/healthz"), get(server.url + "/readyz"))
        # `layan serve` believes X-Forwarded-For from its proxy (loopback): the client's address decides /metrics
        down = servers["database down"].url + "/metrics"
        scrapes = [get(down, {"X-Forwarded-For": ip}) for ip in ("198.51.100.7", "203.0.113.9")] + [get(down)]
    finally:
        stop_all(servers.values())

    for name, ((live_status, _), _) in answers.items():
        assert live_status == 200, name  # alive whatever its dependencies do
    status, body = answers["database down"][1]
    assert status == 503
    assert json.loads(body)["reason"].startswith("database: OperationalError")
    status, body = answers["queue down"][1]
    assert status == 503
    reason = json.loads(body)["reason"]
    assert reason.startswith("tasks: ") and "Connection" in reason
    if "all up on redis" in answers:
        status, body = answers["all up on redis"][1]
        assert status == 200, body
        assert json.loads(body)["checks"][-1] == {"name": "tasks", "ok": True, "detail": "redis queue"}

    (allowed, metrics), (other, _), (proxy_itself, _) = scrapes
    assert (allowed, other, proxy_itself) == (200, 404, 404)
    assert b"layan_database_metrics_up 0.0" in metrics  # the process metrics still answer without a database
