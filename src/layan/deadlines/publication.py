"""Who sees which part of the non-responders report, and its publication.

Staff with ``stats.view`` see the dispositions to the agencies in their scope, and every disposition of the
reports their government's admin desk handled (a platform admin or an oversight body also sees the vertical
offices, BUMN and BUMD its reports went to). Platform admins publish their government's report; the system
administrator publishes the platform-wide one. A publication is a snapshot: republishing a period replaces it.
"""

from django.db import transaction
from django.utils import timezone

from layan.core import permissions
from layan.core.models import Agency, Membership

from .models import PublishedPeriodReport
from .stats import Period, cached_compute, compute

Role = Membership.Role


def staff_scope(user) -> tuple[frozenset | None, frozenset | None]:
    """(agency ids, admin agency ids) for :func:`layan.deadlines.stats.compute`; (None, None) = everything."""
    scope = permissions.agency_scope(user, permissions.STATS_VIEW)
    if scope is permissions.EVERYTHING:
        return None, None
    return frozenset(scope), frozenset(scope)


def staff_report(user, period: Period) -> dict:
    agency_ids, admin_ids = staff_scope(user)
    return cached_compute(period, agency_ids=agency_ids, admin_agency_ids=admin_ids)


def publish_choices(user) -> list[Agency | None]:
    """The governments ``user`` may publish for (None = the whole platform, for the system administrator)."""
    if user is None or not user.is_authenticated:
        return []
    memberships = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    choices: list[Agency | None] = []
    if user.is_superuser or memberships.filter(role=Role.SYSADMIN).exists():
        choices.append(None)
    admin_of = memberships.filter(role=Role.PLATFORM_ADMIN).select_related("agency").order_by("agency__name")
    choices += [m.agency for m in admin_of]
    return choices


def can_publish(user) -> bool:
    return bool(publish_choices(user))


def descendants(agency: Agency) -> frozenset[int]:
    children: dict[int, list[int]] = {}
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    seen, stack = set(), [agency.pk]
    while stack:
        pk = stack.pop()
        if pk not in seen:
            seen.add(pk)
            stack.extend(children.get(pk, ()))
    return frozenset(seen)


@transaction.atomic
def publish(period: Period, user, agency: Agency | None) -> PublishedPeriodReport:
    """Store the snapshot of ``period`` for ``agency``'s government (None: every agency)."""
    if agency is None:
        data = compute(period)
    else:
        ids = descendants(agency)
        data = compute(period, agency_ids=ids, admin_agency_ids=ids)
    existing = (
        PublishedPeriodReport.objects.select_for_update()
        .filter(period_kind=period.kind, period_start=period.start, agency=agency)
        .first()
    )
    published = existing or PublishedPeriodReport(period_kind=period.kind, period_start=period.start, agency=agency)
    published.rows, published.published_at, published.published_by = data, timezone.now(), user
    published.save()
    return published
