"""The report state machine: one table of every allowed transition, who may make it, what it does to the
report's state and to its clocks. Every caller (pages, API, channels, the sweep) goes through :func:`perform`.

Actors:
- ``admin``: a platform admin of the report's admin agency (permission report.verify / report.dispatch);
- ``agency``: staff of an agency the report is dispatched to (report.respond in that agency);
- ``reporter``: the reporter, proven by the secret link or by owning the report's citizen account;
- ``staff``: anyone who may read the report (internal notes);
- ``system``: the deadline sweep (auto-close).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.core import permissions
from layan.core.models import Agency
from layan.deadlines import services as clocks
from layan.deadlines.models import Step

from .models import Disposition, Report, ReportEvent

S = Report.State
DS = Disposition.State
ADMIN, AGENCY, REPORTER, STAFF, SYSTEM = "admin", "agency", "reporter", "staff", "system"


class TransitionError(Exception):
    """The action is not allowed for this actor in this state; ``message`` is for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ConcurrentChange(TransitionError):
    def __init__(self):
        super().__init__(
            gettext_lazy("Laporan ini baru saja diubah oleh orang lain. Muat ulang halaman lalu coba lagi.")
        )


@dataclass
class Actor:
    """Who acts: a logged-in user, the reporter (``reporter_secret``: the key of a secret link, checked against
    the stored digests; or ``proven_reporter``: a channel that already knows the sender made the report), or the
    system."""

    user: object = None
    reporter_secret: str = ""
    system: bool = False
    proven_reporter: Report | None = None
    _keys_checked: dict = field(default_factory=dict, repr=False, compare=False)  # report pk -> key matched

    def is_reporter(self, report: Report) -> bool:
        if self.proven_reporter is not None and self.proven_reporter.pk == report.pk:
            return True
        if self.reporter_secret:
            from .keys import matches

            if report.pk not in self._keys_checked:  # one look-up per report, however many actions are checked
                self._keys_checked[report.pk] = matches(report, self.reporter_secret)
            if self._keys_checked[report.pk]:
                return True
        user = self.user
        return bool(
            user is not None and user.is_authenticated and report.reporter_id and report.reporter.user_id == user.pk
        )


SYSTEM_ACTOR = Actor(system=True)


@dataclass
class Outcome:
    """What an action's effect returns to :func:`perform`."""

    to_state: str
    note: str = ""
    is_public: bool = True
    clock_effect: str = ""
    deadline_at: dt.datetime | None = None
    agency: Agency | None = None
    disposition: Disposition | None = None
    stage: str = ""
    extra_events: list = field(default_factory=list)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    actor: str
    effect: Callable
    perm: str | None = None
    disposition_states: tuple[str, ...] = ()  # for agency actions: the states the disposition may be in
    public: bool = True
    clock: str = ""  # what it does to the clocks, for documentation and the admin


def _require(condition, message):
    if not condition:
        raise ValidationError(message)


# --- effects: each takes (report, actor, data, at, disposition) and returns an Outcome -------------------------


def _mark_verified(report, at):
    """Verification is also the moment a report becomes public (unless it was at submission, by the deployment's
    ``LAYAN_PUBLISH_ON_SUBMIT``); ``Report.objects.public()`` still keeps confidential and held reports out."""
    report.verified_at = at
    report.published_at = report.published_at or at


def _verify(report, actor, data, at, disposition):
    _mark_verified(report, at)
    clocks.stop_clocks(report, [Step.VERIFICATION], at=at)
    clock = clocks.start_clock(report, Step.DISPATCH, report.admin_agency, at=at)
    _classify_fields(report, data)
    outcome = Outcome(
        S.TERVERIFIKASI,
        note=data.get("note", ""),
        clock_effect="stop:verification start:dispatch",
        deadline_at=clock.due_at,
    )
    if data.get("agencies"):
        dispatched = _dispatch(report, actor, data, at, None)
        outcome.extra_events.append(("dispatch", dispatched))
        outcome.to_state = dispatched.to_state
    return outcome


def _auto_dispatch(report, actor, data, at, disposition):
    """The system verifies and dispatches at once to the agency the active model is sure of (``layan.routing``);
    ``data``: ``agencies``, ``category`` (optional) and ``note`` (which says how sure, for the timeline)."""
    return _verify(report, actor, data, at, disposition)


def _classify_fields(report, data):
    for name in ("category", "type", "weight"):
        if data.get(name):
            setattr(report, name, data[name])


def _classify(report, actor, data, at, disposition):
    _classify_fields(report, data)
    return Outcome(report.state, note=data.get("note", ""), is_public=False)


def _pend(report, actor, data, at, disposition):
    _require(data.get("note"), _("Tuliskan informasi apa yang perlu dilengkapi pelapor."))
    report.state_before_pause = report.state
    clocks.pause_clocks(report, at=at)
    return Outcome(S.TERTUNDA, note=data["note"], clock_effect="pause:all")


def _archive(report, actor, data, at, disposition):
    reason = data.get("reason")
    _require(reason in Report.ArchiveReason.values, _("Pilih alasan pengarsipan."))
    report.archive_reason = reason
    if reason == Report.ArchiveReason.DUPLIKAT:
        report.duplicate_of = data.get("duplicate_of")
    report.closed_at = at
    clocks.cancel_clocks(report, at=at)
    label = Report.ArchiveReason(reason).label
    note = f"{label}. {data.get('note', '')}".strip()
    return Outcome(S.ARSIP, note=note, clock_effect="cancel:all")


def _open_disposition(report, agency, actor, at, note="", forwarded_from=None):
    disposition = Disposition.objects.create(
        report=report,
        agency=agency,
        note=note,
        forwarded_from=forwarded_from,
        dispatched_by=actor.user if actor.user and actor.user.is_authenticated else None,
    )
    first = clocks.start_clock(report, Step.FIRST_RESPONSE, agency, disposition=disposition, at=at)
    clocks.start_clock(report, Step.FOLLOW_UP, agency, disposition=disposition, at=at)
    clocks.start_clock(report, Step.RESOLUTION, agency, disposition=disposition, at=at)
    return disposition, first


def _dispatch(report, actor, data, at, disposition):
    agencies = list(data.get("agencies") or [])
    _require(agencies, _("Pilih minimal satu instansi tujuan disposisi."))
    active = set(report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).values_list("agency_id", flat=True))
    new = [a for a in agencies if a.pk not in active]
    _require(new, _("Laporan ini sudah didisposisikan ke instansi tersebut."))
    if report.verified_at is None:
        _mark_verified(report, at)
        clocks.stop_clocks(report, [Step.VERIFICATION], at=at)
    clocks.stop_clocks(report, [Step.DISPATCH], at=at)
    report.dispatched_at = report.dispatched_at or at
    deadline = None
    for agency in new:
        _disposition, first = _open_disposition(report, agency, actor, at, note=data.get("note", ""))
        deadline = first.due_at if deadline is None else min(deadline, first.due_at)
    names = ", ".join(a.name for a in new)
    target = S.DIPROSES if report.state == S.DIPROSES else S.TERDISPOSISI
    return Outcome(
        target,
        note=_("Didisposisikan kepada %(names)s.") % {"names": names} + _note_suffix(data),
        clock_effect="stop:verification,dispatch start:first_response,follow_up,resolution",
        deadline_at=deadline,
    )


def _note_suffix(data):
    return f" {data['note']}" if data.get("note") else ""


def _first_response(report, disposition, at):
    """The first sign of progress from an agency stops its 1x24 hours clock."""
    if disposition.first_response_at is None:
        disposition.first_response_at = at
        clocks.stop_clocks(report, [Step.FIRST_RESPONSE], disposition=disposition, at=at)
    if report.first_response_at is None:
        report.first_response_at = at


def _accept(report, actor, data, at, disposition):
    disposition.state = DS.DITERIMA
    _first_response(report, disposition, at)
    disposition.save()
    note = data.get("note") or _("Laporan diterima dan sedang ditindaklanjuti oleh %(agency)s.") % {
        "agency": disposition.agency.name
    }
    return Outcome(
        S.DIPROSES,
        note=note,
        agency=disposition.agency,
        disposition=disposition,
        stage=ReportEvent.Stage.VERIFIKASI,
        clock_effect="stop:first_response",
    )


def _progress(report, actor, data, at, disposition):
    stage = data.get("stage")
    _require(stage in ReportEvent.Stage.values, _("Pilih tahap tindak lanjut."))
    _require(data.get("note"), _("Tuliskan perkembangan tindak lanjut."))
    disposition.state = DS.DIPROSES
    _first_response(report, disposition, at)
    clocks.stop_clocks(report, [Step.FOLLOW_UP], disposition=disposition, at=at)
    disposition.save()
    return Outcome(
        S.DIPROSES,
        note=data["note"],
        agency=disposition.agency,
        disposition=disposition,
        stage=stage,
        clock_effect="stop:first_response,follow_up",
    )


def _resolve(report, actor, data, at, disposition):
    _require(data.get("note"), _("Tuliskan tindak lanjut yang telah dilakukan."))
    disposition.state = DS.SELESAI
    disposition.resolved_at = at
    _first_response(report, disposition, at)
    clocks.stop_clocks(report, [Step.FOLLOW_UP, Step.RESOLUTION], disposition=disposition, at=at)
    disposition.save()
    outcome = Outcome(
        S.DIPROSES,
        note=data["note"],
        agency=disposition.agency,
        disposition=disposition,
        stage=ReportEvent.Stage.SELESAI,
        clock_effect="stop:follow_up,resolution",
    )
    if not report.dispositions.filter(state__in=[DS.MENUNGGU, DS.DITERIMA, DS.DIPROSES]).exists():
        report.resolved_at = at
        clock = clocks.start_clock(report, Step.CONFIRMATION, report.admin_agency, at=at)
        outcome.to_state, outcome.deadline_at = S.SELESAI, clock.due_at
        outcome.clock_effect += " start:confirmation"
    return outcome


def _forward(report, actor, data, at, disposition):
    target = data.get("agency")
    _require(target is not None, _("Pilih instansi tujuan."))
    _require(target.pk != disposition.agency_id, _("Instansi tujuan sama dengan instansi saat ini."))
    handling = report.dispositions.filter(state__in=Disposition.ACTIVE_STATES, agency=target).exists()
    _require(not handling, _("Laporan ini sudah didisposisikan ke instansi tersebut."))  # as dispatch refuses it
    _require(data.get("note"), _("Tuliskan alasan laporan diteruskan."))
    disposition.state, disposition.closed_at = DS.DITERUSKAN, at
    disposition.save()
    clocks.cancel_clocks(report, disposition=disposition, at=at)
    new, first = _open_disposition(report, target, actor, at, note=data["note"], forwarded_from=disposition)
    note = _("Diteruskan dari %(source)s kepada %(target)s: %(reason)s") % {
        "source": disposition.agency.name,
        "target": target.name,
        "reason": data["note"],
    }
    busy = report.dispositions.filter(state__in=[DS.DITERIMA, DS.DIPROSES]).exists()
    return Outcome(
        S.DIPROSES if busy else S.TERDISPOSISI,
        note=note,
        agency=disposition.agency,
        disposition=new,
        clock_effect="cancel:agency start:first_response,follow_up,resolution",
        deadline_at=first.due_at,
    )


def _return(report, actor, data, at, disposition):
    _require(data.get("note"), _("Tuliskan alasan laporan dikembalikan."))
    disposition.state, disposition.closed_at = DS.DIKEMBALIKAN, at
    disposition.save()
    clocks.cancel_clocks(report, disposition=disposition, at=at)
    remaining = report.dispositions.filter(state__in=Disposition.ACTIVE_STATES)
    outcome = Outcome(
        report.state,
        note=data["note"],
        agency=disposition.agency,
        disposition=disposition,
        is_public=False,
        clock_effect="cancel:agency",
    )
    if not remaining.exists():
        clock = clocks.start_clock(report, Step.DISPATCH, report.admin_agency, at=at)
        outcome.to_state, outcome.deadline_at = S.TERVERIFIKASI, clock.due_at
        outcome.clock_effect += " start:dispatch"
    elif not remaining.exclude(state=DS.SELESAI).exists():
        # the agencies left have all resolved it: resolved now, as the last resolution would have made it, so the
        # reporter's confirmation window runs and the report closes by itself when it ends
        report.resolved_at = at
        clock = clocks.start_clock(report, Step.CONFIRMATION, report.admin_agency, at=at)
        outcome.to_state, outcome.deadline_at = S.SELESAI, clock.due_at
        outcome.clock_effect += " start:confirmation"
    return outcome


def _add_info(report, actor, data, at, disposition):
    _require(data.get("note"), _("Tuliskan informasi tambahan."))
    if report.state == S.TERTUNDA:
        clocks.resume_clocks(report, at=at)
        target, report.state_before_pause = report.state_before_pause or S.BARU, ""
        return Outcome(target, note=data["note"], is_public=False, clock_effect="resume:all")
    return Outcome(report.state, note=data["note"], is_public=False)


def _confirm(report, actor, data, at, disposition):
    report.closed_at = at
    clocks.stop_clocks(report, [Step.CONFIRMATION], at=at)
    if data.get("rating"):
        _rate_fields(report, data)
    return Outcome(
        S.DITUTUP,
        note=data.get("note") or _("Pelapor mengonfirmasi laporan telah selesai."),
        clock_effect="stop:confirmation",
    )


def _reopen(report, actor, data, at, disposition):
    _require(data.get("note"), _("Tuliskan mengapa laporan belum selesai."))
    report.reopen_count += 1
    report.resolved_at = None
    clocks.cancel_clocks(report, [Step.CONFIRMATION], at=at)
    for d in report.dispositions.filter(state=DS.SELESAI):
        d.state, d.resolved_at = DS.DIPROSES, None
        d.save()
        clocks.start_clock(report, Step.RESOLUTION, d.agency, disposition=d, at=at)
    return Outcome(S.DIPROSES, note=data["note"], clock_effect="cancel:confirmation start:resolution")


def _rate_fields(report, data):
    try:
        rating = int(data.get("rating"))
    except (TypeError, ValueError):
        rating = 0
    _require(1 <= rating <= 5, _("Penilaian harus antara 1 dan 5."))
    report.rating, report.rating_comment = rating, data.get("comment", "")


def _rate(report, actor, data, at, disposition):
    _require(report.rating is None, _("Laporan ini sudah dinilai."))
    _rate_fields(report, data)
    return Outcome(
        report.state,
        note=_("Penilaian: %(n)s dari 5.") % {"n": report.rating} + _note_suffix({"note": report.rating_comment}),
    )


def _auto_close(report, actor, data, at, disposition):
    report.closed_at = at
    clocks.stop_clocks(report, [Step.CONFIRMATION], at=at)
    return Outcome(
        S.DITUTUP,
        note=_("Ditutup otomatis: tidak ada tanggapan pelapor dalam batas waktu konfirmasi."),
        clock_effect="stop:confirmation",
    )


def _internal_note(report, actor, data, at, disposition):
    _require(data.get("note"), _("Catatan tidak boleh kosong."))
    return Outcome(report.state, note=data["note"], is_public=False)


OPEN = tuple(Report.OPEN_STATES)
AGENCY_BUSY = (DS.MENUNGGU, DS.DITERIMA, DS.DIPROSES)
P = permissions

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "verify",
            gettext_lazy("Verifikasi"),
            (S.BARU,),
            ADMIN,
            _verify,
            P.REPORT_VERIFY,
            clock="stop verification; start dispatch (and, with agencies, dispatch at once)",
        ),
        Transition(
            "dispatch",
            gettext_lazy("Disposisi"),
            (S.BARU, S.TERVERIFIKASI, S.TERDISPOSISI, S.DIPROSES),
            ADMIN,
            _dispatch,
            P.REPORT_DISPATCH,
            clock="stop verification, dispatch; start first response, follow-up, resolution per agency",
        ),
        Transition(
            "auto_dispatch",
            gettext_lazy("Disposisi otomatis"),
            (S.BARU,),
            SYSTEM,
            _auto_dispatch,
            clock="as verify with agencies",
        ),
        Transition("classify", gettext_lazy("Klasifikasi"), OPEN, ADMIN, _classify, P.REPORT_VERIFY, public=False),
        Transition(
            "pend",
            gettext_lazy("Tunda: minta informasi pelapor"),
            (S.BARU, S.TERVERIFIKASI),
            ADMIN,
            _pend,
            P.REPORT_VERIFY,
            clock="pause all",
        ),
        Transition(
            "archive",
            gettext_lazy("Arsipkan"),
            (S.BARU, S.TERTUNDA, S.TERVERIFIKASI),
            ADMIN,
            _archive,
            P.REPORT_VERIFY,
            clock="cancel all",
        ),
        Transition(
            "accept",
            gettext_lazy("Terima"),
            (S.TERDISPOSISI, S.DIPROSES),
            AGENCY,
            _accept,
            P.REPORT_RESPOND,
            disposition_states=(DS.MENUNGGU,),
            clock="stop first response",
        ),
        Transition(
            "progress",
            gettext_lazy("Kirim perkembangan"),
            (S.TERDISPOSISI, S.DIPROSES),
            AGENCY,
            _progress,
            P.REPORT_RESPOND,
            disposition_states=AGENCY_BUSY,
            clock="stop first response, follow-up",
        ),
        Transition(
            "resolve",
            gettext_lazy("Tandai selesai"),
            (S.TERDISPOSISI, S.DIPROSES),
            AGENCY,
            _resolve,
            P.REPORT_RESPOND,
            disposition_states=AGENCY_BUSY,
            clock="stop follow-up, resolution; start confirmation when every agency is done",
        ),
        Transition(
            "forward",
            gettext_lazy("Teruskan (bukan wewenang)"),
            (S.TERDISPOSISI, S.DIPROSES),
            AGENCY,
            _forward,
            P.REPORT_RESPOND,
            disposition_states=AGENCY_BUSY,
            clock="cancel this agency's clocks; start the new agency's",
        ),
        Transition(
            "return",
            gettext_lazy("Kembalikan ke admin"),
            (S.TERDISPOSISI, S.DIPROSES),
            AGENCY,
            _return,
            P.REPORT_RESPOND,
            disposition_states=(DS.MENUNGGU, DS.DITERIMA),
            public=False,
            clock="cancel this agency's clocks; restart dispatch when no agency is left",
        ),
        Transition(
            "add_info",
            gettext_lazy("Tambah informasi"),
            OPEN,
            REPORTER,
            _add_info,
            public=False,
            clock="resume when the report was waiting for the reporter",
        ),
        Transition(
            "confirm", gettext_lazy("Konfirmasi selesai"), (S.SELESAI,), REPORTER, _confirm, clock="stop confirmation"
        ),
        Transition(
            "reopen",
            gettext_lazy("Belum selesai, buka kembali"),
            (S.SELESAI,),
            REPORTER,
            _reopen,
            clock="cancel confirmation; restart resolution",
        ),
        Transition("rate", gettext_lazy("Beri penilaian"), (S.SELESAI, S.DITUTUP), REPORTER, _rate),
        Transition(
            "auto_close", gettext_lazy("Tutup otomatis"), (S.SELESAI,), SYSTEM, _auto_close, clock="stop confirmation"
        ),
        Transition(
            "note",
            gettext_lazy("Catatan internal"),
            OPEN + (S.SELESAI,),
            STAFF,
            _internal_note,
            public=False,
        ),
    ]
}


def _user(actor):
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def check(report: Report, action: str, actor: Actor, disposition: Disposition | None = None) -> Transition:
    """Return the transition if ``actor`` may perform ``action`` on ``report`` now; raise TransitionError if not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Aksi tidak dikenal."))
    if report.state not in transition.sources:
        raise TransitionError(
            _("Aksi “%(action)s” tidak dapat dilakukan pada laporan berstatus “%(status)s”.")
            % {"action": transition.label, "status": report.get_state_display()}
        )
    user = _user(actor)
    if transition.actor == SYSTEM:
        allowed = actor.system
    elif transition.actor == REPORTER:
        allowed = actor.is_reporter(report)
    elif transition.actor == ADMIN:
        allowed = user is not None and permissions.has_perm(user, transition.perm, report.admin_agency_id)
    elif transition.actor == AGENCY:
        if disposition is None or disposition.report_id != report.pk:
            raise TransitionError(_("Pilih disposisi instansi Anda."))
        if disposition.state not in transition.disposition_states:
            raise TransitionError(_("Disposisi ini sudah tidak dapat diubah."))
        allowed = user is not None and permissions.has_perm(user, transition.perm, disposition.agency_id)
    else:  # STAFF: those who act on the report (its admins, its agencies), not read-only oversight
        allowed = user is not None and can_act(user, report)
    if not allowed:
        raise TransitionError(_("Anda tidak berwenang melakukan aksi ini pada laporan ini."))
    return transition


def can_view(user, report: Report) -> bool:
    """Staff who may read this report in full: admins of its admin agency and staff of its dispatch agencies."""
    scope = permissions.agency_scope(user, permissions.REPORT_VIEW)
    if report.admin_agency_id in scope:
        return True
    return any(agency_id in scope for agency_id in report.dispositions.values_list("agency_id", flat=True))


def can_act(user, report: Report) -> bool:
    if permissions.has_perm(user, permissions.REPORT_VERIFY, report.admin_agency_id):
        return True
    agencies = report.dispositions.filter(state__in=Disposition.ACTIVE_STATES).values_list("agency_id", flat=True)
    return any(permissions.has_perm(user, permissions.REPORT_RESPOND, agency_id) for agency_id in agencies)


def allowed_actions(report: Report, actor: Actor, disposition: Disposition | None = None) -> list[Transition]:
    result = []
    for action in TRANSITIONS:
        try:
            result.append(check(report, action, actor, disposition))
        except TransitionError:
            continue
    return result


@transaction.atomic
def perform(
    report: Report,
    action: str,
    actor: Actor,
    *,
    version: int | None = None,
    disposition: Disposition | None = None,
    at: dt.datetime | None = None,
    **data,
) -> ReportEvent:
    """Carry out ``action`` atomically: check, apply, record the event, bump the version, queue notifications.

    ``version`` is the report version the actor saw; if the report changed since, ConcurrentChange is raised and
    nothing is saved. Invalid data raises ValidationError, a refused action TransitionError.
    """
    at = at or timezone.now()
    locked = Report.objects.select_for_update(of=("self",)).select_related("admin_agency", "region").get(pk=report.pk)
    if version is not None and int(version) != locked.version:
        raise ConcurrentChange()
    if disposition is not None:
        disposition = (
            Disposition.objects.select_for_update(of=("self",)).select_related("agency").get(pk=disposition.pk)
        )
    transition = check(locked, action, actor, disposition)
    from_state = locked.state
    outcome = transition.effect(locked, actor, data, at, disposition)
    locked.state = outcome.to_state
    locked.version += 1
    locked.save()
    _tell_routing(locked, transition.action, outcome, from_state, actor, data, at)
    event = _record(locked, transition.action, transition, actor, outcome, from_state, at)
    for extra_action, extra in outcome.extra_events:
        _record(locked, extra_action, TRANSITIONS[extra_action], actor, extra, from_state, at)
    report.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return event


def _tell_routing(report, action, outcome, from_state, actor, data, at):
    """Every dispatch decision is a label for the suggestion models; a report that stops being open leaves the
    duplicate index, and one open again returns to it (``layan.routing.services``)."""
    from layan.routing import services as routing

    dispatched = [name for name, _extra in outcome.extra_events] + [action]
    if "dispatch" in dispatched or action == "auto_dispatch":
        routing.on_dispatched(report, list(data.get("agencies") or []), actor, at=at)
    elif action == "forward":  # bukan wewenang: the agency names the right one, a correction of the dispatch
        routing.on_dispatched(report, [data["agency"]], actor, at=at)
    if from_state in Report.OPEN_STATES and report.state not in Report.OPEN_STATES:
        routing.on_left_open(report)
    elif from_state not in Report.OPEN_STATES and report.state in Report.OPEN_STATES:
        routing.on_reopened(report, at=at)


def _record(report, action, transition, actor, outcome, from_state, at):
    from .notifications import queue_notifications

    event = _new_event(report, action, transition, actor, outcome, from_state, at)
    event.save()
    if event.is_public:
        queue_notifications(event)
    return event


def _new_event(report, action, transition, actor, outcome, from_state, at) -> ReportEvent:
    return ReportEvent(
        report=report,
        action=action,
        actor=_user(actor),
        actor_kind=transition.actor,
        agency=outcome.agency or (outcome.disposition.agency if outcome.disposition else None),
        disposition=outcome.disposition,
        from_state=from_state,
        to_state=outcome.to_state,
        stage=outcome.stage,
        note=outcome.note,
        is_public=transition.public and outcome.is_public,
        clock_effect=outcome.clock_effect,
        deadline_at=outcome.deadline_at,
        created_at=at,
    )


# --- history brought over from an old system (system-only) -------------------------------------------------------


@dataclass
class HistoricalStep:
    """One step of an imported report's past: an action of :data:`TRANSITIONS`, when it happened, its data (as
    :func:`perform` takes it), the agency whose disposition an agency action is on, and optionally who the timeline
    names (default: the transition's actor)."""

    action: str
    at: dt.datetime
    data: dict = field(default_factory=dict)
    agency: Agency | None = None
    actor_kind: str = ""


@transaction.atomic
def replay_history(report: Report, steps: list[HistoricalStep]) -> list[ReportEvent]:
    """System-only path for ``layan.reports.importer``: bring a report just taken in through the intake to the
    state its old system recorded, step by step, through the same transition effects as :func:`perform` (so its
    dates, dispositions and clocks agree with the state machine), at the historical times.

    Why not :func:`perform`: the steps were taken years ago by people who may have no login here (the agency's
    liaison officer of 2019), so no permission is asked (the caller checked the importing user's own right to
    import into the admin agency), and no notification or webhook is queued (nobody is told today of 2019's
    history). Each step must still be allowed from the state the previous one left, else TransitionError."""
    events = []
    for step in steps:
        transition = TRANSITIONS[step.action]
        if report.state not in transition.sources:
            raise TransitionError(
                _("Aksi “%(action)s” tidak dapat dilakukan pada laporan berstatus “%(status)s”.")
                % {"action": transition.label, "status": report.get_state_display()}
            )
        disposition = None
        if transition.actor == AGENCY:
            disposition = (
                report.dispositions.select_related("agency")
                .filter(agency=step.agency, state__in=transition.disposition_states)
                .first()
            )
            if disposition is None:
                raise TransitionError(_("Pilih disposisi instansi Anda."))
        opened_after = timezone.now()
        from_state = report.state
        outcome = transition.effect(report, SYSTEM_ACTOR, dict(step.data), step.at, disposition)
        report.state = outcome.to_state
        report.version += 1
        if step.action in ("verify", "dispatch"):  # dispatched_at is auto_now_add: give it the historical time
            report.dispositions.filter(dispatched_at__gte=opened_after).update(dispatched_at=step.at)
        for action, done in [(step.action, outcome), *outcome.extra_events]:
            event = _new_event(report, action, TRANSITIONS[action], SYSTEM_ACTOR, done, from_state, step.at)
            event.actor_kind = step.actor_kind or event.actor_kind
            events.append(event)
    if steps:  # one write of the report (and one audit entry) for the whole history
        report.save()
    return ReportEvent.objects.bulk_create(events)
