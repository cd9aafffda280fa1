"""One shared data set per test module (see ``world.py``), built once inside a transaction that is rolled back
when the module ends; each test runs in a savepoint of its own, rolled back after it, so a test that writes
leaves nothing for the next.

pytest-django sets up the test database only for the databases its collected ``django_db`` tests ask for: the
modules here mark their tests ``django_db`` (``pytestmark``), which also wraps each test in a savepoint."""

import pytest
from django.core.cache import cache
from django.db import transaction


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from .world import Receiver, build_world

    receiver = Receiver()
    with django_db_blocker.unblock():
        cache.clear()
        with transaction.atomic():
            built = build_world(receiver)
            yield built
            transaction.set_rollback(True)
        cache.clear()
    receiver.close()


@pytest.fixture
def in_world(world, django_db_blocker):
    """The shared data set, with database access for this test and its writes rolled back after it; throttle
    counters (in the cache) start from zero."""
    with django_db_blocker.unblock():
        cache.clear()
        with transaction.atomic():
            yield world
            transaction.set_rollback(True)
