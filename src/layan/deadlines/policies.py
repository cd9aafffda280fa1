"""Default time limits (DOMAIN.md section 1) and the lookup of the policy that applies to a step."""

from dataclasses import dataclass
from decimal import Decimal

from .models import DeadlinePolicy, Step, Unit


@dataclass(frozen=True)
class Budget:
    amount: Decimal
    unit: str
    reminder_fraction: Decimal = Decimal("0.75")
    supervisor_after: Decimal = Decimal("1")


D = Decimal
DEFAULTS = {
    # verification and dispatch by the admin: 3 working days (LAPOR! published procedure)
    Step.VERIFICATION: Budget(D(3), Unit.WORKING_DAYS),
    Step.DISPATCH: Budget(D(3), Unit.WORKING_DAYS),
    # first response by the agency: 1x24 hours, showing progress (Central Java practice)
    Step.FIRST_RESPONSE: Budget(D(24), Unit.CALENDAR_HOURS, supervisor_after=D(24)),
    # LAPOR! allows 5 working days for the agency's follow-up
    Step.FOLLOW_UP: Budget(D(5), Unit.WORKING_DAYS),
    # the reporter's window to confirm or object; then the report closes by itself
    Step.CONFIRMATION: Budget(D(10), Unit.WORKING_DAYS, reminder_fraction=D("0.8"), supervisor_after=D(0)),
}
# resolution by weight: light 2, normative 5, without investigation 14, with investigation 60 working days
RESOLUTION_BY_WEIGHT = {
    "ringan": Budget(D(2), Unit.WORKING_DAYS),
    "normatif": Budget(D(5), Unit.WORKING_DAYS),
    "tanpa_investigasi": Budget(D(14), Unit.WORKING_DAYS),
    "investigasi": Budget(D(60), Unit.WORKING_DAYS, supervisor_after=D(5)),
}


def default_budget(step: str, weight: str = "") -> Budget:
    if step == Step.RESOLUTION:
        return RESOLUTION_BY_WEIGHT.get(weight, RESOLUTION_BY_WEIGHT["normatif"])
    return DEFAULTS[step]


def budget_for(step: str, *, agency=None, category=None, report_type: str = "", weight: str = "") -> Budget:
    """The most specific administrator policy for this step, else the default."""
    best, best_score = None, -1
    candidates = DeadlinePolicy.objects.filter(step=step)
    for policy in candidates:
        score = 0
        for field, value, points in (
            ("agency_id", getattr(agency, "pk", None), 8),
            ("category_id", getattr(category, "pk", None), 4),
            ("report_type", report_type, 2),
            ("weight", weight, 1),
        ):
            own = getattr(policy, field)
            if own in (None, ""):
                continue
            if own != value:
                break
            score += points
        else:
            if score > best_score:
                best, best_score = policy, score
    if best is None:
        return default_budget(step, weight)
    return Budget(best.amount, best.unit, best.reminder_fraction, best.supervisor_after)
