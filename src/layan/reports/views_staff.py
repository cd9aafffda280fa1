"""Pages for staff: the inbox ("what waits for me"), bulk actions, a report's full page with one form per action
the user may take now, intake of a report for a caller or walk-in citizen, and the caller lookup.

Server-rendered and usable without JavaScript. Who may see and do what is asked of ``layan.core.permissions`` and
``layan.reports.workflow``; these views decide nothing on their own. A staff member without the permission gets
403; a report outside their scope is 404, whether or not it exists, so numbers cannot be probed.
"""

import operator
from functools import reduce

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layan.core import inputs, permissions
from layan.core.regions import TIMEZONE_ABBREVIATIONS
from layan.deadlines.models import Clock
from layan.deadlines.services import describe, report_clocks
from layan.routing.services import staff_panel as routing_panel

from . import audit, keys, services, workflow
from .attachments import save_attachment
from .forms_staff import ACTION_FORMS, BulkActionForm, InboxFilterForm, IntakeForm, LookupForm
from .listing import CappedPaginator, OverdueFirst
from .models import Disposition, Report
from .services import NewReport, ReporterInfo
from .workflow import Actor, ConcurrentChange, TransitionError

P = permissions
PAGE_SIZE = 25
INTAKE_SESSION_KEY = "layan_intake_done"
S, DS = Report.State, Disposition.State


# --- helpers -------------------------------------------------------------------------------------------------------


def _require_any(user, *perms):
    if not any(P.has_perm(user, perm) for perm in perms):
        raise PermissionDenied


def _staff_links(user) -> list[tuple[str, str, str]]:
    """(url name, label, key) of the staff pages this user may open, for the sub-navigation."""
    links = []
    if P.has_perm(user, P.REPORT_VIEW):
        links.append(("reports:inbox", _("Kotak masuk"), "inbox"))
    if P.has_perm(user, P.REPORT_INTAKE):
        links.append(("reports:intake", _("Catat laporan"), "intake"))
    if P.has_perm(user, P.REPORT_INTAKE) or P.has_perm(user, P.REPORT_VIEW):
        links.append(("reports:lookup", _("Cari penelepon"), "lookup"))
    if P.has_perm(user, P.REPORT_VERIFY):
        links.append(("reports:import", _("Impor data lama"), "import"))
        links.append(("routing:models", _("Perutean"), "routing"))
    return [(reverse(name), label, key) for name, label, key in links]


def _context(request, current: str, **extra) -> dict:
    return {"staff_links": _staff_links(request.user), "current": current, **extra}


def _tz_name(report: Report) -> str:
    """Times are shown in the region's own time zone (WIB/WITA/WIT)."""
    if report.region_id:
        return report.region.timezone
    return report.admin_agency.timezone


def _with_tz(report: Report) -> Report:
    report.tz_name = _tz_name(report)
    report.tz_abbr = TIMEZONE_ABBREVIATIONS.get(report.tz_name, report.tz_name)
    return report


def _open_clocks() -> Prefetch:
    """Every running or paused clock of the listed reports in one query, nearest deadline first (no N+1)."""
    clocks = (
        Clock.objects.filter(status__in=[Clock.Status.RUNNING, Clock.Status.PAUSED])
        .select_related("agency__home_region", "report__region")
        .order_by("due_at", "pk")
    )
    return Prefetch("clocks", queryset=clocks, to_attr="open_clocks")


def _annotate_row(report: Report) -> Report:
    """The nearest running deadline (or, while the report waits for the reporter, the paused one)."""
    _with_tz(report)
    clocks = getattr(report, "open_clocks", [])
    running = [c for c in clocks if c.status == Clock.Status.RUNNING] or clocks
    report.next_clock = describe(running[0]) if running else None
    return report


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _waiting_for(user) -> Q | None:
    """ "What waits for me": for admins, the open reports of their admin agencies not yet with an agency; for agency
    staff, reports whose disposition to their agency is waiting, accepted or in progress."""
    parts = []
    verify = P.agency_scope(user, P.REPORT_VERIFY)
    if verify:
        mine = Q(state__in=[S.BARU, S.TERVERIFIKASI, S.TERTUNDA])
        if verify is not P.EVERYTHING:
            mine &= P.in_agencies("admin_agency_id", verify)
        parts.append(mine)
    respond = P.agency_scope(user, P.REPORT_RESPOND)
    if respond:
        dispositions = Disposition.objects.filter(
            report=OuterRef("pk"), state__in=[DS.MENUNGGU, DS.DITERIMA, DS.DIPROSES]
        )
        if respond is not P.EVERYTHING:
            dispositions = dispositions.filter(P.in_agencies("agency_id", respond))
        parts.append(Q(Exists(dispositions)))  # EXISTS: it is OR-ed (see services.staff_reports)
    return reduce(operator.or_, parts) if parts else None


# --- inbox and bulk actions ----------------------------------------------------------------------------------------


@login_required
def inbox(request):
    user = request.user
    _require_any(user, P.REPORT_VIEW)
    waiting = _waiting_for(user)
    form = InboxFilterForm(request.GET, user=user, can_act=waiting is not None)
    form.is_valid()  # invalid values are dropped from cleaned_data and shown as errors; the rest still applies
    data = form.cleaned_data
    view = data.get("lingkup") or (form.MINE if waiting is not None else form.ALL)

    reports = services.staff_reports(user)
    if view == form.MINE and waiting is not None:
        reports = reports.filter(waiting)
    if data.get("status"):
        reports = reports.filter(state=data["status"])
    if data.get("agency"):
        # an agency and its units: choosing a government finds what any of its agencies holds
        within = P.in_agencies("agency_id", P.agency_subtree([data["agency"]]))
        reports = reports.filter(pk__in=Disposition.objects.filter(within).values("report_id"))
    if data.get("category"):
        reports = reports.filter(category_id=data["category"])
    if data.get("region"):
        code = data["region"]
        reports = reports.filter(Q(region_id=code) | Q(region__code__startswith=code + "."))
    if data.get("channel"):
        reports = reports.filter(channel=data["channel"])
    if data.get("overdue"):
        reports = reports.filter(pk__in=services.overdue_report_ids())
    if data.get("held"):  # held back by the abuse screen (layan.routing), waiting for an admin's look
        reports = reports.filter(held_for_review=True)
    reports = services.search(reports, data.get("q", ""))
    reports = reports.select_related("region__parent", "admin_agency__home_region").prefetch_related(_open_clocks())
    overdue_first = OverdueFirst(reports, services.overdue_now())  # then the others, each oldest first
    page = CappedPaginator(overdue_first, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_annotate_row(report) for report in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    can_bulk = P.has_perm(user, P.REPORT_VERIFY)
    context = _context(
        request,
        "inbox",
        form=form,
        view=view,
        page=page,
        rows=rows,
        query=query.urlencode(),
        can_bulk=can_bulk,
        bulk_form=BulkActionForm(user=user, auto_id="id_bulk_%s") if can_bulk else None,
        filters_open=form.active_count() > 0 or bool(form.errors),
    )
    return render(request, "reports/staff/inbox.html", context)


@login_required
@require_POST
def bulk_action(request):
    """Verify and dispatch, or archive, several reports: each one goes through the workflow on its own, so one
    refusal does not stop the others; the summary names each failure."""
    user = request.user
    _require_any(user, P.REPORT_VERIFY)
    back = _safe_next(request, reverse("reports:inbox"))
    form = BulkActionForm(request.POST, user=user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    actor = Actor(user=user)
    operation, note = form.cleaned_data["operation"], form.cleaned_data.get("note", "")
    visible = services.staff_reports(user)
    succeeded, failed = 0, []
    for number, version in form.selected():
        report = visible.filter(tracking_number=number).first()
        if report is None:
            failed.append((number, _("laporan tidak ditemukan")))
            continue
        try:
            if operation == form.VERIFY_DISPATCH:
                action = "verify" if report.state == S.BARU else "dispatch"
                workflow.perform(report, action, actor, version=version, agencies=form.chosen_agencies(), note=note)
            else:
                reason = form.cleaned_data["reason"]
                workflow.perform(report, "archive", actor, version=version, reason=reason, note=note)
        except TransitionError as exc:
            failed.append((number, str(exc.message)))
        except ValidationError as exc:
            failed.append((number, " ".join(exc.messages)))
        else:
            succeeded += 1
    summary = _("%(ok)s berhasil, %(failed)s gagal") % {"ok": succeeded, "failed": len(failed)}
    if failed:
        details = "; ".join(f"{number}: {message}" for number, message in failed)
        messages.warning(request, f"{summary}: {details}")
    else:
        messages.success(request, f"{summary}.")
    return redirect(back)


# --- one report ----------------------------------------------------------------------------------------------------


def _visible_report(request, number: str) -> Report:
    user = request.user
    _require_any(user, P.REPORT_VIEW, P.REPORT_VERIFY)
    report = (
        Report.objects.select_related(
            "region", "category", "reporter", "entered_by", "admin_agency__home_region", "duplicate_of"
        )
        .filter(tracking_number=number.strip().upper())
        .first()
    )
    if report is None or not (
        workflow.can_view(user, report) or P.has_perm(user, P.REPORT_VERIFY, report.admin_agency_id)
    ):
        raise Http404
    return report


def _form_key(action: str, disposition: Disposition | None) -> str:
    return f"{action}-{disposition.pk}" if disposition else action


def _action_forms(request, report: Report, bound: tuple[str, object] | None) -> list[dict]:
    """One form per action the user may take now: the report's own actions, then each active disposition's."""
    user, actor = request.user, Actor(user=request.user)
    candidates = [(t, None) for t in workflow.allowed_actions(report, actor) if t.actor != workflow.AGENCY]
    for disposition in report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).select_related("agency"):
        candidates += [
            (t, disposition) for t in workflow.allowed_actions(report, actor, disposition) if t.actor == workflow.AGENCY
        ]
    entries = []
    for transition, disposition in candidates:
        form_class = ACTION_FORMS.get(transition.action)
        if form_class is None:
            continue
        key = _form_key(transition.action, disposition)
        if bound and bound[0] == key:
            form = bound[1]
        else:
            form = form_class(report=report, user=user, disposition=disposition, auto_id=f"id_{key}_%s")
        entries.append(
            {
                "key": key,
                "label": transition.label,
                "form": form,
                "disposition": disposition,
                "url": reverse("reports:act", args=[report.tracking_number, transition.action]),
                "open": bool(bound and bound[0] == key),
                "multipart": "photos" in form.fields,
            }
        )
    return entries


EVENT_LABELS = {"submit": gettext_lazy("Laporan masuk")}


def _event_label(action: str) -> str:
    transition = workflow.TRANSITIONS.get(action)
    return str(transition.label) if transition else str(EVENT_LABELS.get(action, action))


def _actor_label(event) -> str:
    if event.actor_id:
        name = event.actor.get_full_name() or event.actor.get_username()
        return _("%(name)s (petugas pencatat)") % {"name": name} if event.actor_kind == "intake" else name
    return {"reporter": _("Pelapor"), "system": _("Sistem"), "public": _("Publik")}.get(event.actor_kind, "")


def _render_detail(request, report: Report, *, bound=None, alert: str = "", status: int = 200):
    user = request.user
    _with_tz(report)
    events = list(services.timeline(report, public_only=False))
    for event in events:
        event.label = _event_label(event.action)
        event.actor_label = _actor_label(event)
    context = _context(
        request,
        "detail",
        report=report,
        show_reporter=services.reporter_visible_to(user, report),
        region_name=report.region.full_name() if report.region_id else "",
        dispositions=list(report.dispositions.select_related("agency", "forwarded_from__agency")),
        clocks=report_clocks(report),
        events=events,
        attachments=list(report.attachments.all()),
        action_forms=_action_forms(request, report, bound),
        routing=routing_panel(user, report),
        alert=alert,
    )
    return render(request, "reports/staff/detail.html", context, status=status)


@login_required
def detail(request, number):
    return _render_detail(request, _visible_report(request, number))


@login_required
@require_POST
def act(request, number, action):
    """Carry out one action from the report page. Refused: 403 with the reason; stale page: the reload message and
    nothing changed; invalid input: the page again with the errors and what was typed."""
    report = _visible_report(request, number)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    user, actor = request.user, Actor(user=request.user)
    disposition = None
    if workflow.TRANSITIONS[action].actor == workflow.AGENCY:
        chosen = inputs.valid_ids([request.POST.get("disposition", "")])
        if chosen:
            disposition = report.dispositions.select_related("agency").filter(pk=chosen[0]).first()
    key = _form_key(action, disposition)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a page without the version is treated as stale
    if version != report.version:
        stale = form_class(request.POST, report=report, user=user, disposition=disposition, auto_id=f"id_{key}_%s")
        return _render_detail(request, report, bound=(key, stale), alert=str(ConcurrentChange().message), status=409)
    try:
        workflow.check(report, action, actor, disposition)
    except TransitionError as exc:
        return _render_detail(request, report, alert=str(exc.message), status=403)
    form = form_class(
        request.POST, request.FILES, report=report, user=user, disposition=disposition, auto_id=f"id_{key}_%s"
    )
    if not form.is_valid():
        return _render_detail(request, report, bound=(key, form), status=400)
    try:
        with transaction.atomic():
            event = workflow.perform(
                report, action, actor, version=version, disposition=disposition, **form.workflow_data()
            )
            for content, content_type, name in form.evidence():
                save_attachment(report, content, content_type, name, event=event, by_staff=True)
    except ConcurrentChange as exc:
        report.refresh_from_db()
        return _render_detail(request, report, bound=(key, form), alert=str(exc.message), status=409)
    except TransitionError as exc:
        report.refresh_from_db()
        return _render_detail(request, report, alert=str(exc.message), status=403)
    except ValidationError as exc:
        report.refresh_from_db()
        form.add_error(None, exc.messages)
        return _render_detail(request, report, bound=(key, form), status=400)
    label = workflow.TRANSITIONS[action].label
    messages.success(request, _("“%(action)s” berhasil disimpan.") % {"action": label})
    return redirect(reverse("reports:staff-detail", args=[report.tracking_number]) + "#isi")


# --- call centre and front desk ------------------------------------------------------------------------------------


@login_required
def intake(request):
    """A report told by phone or at the counter: the officer types it in; the caller gets the tracking number and
    the secret link read out (or printed)."""
    user = request.user
    _require_any(user, P.REPORT_INTAKE)
    if request.method == "POST":
        form = IntakeForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            new = NewReport(
                title=data["title"],
                description=data["description"],
                type=data["type"],
                category=data["category"],
                region=data["region"],
                address=data["address"],
                privacy=data["privacy"],
            )
            reporter = ReporterInfo(name=data["name"], phone=data["phone"].as_e164, email=data["email"])
            try:
                report = services.submit_report(new, channel=data["channel"], reporter=reporter, entered_by=user)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                request.session[INTAKE_SESSION_KEY] = report.tracking_number
                return redirect(f"{reverse('reports:intake')}?{urlencode({'nomor': report.tracking_number})}")
    else:
        form = IntakeForm(user=user)
    done = None
    number = request.GET.get("nomor", "")
    if number and request.session.get(INTAKE_SESSION_KEY) == number:  # only the officer who just entered it
        done = (
            Report.objects.select_related("admin_agency__home_region", "region")
            .filter(tracking_number=number, entered_by=user)
            .first()
        )
    context = _context(request, "intake", form=form, done=done)
    if done is not None:
        _with_tz(done)
        context["secret_link"] = keys.link(done, "staff")  # a fresh key each time it is shown; only digests kept
        context["done_clocks"] = report_clocks(done, include_stopped=False)
    return render(request, "reports/staff/intake.html", context, status=400 if form.errors else 200)


@login_required
def lookup(request):
    """Find a caller's reports by tracking number or phone. Call-centre officers see public information only: the
    content of a confidential report stays hidden unless they may read the report. By phone only the call centre
    and platform admins of the reporter's own government find anything (``services.find_for_caller``); every
    lookup is written to the audit trail (``audit.record_caller_lookup``), the number masked."""
    user = request.user
    _require_any(user, P.REPORT_INTAKE, P.REPORT_VIEW)
    form = LookupForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        found = (
            services.find_for_caller(form.cleaned_data["q"], user)
            .select_related("region__parent", "admin_agency__home_region", "category", "reporter")
            .prefetch_related(_open_clocks())
            .order_by("-created_at")[:50]
        )
        results = []
        for report in found:
            _annotate_row(report)
            report.show_content = services.content_visible(user, report)
            report.staff_url = (
                reverse("reports:staff-detail", args=[report.tracking_number])
                if workflow.can_view(user, report)
                else ""
            )
            report.show_reporter = services.reporter_visible_to(user, report)
            report.last_update = report.events.filter(is_public=True).order_by("-created_at", "-pk").first()
            results.append(report)
        audit.record_caller_lookup(request, form.cleaned_data["q"], results)
    return render(request, "reports/staff/lookup.html", _context(request, "lookup", form=form, results=results))
