"""The read replica: dashboard GETs read from it, everything else from the primary."""

import pytest
from django.db import connections

from layan.core.models import User
from layan.ops.db_router import REPLICA, ReplicaRouter, reading_from_replica
from layan.reports.models import Report


@pytest.fixture
def replica(db):
    """A ``replica`` alias on the test database itself (a second connection), for as long as the test runs."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def test_router_sends_only_dashboard_reads_to_the_replica(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Report) is None  # outside a dashboard request: the primary
    with reading_from_replica():
        assert router.db_for_read(Report) == REPLICA
        assert router.db_for_read(User) is None  # who is logged in: always the primary
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) is None
        assert router.db_for_write(Report) == "default"
    assert router.allow_migrate(REPLICA, "reports") is False
    assert router.allow_migrate("default", "reports") is True


def test_router_does_nothing_without_a_replica(db):
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(Report) is None
