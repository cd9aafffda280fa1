"""Every change to a domain object is recorded by django-auditlog: who (the request's user, or the actor set
with ``auditlog.context.set_actor`` in services and commands), when, and the changed fields.

Who may read which entries follows the permission scopes: each domain registers a filter that selects the
entries of its objects belonging to a set of agencies.
"""

from collections.abc import Callable

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from . import permissions
from .models import Agency, Membership, Region, RegionHoliday, User

auditlog.register(Region)
auditlog.register(Agency, m2m_fields={"regions", "oversees"})
auditlog.register(Membership)
auditlog.register(RegionHoliday)
# Citizen is not audited: its entries would carry the contact (and name its reports) to everyone who reads the
# staff audit log; what matters of it (who reported what) is the report's, and that never shows the reporter.
auditlog.register(User, exclude_fields=["password", "last_login"])

ScopeFilter = Callable[[frozenset[int]], Q]
_scope_filters: list[ScopeFilter] = []


def register_scope_filter(scope_filter: ScopeFilter) -> ScopeFilter:
    """Add a function (agency ids -> Q over LogEntry) that selects a domain's entries for those agencies."""
    _scope_filters.append(scope_filter)
    return scope_filter


def entries_of(model, ids) -> Q:
    return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)


@register_scope_filter
def _agency_entries(scope):
    memberships = Membership.objects.filter(agency_id__in=scope).values_list("pk", flat=True)
    return entries_of(Agency, scope) | entries_of(Membership, memberships)


def entries_visible_to(user):
    """The audit entries ``user`` may read, newest first."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    scope = permissions.agency_scope(user, permissions.AUDIT_VIEW)
    if scope is permissions.EVERYTHING:
        return entries
    if not scope:
        return entries.none()
    condition = Q(pk__in=[])
    for scope_filter in _scope_filters:
        condition |= scope_filter(scope)
    return entries.filter(condition)
