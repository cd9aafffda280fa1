"""Demo routing models: ``layan demo`` trains the agency and category suggestion models from the demo reports'
dispatch history, so the demo's staff report pages show suggestions from the first start (the reports still
waiting for verification get theirs then).

Only when no model of that kind is active yet: a model trained or activated by hand (e.g. from an old system's
CSV export) is left as it is, and a second ``layan demo`` trains nothing. Auto-dispatch stays off.
"""

from layan.reports.models import Report

from . import suggest
from .models import RouterModel, Suggestion
from .training import TrainingRefused, train_from_history

T = RouterModel.Target


def seed() -> str:
    done, trained = [], False
    for target in T.values:
        if RouterModel.objects.filter(target=target, is_active=True).exists():
            done.append(f"{target}: model already active")
            continue
        try:
            model = train_from_history(target, folds=3)
        except TrainingRefused as exc:
            done.append(f"{target}: {exc.message}")
        else:
            trained = True
            done.append(f"{target}: {model} trained on {model.n_examples} reports")
    if trained:
        waiting = Report.objects.filter(state__in=(Report.State.BARU, Report.State.TERTUNDA))
        for report in waiting.exclude(pk__in=Suggestion.objects.values("report_id")):
            suggest.suggest_for(report)
    return "; ".join(done)
