"""Agency and category suggestions from the active models, auto-dispatch, and dispatch decisions as labels.

- :func:`suggest_for` (at intake): the top 3 agencies and categories with calibrated confidence and the words that
  drove each, stored as the report's :class:`~layan.routing.models.Suggestion`. Without an active model: nothing.
- :func:`maybe_auto_dispatch` (at intake, after it): the system verifies and dispatches when the administrators
  allow it and the model is at least as sure as the threshold measured for their precision, never for a report
  held by the abuse screen or with a likely duplicate.
- :func:`record_decision` (every dispatch, forward and auto-dispatch): settles the suggestion as accepted or
  corrected, which makes the live precision measurable (``views_models``).
- :func:`panel`: what the staff report page shows of it, with a one-click dispatch per suggested agency.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from layan.core import permissions
from layan.core.models import Agency
from layan.reports.models import Category, Disposition, Report

from . import places, store
from .learn import threshold_for
from .models import RouterModel, RoutingPolicy, Screening, Suggestion
from .training import report_text

log = logging.getLogger("layan.routing")
Outcome = Suggestion.Outcome
T = RouterModel.Target
TOP = 3
EXPLAIN_WORDS = 5


# --- suggestion at intake ------------------------------------------------------------------------------------------


def suggest_for(report: Report) -> Suggestion | None:
    """Ask the active models about ``report`` and store what they said; None (nothing stored) without a model.

    Runs inside the intake's transaction: a failure here is logged and costs the suggestion, never the report."""
    try:
        with transaction.atomic():
            return _suggest(report)
    except Exception:  # noqa: BLE001 - a broken model must not lose a citizen's report
        log.exception("no routing suggestion for report %s", report.pk)
        return None


def _suggest(report: Report) -> Suggestion | None:
    models = store.active()
    if not models:
        return None
    text = report_text(report.title, report.description)
    where = places.place_names(report.region_id)
    agency, category = models.get(T.AGENCY), models.get(T.CATEGORY)
    agencies = _agency_entries(report, agency, text, where) if agency else []
    categories = _category_entries(category, text, where) if category else []
    fields = {
        "agency_model": agency.model if agency else None,
        "category_model": category.model if category else None,
        "agencies": agencies,
        "categories": categories,
        "confidence": agencies[0]["confidence"] if agencies else 0.0,
        "outcome": Outcome.PENDING,
        "chosen_agency": None,
        "decided_at": None,
    }
    # at intake there is none yet: one INSERT (update_or_create would lock, look and nest two savepoints first)
    if Suggestion.objects.filter(report=report).update(**fields):
        return Suggestion.objects.get(report=report)
    return Suggestion.objects.create(report=report, **fields)


def _agency_id_for(label: str, label_map: dict, report: Report) -> int | None:
    """The agency a label means for this report: a fixed agency, or the office of the report's own place."""
    target = label_map.get(label)
    if isinstance(target, int):
        return target
    if target in store.PLACE_KINDS:
        return places.office_id_for(report.region_id, target)
    return None


def _unmapped_name(label: str, label_map: dict) -> str:
    kind = label_map.get(label)
    if kind == Agency.Kind.KECAMATAN:
        return _("Kantor kecamatan tempat kejadian (belum terdaftar)")
    if kind == Agency.Kind.DESA:
        return _("Kantor desa/kelurahan tempat kejadian (belum terdaftar)")
    return label


def _agency_entries(report, active: store.Active, text: str, where: tuple[str, ...]) -> list[dict]:
    router, label_map = active.router, active.model.label_map
    predicted = router.predict(text, where, k=TOP + 1)
    resolved = [(label, p, _agency_id_for(label, label_map, report)) for label, p in predicted]
    ids = [pk for _l, _p, pk in resolved if pk]
    found = {a.pk: a for a in Agency.objects.filter(pk__in=ids).only("pk", "name", "is_active")}
    entries: list[dict] = []
    by_agency: dict[int, dict] = {}
    for label, probability, agency_id in resolved:
        agency = found.get(agency_id)
        if agency is not None and agency.pk in by_agency:  # two labels meaning one agency here: one suggestion
            by_agency[agency.pk]["confidence"] += probability
            continue
        entry = {
            "label": label,
            "agency_id": agency.pk if agency and agency.is_active else None,  # an inactive one: named, not offered
            "name": agency.name if agency else _unmapped_name(label, label_map),
            "confidence": probability,
        }
        entries.append(entry)
        if agency is not None:
            by_agency[agency.pk] = entry
    entries = sorted(entries, key=lambda e: -e["confidence"])[:TOP]
    for entry in entries:
        entry["confidence"] = round(min(entry["confidence"], 1.0), 4)
        entry["terms"] = router.explain(text, where, entry["label"], n=EXPLAIN_WORDS)
    return entries


def _category_entries(active: store.Active, text: str, where: tuple[str, ...]) -> list[dict]:
    label_map = active.model.label_map
    predicted = active.router.predict(text, where, k=TOP)
    ids = [label_map.get(label) for label, _p in predicted]
    names = dict(Category.objects.filter(pk__in=[pk for pk in ids if pk], is_active=True).values_list("pk", "name"))
    return [
        {
            "label": label,
            "category_id": pk if pk in names else None,
            "name": names.get(pk, label),
            "confidence": round(probability, 4),
        }
        for (label, probability), pk in zip(predicted, ids, strict=True)
    ]


# --- auto-dispatch -------------------------------------------------------------------------------------------------


def threshold(model: RouterModel | None, precision: float) -> float | None:
    """The confidence at and above which ``model`` was right at least ``precision`` of the time (out of fold)."""
    if model is None:
        return None
    return threshold_for(model.evaluation.get("curve") or [], float(precision))


def share_at(model: RouterModel | None, cutoff: float | None) -> float:
    """The share of reports whose confidence reached ``cutoff`` in the version's cross-validation."""
    if model is None or cutoff is None:
        return 0.0
    points = [p for p in model.evaluation.get("curve") or [] if p["threshold"] >= cutoff - 1e-9]
    return min(points, key=lambda p: p["threshold"])["coverage"] if points else 0.0


def blocked_reason(report, screening=None, duplicates=()) -> str:
    """Why a report must not be dispatched without a person looking at it, or "" when nothing stands in the way."""
    if report.held_for_review or (screening is not None and screening.state == Screening.State.FLAGGED):
        return "held"
    if any(c.score >= settings.LAYAN_ROUTER_DUPLICATE_BLOCKS for c in duplicates):
        return "duplicate"
    if report.state != Report.State.BARU:
        return "state"
    return ""


def maybe_auto_dispatch(report, suggestion, *, screening=None, duplicates=()) -> bool:
    """Verify and dispatch ``report`` to the suggested agency when every condition holds (see the module doc);
    runs inside the intake transaction. A refusal by the workflow is logged, never raised: intake goes on."""
    policy = RoutingPolicy.current()
    if not policy.auto_dispatch or not suggestion.agencies or blocked_reason(report, screening, duplicates):
        return False
    first = suggestion.agencies[0]
    agency = Agency.objects.filter(pk=first.get("agency_id"), is_active=True).first() if first["agency_id"] else None
    model = suggestion.agency_model
    cutoff = threshold(model, policy.target_precision)
    if agency is None or cutoff is None or first["confidence"] < cutoff:
        return False
    data = {"agencies": [agency], "note": _auto_note(first["confidence"], cutoff, policy.target_precision)}
    category = _sure_category(report, suggestion, policy.target_precision)
    if category is not None:
        data["category"] = category
    from layan.reports import workflow

    try:
        workflow.perform(report, "auto_dispatch", workflow.SYSTEM_ACTOR, **data)
    except (workflow.TransitionError, ValidationError) as exc:
        log.warning("auto-dispatch of %s refused: %s", report.tracking_number, exc)
        return False
    # the workflow told record_decision, which settled the suggestion as AUTO; the caller's copy follows
    suggestion.outcome, suggestion.chosen_agency = Outcome.AUTO, agency
    return True


def _auto_note(confidence: float, cutoff: float, precision) -> str:
    """For the timeline (the dispatch entry beside it already names the agency)."""
    return _(
        "Didisposisikan otomatis oleh sistem: keyakinan model %(confidence)s%% "
        "(ambang %(threshold)s%% untuk ketepatan minimal %(precision)s%%)."
    ) % {
        "confidence": _percent(confidence),
        "threshold": round(cutoff * 100),
        "precision": round(float(precision) * 100),
    }


def _percent(value: float) -> int:
    """A confidence as a whole percentage, rounded down: never show a "100%" (or a 97%) the model did not reach."""
    return int(value * 100 + 1e-9) if value < 1 else 100


def _sure_category(report, suggestion, precision) -> Category | None:
    """The suggested category when the report has none and the category model is sure enough of it."""
    if report.category_id or not suggestion.categories:
        return None
    first = suggestion.categories[0]
    cutoff = threshold(suggestion.category_model, precision)
    if first.get("category_id") is None or cutoff is None or first["confidence"] < cutoff:
        return None
    return Category.objects.filter(pk=first["category_id"], is_active=True).first()


# --- decisions -----------------------------------------------------------------------------------------------------


def record_decision(report, agencies, actor, *, at) -> None:
    """A dispatch decision settles the report's suggestion: ACCEPTED when the first chosen agency is the suggested
    first one, else CORRECTED (AUTO when the system made it). A later decision that replaces the settled agency
    (it forwarded the report as not its authority, or returned it and the admin chose again) settles it anew."""
    if not agencies:
        return
    suggestion = Suggestion.objects.filter(report=report).first()
    if suggestion is None:
        return
    chosen = agencies[0]
    if suggestion.outcome != Outcome.PENDING:
        still_there = report.dispositions.filter(
            agency_id=suggestion.chosen_agency_id, state__in=Disposition.ACTIVE_STATES
        ).exists()
        if still_there or suggestion.chosen_agency_id == chosen.pk:
            return  # one more agency beside the settled one: the decision stands
    top = suggestion.agencies[0].get("agency_id") if suggestion.agencies else None
    if getattr(actor, "system", False) and suggestion.outcome == Outcome.PENDING:
        outcome = Outcome.AUTO
    else:
        outcome = Outcome.ACCEPTED if chosen.pk == top else Outcome.CORRECTED
    suggestion.outcome, suggestion.chosen_agency, suggestion.decided_at = outcome, chosen, at
    suggestion.save(update_fields=["outcome", "chosen_agency", "decided_at"])


# --- staff page ----------------------------------------------------------------------------------------------------


def may_see(user, report) -> bool:
    """Suggestions are for those who decide where a report goes: its admins (verify or dispatch)."""
    return permissions.has_perm(user, permissions.REPORT_DISPATCH, report.admin_agency_id) or permissions.has_perm(
        user, permissions.REPORT_VERIFY, report.admin_agency_id
    )


def panel(user, report) -> dict | None:
    """The suggestion as the staff report page shows it, or None (no suggestion, or not for this user)."""
    if not may_see(user, report):
        return None
    suggestion = Suggestion.objects.filter(report=report).select_related("chosen_agency").first()
    if suggestion is None:
        return None
    from layan.reports import workflow

    action = "verify" if report.state == Report.State.BARU else "dispatch"
    try:
        workflow.check(report, action, workflow.Actor(user=user))
        can_dispatch = True
    except workflow.TransitionError:
        can_dispatch = False
    handling = set(report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).values_list("agency_id", flat=True))
    agencies = [
        {
            **entry,
            "percent": _percent(entry["confidence"]),
            "handling": entry["agency_id"] in handling,
            "dispatchable": can_dispatch and entry["agency_id"] is not None and entry["agency_id"] not in handling,
        }
        for entry in suggestion.agencies
    ]
    categories = [{**entry, "percent": _percent(entry["confidence"])} for entry in suggestion.categories]
    return {
        "suggestion": suggestion,
        "agencies": agencies,
        "categories": categories,
        "action": action,
        "action_url": reverse("reports:act", args=[report.tracking_number, action]),
        "version": report.version,
        "can_dispatch": can_dispatch,
    }
