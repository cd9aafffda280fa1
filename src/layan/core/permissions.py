"""Who may see and do what, decided here and only here.

A staff member's powers come from their memberships: a role in one agency. A role grants a set of
permissions, and the permission reaches the membership's agency and every unit below it; for the oversight
role it reaches the agencies its body oversees (and their units) instead, read-only. The system administrator
reaches every agency. An API key (``layan.api``) reaches its own agency and the units below it, with only the
permissions it was given. Every view, API endpoint and service asks :func:`has_perm` or filters with
:func:`agency_scope`; none decides on its own.

Who may know who reported (the reporter's name, phone and e-mail), :func:`can_see_reporter`:

- **Anonim**: nobody, whatever their role: not the handling agency, not oversight, not the system administrator.
- **Publik** and **Rahasia**: only the staff who handle the report: those holding ``reporter.view`` (platform
  admin, liaison officer, head) in the report's admin agency (the government whose desk verifies and dispatches
  it) or in an agency the report is dispatched to now (a disposition still active: an agency that forwarded it
  away or returned it no longer handles it); and an API key of such an agency that may read reports (its own
  system, acting for its staff). ``reporter.view`` is never granted everywhere: oversight bodies and the system
  administrator (or a superuser) see the content they supervise or operate, never the identity, unless they also
  hold a handling role in that agency. The confidential form's promise says exactly this.
- A report's content (text, attachments) of a **rahasia** report: the staff who may read the report
  (``report.view``: the handling agencies, the oversight bodies over them, the system administrator); never the
  public.

The caller lookup by phone (``caller.lookup``, :func:`caller_lookup_scope`): the call centre and the platform
admins, only for reports whose admin agency (the reporter's own government) lies in their scope; never everywhere.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Q

from .models import Agency, Membership

Role = Membership.Role
ANONYMOUS = "anonim"  # reports.Report.Privacy.ANONIM (core does not import the reports app)

# Permission names: "<object>.<action>".
REPORT_VIEW = "report.view"  # read reports handled by the agency, including confidential ones
REPORT_VERIFY = "report.verify"  # verify, reject (archive), pend (ask for information), classify
REPORT_DISPATCH = "report.dispatch"  # disposisi to agencies
REPORT_RESPOND = "report.respond"  # accept, forward/return, post progress, resolve
REPORT_INTAKE = "report.intake"  # enter a report for a caller or walk-in citizen, look one up for them
AUDIT_VIEW = "audit.view"
STATS_VIEW = "stats.view"
REFERENCE_MANAGE = "reference.manage"  # agencies, regions, memberships, policies
WEBHOOK_MANAGE = "webhook.manage"  # the agency's outgoing webhook subscriptions and their deliveries
SERVICE_MANAGE = "service.manage"  # the agency's service catalogue (standar pelayanan) and maklumat
REPORTER_VIEW = "reporter.view"  # know who reported (name, phone, e-mail) of the reports the agency handles
CALLER_LOOKUP = "caller.lookup"  # find a caller's reports by phone number, in the reporter's own government

# Granted only through a membership in the agency (or an API key of it), never everywhere: a system administrator
# or a superuser gets them nowhere by that role alone.
HANDLING_ONLY = frozenset({REPORTER_VIEW, CALLER_LOOKUP})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PLATFORM_ADMIN: frozenset(
        {
            REPORT_VIEW,
            REPORT_VERIFY,
            REPORT_DISPATCH,
            REPORT_INTAKE,
            AUDIT_VIEW,
            STATS_VIEW,
            SERVICE_MANAGE,
            WEBHOOK_MANAGE,
            REPORTER_VIEW,
            CALLER_LOOKUP,
        }
    ),
    Role.PENGHUBUNG: frozenset({REPORT_VIEW, REPORT_RESPOND, REPORTER_VIEW}),
    Role.PIMPINAN: frozenset(
        {REPORT_VIEW, REPORT_RESPOND, AUDIT_VIEW, STATS_VIEW, SERVICE_MANAGE, WEBHOOK_MANAGE, REPORTER_VIEW}
    ),
    Role.OVERSIGHT: frozenset({REPORT_VIEW, AUDIT_VIEW, STATS_VIEW}),
    Role.SYSADMIN: frozenset(
        {
            REPORT_VIEW,
            REPORT_VERIFY,
            REPORT_DISPATCH,
            REPORT_RESPOND,
            REPORT_INTAKE,
            AUDIT_VIEW,
            STATS_VIEW,
            REFERENCE_MANAGE,
            SERVICE_MANAGE,
            WEBHOOK_MANAGE,
        }
    ),
    Role.CALL_CENTRE: frozenset({REPORT_INTAKE, CALLER_LOOKUP}),
}

ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())


class Everything(frozenset):
    """The scope of a system administrator: contains every agency id."""

    def __contains__(self, item):
        return True

    def __bool__(self):
        return True

    def __repr__(self):
        return "Everything()"


EVERYTHING = Everything()


def agency_subtree(root_ids: Iterable[int], active_roots_only: bool = False) -> set[int]:
    """The agencies ``root_ids`` and every unit below them. ``active_roots_only``: a root that is not active
    reaches nothing."""
    return set().union(*subtrees(root_ids, active_roots_only).values())


def subtrees(root_ids: Iterable[int], active_roots_only: bool = False) -> dict[int, set[int]]:
    """Each root's subtree (itself and every unit below it), in one recursive query: its cost follows the size of
    the subtrees, not the number of agencies registered (a province may register every village government)."""
    roots = sorted({int(pk) for pk in root_ids})
    if not roots:
        return {}
    table = connection.ops.quote_name(Agency._meta.db_table)
    active = " AND a.is_active = %s" if active_roots_only else ""
    marks = ", ".join(["%s"] * len(roots))
    query = (
        f"WITH RECURSIVE subtree(root, id) AS (SELECT a.id, a.id FROM {table} a WHERE a.id IN ({marks}){active} "
        f"UNION SELECT s.root, c.id FROM {table} c JOIN subtree s ON c.parent_id = s.id) SELECT root, id FROM subtree"
    )
    found: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(query, [*roots, True] if active_roots_only else roots)
        for root, pk in cursor.fetchall():
            found[root].add(pk)
    return dict(found)


def _scopes(user) -> dict[str, frozenset[int]]:
    """Permission -> agency ids, computed once per user object (i.e. once per request)."""
    cached = getattr(user, "_layan_scopes", None)
    if cached is not None:
        return cached
    scopes: dict[str, frozenset[int]] = {}
    if user is None or not user.is_authenticated or not user.is_active:
        return scopes
    grants = getattr(user, "layan_key_grants", None)
    if grants is not None:  # an API key (layan.api): its permissions, in its agency and the units below it
        agency_id, perms = grants
        reach = frozenset(agency_subtree([agency_id], active_roots_only=True))
        if reach:
            scopes = {perm: reach for perm in perms if perm in ALL_PERMISSIONS}
            if REPORT_VIEW in perms:  # the agency's own system reads its reports as its handling staff do
                scopes[REPORTER_VIEW] = reach
        user._layan_scopes = scopes
        return scopes
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True).values_list("agency_id", "role")
    )
    roots: dict[str, set[int]] = defaultdict(set)
    global_perms: set[str] = set()
    oversight_agencies = [agency_id for agency_id, role in memberships if role == Role.OVERSIGHT]
    overseen = defaultdict(set)
    if oversight_agencies:
        for body, target in Agency.oversees.through.objects.filter(from_agency_id__in=oversight_agencies).values_list(
            "from_agency_id", "to_agency_id"
        ):
            overseen[body].add(target)
    for agency_id, role in memberships:
        perms = ROLE_PERMISSIONS.get(role, frozenset())
        if role == Role.SYSADMIN:
            global_perms |= perms - HANDLING_ONLY
            continue
        reach = {agency_id} | overseen[agency_id] if role == Role.OVERSIGHT else {agency_id}
        for perm in perms:
            roots[perm] |= reach
    if user.is_superuser:
        global_perms |= ALL_PERMISSIONS - HANDLING_ONLY
    reached = subtrees(set().union(*roots.values())) if roots else {}
    for perm in ALL_PERMISSIONS:
        if perm in global_perms:
            scopes[perm] = EVERYTHING
        elif roots.get(perm):
            scopes[perm] = frozenset().union(*(reached.get(root, ()) for root in roots[perm]))
    user._layan_scopes = scopes
    return scopes


def agency_scope(user, perm: str) -> frozenset[int]:
    """The ids of the agencies in which ``user`` holds ``perm`` (``EVERYTHING`` for a system administrator)."""
    return _scopes(user).get(perm, frozenset())


def has_perm(user, perm: str, agency=None) -> bool:
    """Whether ``user`` holds ``perm`` in ``agency`` (an Agency or its id), or in any agency if none is given."""
    scope = agency_scope(user, perm)
    if agency is None:
        return bool(scope)
    agency_id = agency if isinstance(agency, int) else agency.pk
    return agency_id in scope


def has_perm_in_any(user, perm: str, agencies: Iterable) -> bool:
    scope = agency_scope(user, perm)
    return any((a if isinstance(a, int) else a.pk) in scope for a in agencies)


def is_global(user, perm: str) -> bool:
    return agency_scope(user, perm) is EVERYTHING


@ForeignObject.register_lookup
@Field.register_lookup
class AnyOf(Lookup):
    """``field = ANY(%s)`` with the ids as one array parameter (PostgreSQL), for :func:`in_agencies`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, [int(pk) for pk in self.rhs])


def in_agencies(field: str, agency_ids) -> Q:
    """``field IN agency_ids``. A scope can hold thousands of agencies (an oversight body's, a province's): on
    PostgreSQL they go as one array parameter (``field = ANY(%s)``, planned like the list it replaces), where a
    parameter per id made every query of a page cost tens of milliseconds to build and send."""
    ids = list(agency_ids)
    if len(ids) > 100 and connection.vendor == "postgresql":
        return Q(**{f"{field}__any_of": ids})
    return Q(**{f"{field}__in": ids})


def filter_by_scope(queryset, user, perm: str, field: str = "agency"):
    """Restrict ``queryset`` to rows whose ``field`` (an Agency foreign key path) lies in the user's scope."""
    scope = agency_scope(user, perm)
    if scope is EVERYTHING:
        return queryset
    queryset = queryset.filter(in_agencies(field, scope))
    return queryset.distinct() if "__" in field else queryset


def reporter_shown_to_agencies(agency_ids, report, active_dispatch_agency_ids=None) -> bool:
    """Whether staff (or a system) reaching ``agency_ids`` with ``reporter.view`` may know who reported ``report``:
    never for an anonymous report; otherwise when the report's admin agency or an agency it is dispatched to now
    (``active_dispatch_agency_ids``, read from the report when not given) is among them. See the module's rule."""
    if report.reporter_id is None or report.privacy == ANONYMOUS or not agency_ids:
        return False
    if report.admin_agency_id in agency_ids:
        return True
    if active_dispatch_agency_ids is None:
        dispositions = report.dispositions
        active = dispositions.model.ACTIVE_STATES
        if "dispositions" in getattr(report, "_prefetched_objects_cache", {}):  # a list page read them already
            active_dispatch_agency_ids = [d.agency_id for d in dispositions.all() if d.state in active]
        else:
            active_dispatch_agency_ids = dispositions.filter(state__in=active).values_list("agency_id", flat=True)
    return any(agency_id in agency_ids for agency_id in active_dispatch_agency_ids)


def can_see_reporter(user, report, active_dispatch_agency_ids=None) -> bool:
    """Whether ``user`` (staff or an API key) may know who reported ``report``: its name, phone and e-mail. Every
    page, API answer, export, webhook payload and admin page that shows a reporter asks this (or, for a system
    acting for an agency, :func:`reporter_shown_to_agencies`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return reporter_shown_to_agencies(agency_scope(user, REPORTER_VIEW), report, active_dispatch_agency_ids)


def caller_lookup_scope(user) -> frozenset[int]:
    """The agencies whose reports ``user`` may find by the caller's phone number: exactly the agencies of the
    user's call-centre and platform-admin memberships (their own government; not the units below, which verify
    nothing, nor a government registered below it). Reports are matched on their admin agency, the government
    whose desk verifies them: the reporter's own. Empty for everyone else, the system administrator included."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "layan_key_grants", None):
        return frozenset()
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if CALLER_LOOKUP in perms]
    memberships = Membership.objects.filter(user=user, is_active=True, agency__is_active=True, role__in=roles)
    return frozenset(memberships.values_list("agency_id", flat=True))


def is_staff_member(user) -> bool:
    return bool(_scopes(user))


def forget(user) -> None:
    """Drop the cached scopes (after memberships change within one request or test)."""
    if hasattr(user, "_layan_scopes"):
        del user._layan_scopes


# Roles whose accounts must use a second factor (layan.core.twofactor): they verify, dispatch, administer or
# oversee across agencies, so a stolen password alone must not open them.
TWO_FACTOR_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.SYSADMIN, Role.OVERSIGHT})


def must_use_two_factor(user) -> bool:
    """Whether ``user`` must enrol a second factor before reaching any staff page (when LAYAN_2FA_REQUIRED is on):
    superusers and active holders of a role in :data:`TWO_FACTOR_ROLES`."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, is_active=True, role__in=TWO_FACTOR_ROLES).exists()


def has_staff_session(user) -> bool:
    """Whether the session of ``user`` is a staff session (shorter limits, see ``LAYAN_STAFF_SESSION_HOURS``):
    anyone with a membership, Django staff or a superuser. A citizen's account keeps Django's defaults."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or is_staff_member(user))
