"""Agency and category suggestions from the active models, auto-dispatch, and dispatch decisions as labels.

(First version: no model is active until one is trained; ``layan router train`` makes one.)"""

from .models import RouterModel, Suggestion


def suggest_for(report) -> Suggestion | None:
    if not RouterModel.objects.filter(is_active=True).exists():
        return None
    raise NotImplementedError


def maybe_auto_dispatch(report, suggestion, *, screening=None, duplicates=()) -> bool:
    return False


def record_decision(report, agencies, actor, *, at) -> None:
    Suggestion.objects.filter(report=report, outcome=Suggestion.Outcome.PENDING)


def panel(user, report) -> dict | None:
    return None
