"""Fixtures of the REST API tests: API keys, clients and reports made through the real intake."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from layan.api.models import ApiKey
from layan.core.models import Agency, Region
from layan.reports.models import Report
from layan.reports.services import NewReport, ReporterInfo, submit_report


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_key(demo_agencies):
    """``make_key("surabaya", "report.view")`` -> (ApiKey, raw key)."""

    def make(slug, *perms, **extra):
        return ApiKey.objects.create_key(
            name=f"kunci {slug}", agency=Agency.objects.get(slug=slug), permissions=list(perms), **extra
        )

    return make


@pytest.fixture
def key_client(make_key):
    """An APIClient sending the key made by ``make_key`` with the same arguments."""

    def client(slug, *perms):
        _key, raw = make_key(slug, *perms)
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        return c

    return client


@pytest.fixture
def make_report(demo_agencies):
    """Reports through the real intake, public at once (``LAYAN_PUBLISH_ON_SUBMIT``) unless ``published=False``:
    these tests read the API and Open311, the rule of publication is tested in reports/tests/test_publication.py."""

    def make(region="35.78.05.1001", privacy=Report.Privacy.PUBLIC, title="Lampu PJU mati di Jl. Tegalsari", **kw):
        with override_settings(LAYAN_PUBLISH_ON_SUBMIT=kw.pop("published", True)):
            return _make(region, privacy, title, **kw)

    def _make(region, privacy, title, **kw):
        reporter = kw.pop(
            "reporter", ReporterInfo(name="Siti Aminah", phone="+6281234567890", email="siti@example.com")
        )
        return submit_report(
            NewReport(
                title=title,
                description=kw.pop("description", "Sudah tiga malam lampu jalan mati, rawan kecelakaan."),
                region=Region.objects.get(code=region) if region else None,
                privacy=privacy,
                **kw,
            ),
            reporter=reporter,
        )

    return make
