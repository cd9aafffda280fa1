"""The dashboards keep the live figures of a period for LAYAN_STATS_CACHE_SECONDS (``stats.remembered``); with 0 they
are computed on every view. Publication always computes afresh."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from layan.deadlines.publication import publish, staff_report
from layan.deadlines.stats import Period

from .conftest import at

PERIOD = Period.parse("2026-Q4")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def received(data):
    return sum(row["received"] for row in data["agencies"])


def test_figures_are_kept_for_the_configured_time(dispatched, staff):
    admin = staff("admin.surabaya")
    dispatched(when=at(2026, 11, 2, 10))
    with override_settings(LAYAN_STATS_CACHE_SECONDS=300):
        assert received(staff_report(admin, PERIOD)) == 1
        dispatched(when=at(2026, 11, 3, 10))
        assert received(staff_report(admin, PERIOD)) == 1  # kept
        assert received(staff_report(staff("sysadmin"), PERIOD)) == 2  # another scope: its own figures
        assert received(publish(PERIOD, staff("sysadmin"), None).rows) == 2  # publication: always fresh
        cache.clear()
        assert received(staff_report(admin, PERIOD)) == 2
    dispatched(when=at(2026, 11, 4, 10))
    with override_settings(LAYAN_STATS_CACHE_SECONDS=0):
        assert received(staff_report(admin, PERIOD)) == 3  # never kept
