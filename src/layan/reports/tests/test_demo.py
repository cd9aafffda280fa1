import pytest
from django.db.models import Count

from layan.core.services import load_regions
from layan.reports import demo
from layan.reports.models import Report


@pytest.mark.django_db
def test_demo_reports_cover_every_status_and_run_once(demo_agencies):
    load_regions(province="35")
    demo.seed(count=120)
    counts = dict(Report.objects.values_list("state").annotate(n=Count("pk")))
    assert set(counts) == set(Report.State.values)
    assert Report.objects.values("channel").distinct().count() >= 5
    oldest = Report.objects.order_by("created_at").first().created_at
    newest = Report.objects.order_by("-created_at").first().created_at
    assert (newest - oldest).days > 60  # spread over past months
    closed = Report.objects.filter(state=Report.State.DITUTUP).first()
    assert [e.action for e in closed.events.all()][:4] == ["submit", "verify", "dispatch", "accept"]
    assert "reports already present" in demo.seed()
    assert Report.objects.count() == 120
