"""``layan demo`` trains the suggestion models from the demo reports, once, so the demo shows suggestions."""

import pytest

from layan.core.services import load_regions
from layan.reports import demo as reports_demo
from layan.reports.models import Report
from layan.routing import demo
from layan.routing.models import RouterModel, Suggestion

pytestmark = pytest.mark.django_db


def test_the_demo_trains_each_model_once_and_new_reports_get_suggestions(demo_agencies):
    load_regions(province="35")
    reports_demo.seed(count=320)
    summary = demo.seed()
    for target in RouterModel.Target.values:
        model = RouterModel.objects.get(target=target, is_active=True)
        assert model.source == "history" and model.n_examples >= 50, summary
    assert demo.seed().count("already active") == 2
    assert RouterModel.objects.count() == 2
    waiting = Report.objects.filter(state=Report.State.BARU)
    assert waiting.exists()
    for report in waiting:  # submitted before the model existed: suggested when it was trained
        agencies = Suggestion.objects.get(report=report).agencies
        assert agencies and agencies[0]["confidence"] > 0


def test_too_little_history_is_said_not_raised(demo_agencies):
    assert "Data latih belum cukup" in demo.seed()
    assert not RouterModel.objects.exists()
