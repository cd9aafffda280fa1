"""Long report lists (``layan.reports.listing``): overdue reports first across page boundaries, and a count that stops
at a cap instead of counting a million rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Region
from layan.deadlines.models import Clock
from layan.reports import listing
from layan.reports.models import Report
from layan.reports.services import NewReport, overdue_now, submit_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(demo_agencies, settings):
    """Five reports a day apart (oldest first); the two newest are overdue. Public at once (the public list)."""
    settings.LAYAN_PUBLISH_ON_SUBMIT = True
    now = timezone.now()
    region = Region.objects.get(code="35.78.05.1001")
    reports = [
        submit_report(
            NewReport(title=f"Laporan {i}", description="Isi.", region=region), at=now - dt.timedelta(days=5 - i)
        )
        for i in range(5)
    ]
    for k, report in enumerate(reports):
        due = now - dt.timedelta(hours=1) if k >= 3 else now + dt.timedelta(days=2)
        Clock.objects.filter(report=report).update(due_at=due)
    return reports


def test_overdue_first_then_oldest_first_across_pages(five):
    ordered = listing.OverdueFirst(Report.objects.all(), overdue_now())
    expected = [five[3], five[4], five[0], five[1], five[2]]
    assert ordered[0:5] == expected
    for start, stop in ((0, 2), (1, 3), (2, 4), (3, 5), (4, 9)):  # slices within and across the two parts
        assert ordered[start:stop] == expected[start:stop]
    assert ordered[2] == five[0]
    pages = listing.CappedPaginator(ordered, 2)
    assert pages.count == 5 and not pages.capped and pages.num_pages == 3
    assert list(pages.page(2).object_list) == expected[2:4]


def test_count_stops_at_the_cap(five, client, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    assert listing.capped_count(Report.objects.all()) == (3, True)
    assert listing.capped_count(Report.objects.all(), cap=10) == (5, False)
    pages = listing.CappedPaginator(Report.objects.order_by("pk"), 2)
    assert pages.count == 3 and pages.capped and pages.num_pages == 2
    assert client.login(username="admin.surabaya", password=DEMO_PASSWORD)
    body = client.get(reverse("reports:inbox"), {"lingkup": "semua"}).content.decode()
    assert "lebih dari 3 laporan" in body
    body = client.get(reverse("reports:public-list")).content.decode()
    assert "lebih dari 3 laporan" in body
    monkeypatch.setattr(listing, "COUNT_CAP", 10)
    assert "5 laporan" in client.get(reverse("reports:public-list")).content.decode()
