"""A read replica for dashboards, end to end: a production-mode server whose replica is a copy of the database
taken before one more report came in. The statistics API (a dashboard view) counts what the replica holds; the
metrics, read from the primary, count the report the replica has not seen."""

import json
import sqlite3

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from layan.reports.models import Report
from layan.reports.services import NewReport, submit_report

from .processes import Server, database_url, get, production_env


def submit(title):
    return submit_report(NewReport(title=title, description="Lampu penerangan jalan mati sejak minggu lalu."))


@pytest.fixture
def replica_copy(tmp_path):
    """Copies the test database as it is now into a second database; yields that database's URL."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        path = tmp_path / "replica.sqlite3"
        with sqlite3.connect(settings_dict["NAME"]) as source, sqlite3.connect(path) as target:
            source.backup(target)
        yield f"sqlite:///{path}"
        return
    import psycopg

    name = f"{settings_dict['NAME']}_replica"
    admin = {**settings_dict, "NAME": "postgres"}
    connection.close()  # CREATE DATABASE ... TEMPLATE needs the source without sessions
    with psycopg.connect(database_url(admin), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
    yield database_url({**settings_dict, "NAME": name})
    with psycopg.connect(database_url(admin), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_dashboards_read_the_replica_and_everything_else_the_primary(tmp_path, demo_agencies, request):
    submit("Lampu mati di Jalan Tegalsari")
    submit("Lampu mati di Jalan Gubeng")
    replica_url = request.getfixturevalue("replica_copy")
    submit("Lampu mati di Jalan Bubutan")  # only on the primary
    assert Report.objects.count() == 3

    env = production_env(
        tmp_path,
        DATABASE_URL=database_url(connection.settings_dict),
        DATABASE_REPLICA_URL=replica_url,
        LAYAN_METRICS_TOKEN="t",
        LAYAN_METRICS_DB_TTL="0",
        LAYAN_ROUTER_RETRAIN_HOURS="0",
    )
    server = Server(env, tmp_path / "web")
    try:
        server.wait_until_answering()
        status, body = get(server.url + "/api/v1/statistics/")
        metrics_status, metrics = get(server.url + "/metrics", {"Authorization": "Bearer t"})
    finally:
        server.stop()
    assert status == 200, server.log()[-3000:]
    assert json.loads(body)["reports"]["total"] == 2  # the dashboard: the replica's copy
    assert metrics_status == 200
    samples = {
        s.labels.get("state"): s.value
        for family in text_string_to_metric_families(metrics.decode())
        for s in family.samples
        if s.name == "layan_reports_open"
    }
    assert samples["baru"] == 3  # not a dashboard view: the primary
